"""The follow-up section: the Word report's part on the agreed path, written and read back."""
from __future__ import annotations

import io

import docx

from giamngheo.monitor import adopt, agreed_path, measure
from giamngheo.plan.targets import load_plan
from giamngheo.report.follow_up import add_follow_up, follow_up
from giamngheo.scenario.scenario import Scenario
from tests.monitor.monitor_data import make_obs


def test_the_section_reads_back_from_the_word_file():
    p = agreed_path(load_plan(), make_obs(), Scenario.of("", {"jobs": 3500}), 2026, draws=200)
    a27 = p.get("poor_rate").values[2027]
    a = adopt(p, "Lộ trình 2027–2030", "Nguyễn Văn A", "Nghị quyết 12-NQ/ĐU", date="2026-12-20")
    later = make_obs([("poor_rate", "all", 2027, round(a27 + 1, 6)), ("jobs_created", "all", 2027, 3600),
                      ("poor_households", "xa2025:dai-an", 2026, 300), ("poor_households", "xa2025:dai-an", 2027, 240)])
    m = measure(a, later)
    d = add_follow_up(docx.Document(), m, "vi", heading="III. KẾT QUẢ THỰC HIỆN SO VỚI LỘ TRÌNH")
    buf = io.BytesIO()
    d.save(buf)
    back = docx.Document(io.BytesIO(buf.getvalue()))
    text = "\n".join(p.text for p in back.paragraphs)
    assert "III. KẾT QUẢ THỰC HIỆN SO VỚI LỘ TRÌNH" in text
    assert "Nghị quyết 12-NQ/ĐU" in text and "20/12/2026" in text
    assert "chậm 1,00 điểm % so với lộ trình" in text
    assert "0,1 điểm %" in text                            # the tolerance, stated
    readings, levers, communes = back.tables
    rows = [[c.text for c in r.cells] for r in readings.rows]
    poor27 = next(r for r in rows if r[0] == "Tỷ lệ hộ nghèo" and r[2] == "2027" and r[1] != "Khmer")
    assert poor27[6] == "+1,00 điểm %" and poor27[3] == "Chậm so với lộ trình"
    assert poor27[4] == f"{a27:.2f}".replace(".", ",") + "%"
    jobs = next([c.text for c in r.cells] for r in levers.rows if r.cells[0].text.startswith("Việc làm"))
    assert jobs[1] == "3.500 lao động/năm" and jobs[3] == "Vượt lộ trình"
    assert jobs[4] == "2027: 3.600 lao động" and jobs[5] == "+100 lao động"
    dai_an = [c.text for c in communes.rows[1].cells]
    assert dai_an[0] == "Đại An" and dai_an[2] == "60"


def test_english_and_the_compact_table():
    p = agreed_path(load_plan(), make_obs(), Scenario(), 2026, draws=0)
    f = follow_up(measure(adopt(p, "Path", "A"), make_obs()), "en")
    assert f.title == "Results against the agreed path"
    assert "no real figure yet" in f.sentence
    # compact: the plan's target series only, each with its next awaited year and the horizon
    years = {(r[0], r[1]): [] for r in f.readings.rows}
    for r in f.readings.rows:
        years[(r[0], r[1])].append(r[2])
    assert years[("Poor-household rate", "All households")] == ["2027", "2030"]


def test_the_word_report_has_the_follow_up_as_a_numbered_part():
    import re

    from giamngheo.model.engine import make_context
    from giamngheo.model.uncertainty import monte_carlo
    from giamngheo.report import export
    obs = make_obs()
    p = agreed_path(load_plan(), obs, Scenario.of("", {"jobs": 3500}), 2026, draws=100)
    a27 = p.get("poor_rate").values[2027]
    later = make_obs([("poor_rate", "all", 2027, round(a27 - 1, 6))])
    ctx = make_context(load_plan(), later)
    mc = monte_carlo(ctx, Scenario(), n=100)
    m = measure(adopt(p, "Lộ trình 2027–2030", "A", "Nghị quyết 12-NQ/ĐU", date="2026-12-20"), later,
                ctx.indicators, ctx.plan)

    def heads(data):
        d = docx.Document(io.BytesIO(data))
        return d, [x.text for x in d.paragraphs if re.match(r"^[IVX]+\. ", x.text)]

    for kind, before in (("review", "I. KẾT QUẢ CHÍNH"), ("final", None)):
        data = export.docx_bytes(ctx, Scenario(), "vi", export.ReportMeta(), mc.projection, mc.verdicts,
                                 with_charts=False, kind=kind, follow_up=m)
        d, hs = heads(data)
        i = hs.index(next(h for h in hs if h.endswith("KẾT QUẢ THỰC HIỆN SO VỚI LỘ TRÌNH ĐÃ THỐNG NHẤT")))
        if before:
            assert hs[i - 1] == before
        text = "\n".join(x.text for x in d.paragraphs)
        assert "vượt 1,00 điểm % so với lộ trình đã thống nhất «Lộ trình 2027–2030»" in text
        assert "0,1 điểm %" in text
        cells = {c.text for t in d.tables for r in t.rows for c in r.cells}
        assert "Vượt lộ trình" in cells and "−1,00 điểm %" in cells
        _, without = heads(export.docx_bytes(ctx, Scenario(), "vi", export.ReportMeta(), mc.projection, mc.verdicts,
                                             with_charts=False, kind=kind))
        assert not [h for h in without if "LỘ TRÌNH" in h] and len(without) == len(hs) - 1
