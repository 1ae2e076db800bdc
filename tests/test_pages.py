"""AppTests of the foundation and what-if pages: each renders and shows a known verdict or value.

Expected figures are worked out by hand from data/demo/observations.csv (the demo dataset: official
rows plus illustrative ones), not read back from the code. The data page has its own test file.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90


pytestmark = pytest.mark.usefixtures("demo_dataset_module")

def obs(indicator: str, group: str, year: int) -> float:
    with open(ROOT / "data" / "demo" / "observations.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if (r["indicator"], r["group"], int(r["year"])) == (indicator, group, year):
                return float(r["value"])
    raise KeyError((indicator, group, year))


def page(name: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_overview_page_1_tong_quan_shows_every_target_and_known_verdicts():
    at = page("1_tong_quan.py")
    assert not at.exception
    md = all_markdown(at)
    # 28 targets, one row each: the board prints the plan numbers 1..28 in their own cells
    for n in range(1, 29):
        assert f'<td class="num">{n}</td>' in md
    # T23: recognised as new-rural for 2023 against "before 2023" -> missed ("Không đạt")
    assert "Huyện được công nhận đạt chuẩn nông thôn mới" in md
    assert "đạt năm 2023" in md
    # latest poor rate: 520 poor / 43,730 households (2025, illustrative) = 1.189 % -> "1,19%"
    rate = obs("poor_households", "all", 2025) / obs("households", "all", 2025) * 100
    assert f"{rate:.2f}".replace(".", ",") + "%" in md
    assert "◇" in md          # non-official data are marked
    head = at.metric[0]
    assert head.label == "Đạt hoặc đúng hướng"
    good, total = head.value.split("/")
    assert total == "28"
    # the counts beside it add up to the headline: achieved + on track
    counts = {m.label: int(m.value) for m in at.metric[1:]}
    assert counts["Đạt"] + counts["Đúng hướng"] == int(good)


def test_poverty_page_2_giam_ngheo_charts_table_and_required_fall():
    at = page("2_giam_ngheo.py")
    assert not at.exception
    assert at.title[0].value.startswith("Giảm nghèo")
    labels = [m.label for m in at.metric]
    assert any(lb.startswith("T24") for lb in labels)          # the 2030 halving target is projected
    assumed = next(m for m in at.metric if m.label == "Giả định hiện tại")
    assert assumed.value == "1,00 điểm %/năm"                   # the plan's 1–1.5 low end
    table = at.dataframe[0].value
    first = table.iloc[0]
    assert first["Năm"] == "2021"
    # end-2021 review: 3,650 poor of 43,024 households = 8.48 %
    expected = obs("poor_households", "all", 2021) / obs("households", "all", 2021) * 100
    col = next(c for c in table.columns if c.startswith("Tỷ lệ hộ nghèo (%) — Toàn huyện") and not c.endswith("± "))
    assert first[col] == f"{expected:.2f}".replace(".", ",")
    # no change is computed across the standard break (2027)
    row27 = table[table["Năm"] == "2027"].iloc[0]
    assert row27[col + " ± "] == ""


def test_labour_page_3_lao_dong_totals():
    at = page("3_lao_dong.py")
    assert not at.exception
    jobs = sum(obs("jobs_created", "all", y) for y in range(2021, 2026))
    shown = f"{int(jobs):,}".replace(",", ".")
    caps = [c.value for c in at.caption]
    assert any(shown in c and "15.000" in c for c in caps), caps
    # 2021 had fewer than 3,000 new jobs -> the every-year target is missed
    assert obs("jobs_created", "all", 2021) < 3000
    assert any("Không đạt" in c for c in caps if shown in c)
    # and it says which year fell short: 2021's 2,710 new jobs
    jobs21 = f"{int(obs('jobs_created', 'all', 2021)):,}".replace(",", ".")
    assert any(f"năm 2021 chỉ đạt {jobs21}" in c for c in caps), caps


def test_services_page_4_dich_vu_xa_hoi_badges():
    at = page("4_dich_vu_xa_hoi.py")
    assert not at.exception
    md = all_markdown(at)
    # electricity 2025 illustrative 99.95 >= 99.65 -> achieved
    assert obs("electricity_rate", "all", 2025) >= 99.65
    assert "Tỷ lệ hộ sử dụng điện thường xuyên, an toàn" in md
    assert "Đạt</span>" in md and "Không đạt</span>" in md


def test_method_page_8_phuong_phap_lists_readings():
    at = page("8_phuong_phap.py")
    assert not at.exception
    readings = at.dataframe[0].value
    assert len(readings) == 28
    md = all_markdown(at)
    assert "0,95" in md and "0,1" in md        # the UNSD thresholds, Vietnamese format


# ------------------------------------------------------------------------------------- the whole app

def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def t24_value(at: AppTest) -> str:
    md = all_markdown(at)
    i = md.index('<td class="num">24</td>')
    return md[i:i + 1500]


@pytest.mark.parametrize("code", ["en", "English"])
def test_app_english_switch(code):
    at = app({"lang": code})
    assert not at.exception
    assert at.title[0].value == "All targets at a glance"
    assert at.metric[0].label == "Achieved or on track"
    assert at.sidebar.radio(key="lang").label == "Language"
    at.sidebar.radio(key="lang").set_value("vi").run()
    assert at.title[0].value == "Tổng quan chỉ tiêu"


def test_link_reopens_the_same_values_and_moving_a_slider_changes_a_projection():
    at = app({"jobs": "5000", "poor_fall": "0.3"})
    assert not at.exception
    assert at.session_state["jobs"] == 5000
    assert at.session_state["poor_fall"] == pytest.approx(0.3)
    before = t24_value(at)
    at.sidebar.slider(key="jobs").set_value(8000).run()
    assert t24_value(at) != before           # more jobs -> more exits -> a different 2030 projection


def test_tampered_link_shows_notices_and_no_error():
    at = app({"jobs": "-5", "poor_fall": "1e309", "overseas": "abc", "nope": "1"})
    assert not at.exception
    texts = re.sub(r"\\(.)", r"\1", " ".join(w.value for w in at.warning))   # shown as text: escaped Markdown
    assert "poor_fall=1e309" in texts and "overseas=abc" in texts and "nope=1" in texts
    assert "jobs=-5" in texts
    assert at.session_state["jobs"] >= 0


def test_cli_and_app_agree_on_one_scenario(tmp_path):
    values = {"jobs": 6000, "poor_fall": 0.4, "overseas": 500}
    f = tmp_path / "s.json"
    f.write_text(json.dumps({"name": "x", "values": values}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "giamngheo", "assess", "--dataset", "demo", "--scenario", str(f), "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    cli = {r["target"]: r for r in json.loads(out.stdout)}
    at = app({k: str(v) for k, v in values.items()})
    assert not at.exception
    # the app's board shows T24's projected share of its base, e.g. "còn 38% mức gốc"
    share = round(cli["T24"]["value"] * 100)
    assert f"còn {share}% mức gốc" in t24_value(at)
    status_vi = {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}[cli["T24"]["status"]]
    assert status_vi in t24_value(at)


def test_old_link_with_a_renamed_id_still_opens(monkeypatch):
    """A link made before an id was renamed (version 1) reopens the value under the new id."""
    import giamngheo.scenario.assumptions as A
    monkeypatch.setattr(A, "RENAMED", {2: {"jobs_per_year": "jobs"}})
    monkeypatch.setattr(A, "URL_VERSION", 2)
    at = app({"v": "1", "jobs_per_year": "4500"})
    assert not at.exception
    assert at.session_state["jobs"] == 4500
    assert not [w for w in at.warning if "jobs_per_year" in w.value]   # not reported as unknown


def test_first_run_of_a_link_uses_its_values_everywhere():
    """On the very first run the sidebar captions and labels already read the link's values (they run
    before the sliders are drawn), so the label shows 5.000, not the default 3.000."""
    at = app({"jobs": "5000", "poor_fall": "0.4"})
    assert not at.exception
    label = at.sidebar.slider(key="jobs").label
    assert label.endswith(": 5.000"), label
    assert at.sidebar.slider(key="poor_fall").label.endswith(": 0,40")


@pytest.mark.parametrize("query, code", [
    ({"poor_fall": "1,5"}, "không phải là số hợp lệ"),       # a decimal comma is not what a slider accepts
    ({"jobs": "4000.7"}, "làm tròn thành 4.000"),             # in range, off the step
    ({"lang": "xx"}, "lang=xx"),
])
def test_link_values_the_sliders_cannot_take_are_named(query, code):
    at = app(query)
    assert not at.exception
    assert any(code in w.value for w in at.warning), [w.value for w in at.warning]
    # nothing the URL does not carry is applied
    assert at.session_state["poor_fall"] == 1.0


# (the chart-spec cache is tested in tests/test_charts.py: specs are now cached per process, by data)
