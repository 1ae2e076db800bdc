"""The Word report as a document a body hands in: the issuer's header by kind of body (Party: Hướng dẫn
36-HD/VPTW; state: Nghị định 30/2020/NĐ-CP), the answer first, page numbers, recipients and signature,
the two kinds (progress review, final review of 2021–2025), one language at a time. Opened again with
python-docx; the figures are worked out from the verdicts and data/observations.csv."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import docx
import pytest
from conftest import DATA

from giamngheo.model.engine import default_context
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import export
from giamngheo.report import issuer as issuer_mod
from giamngheo.scenario.scenario import Scenario

WHEN = datetime(2026, 12, 5, 9, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def ctx():
    return default_context()


@pytest.fixture(scope="module")
def mc(ctx):
    return monte_carlo_cached(ctx, Scenario())


def make(ctx, mc, lang="vi", kind="review", issuer=None, **kw):
    data = export.docx_bytes(ctx, Scenario(), lang, export.ReportMeta(generated=WHEN), mc.projection, mc.verdicts,
                             with_charts=False, kind=kind, issuer=issuer, **kw)
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def review_vi(ctx, mc):
    return make(ctx, mc)


@pytest.fixture(scope="module")
def final_vi(ctx, mc):
    return make(ctx, mc, kind="final")


def blocks(document) -> list[str]:
    """The body's text in document order: each paragraph, each table as its cells joined."""
    out = []
    for el in document.element.body.iterchildren():
        if el.tag == W + "p":
            out.append("".join(x.text or "" for x in el.iter(W + "t")))
        elif el.tag == W + "tbl":
            out.append("\n".join("\n".join("".join(x.text or "" for x in p.iter(W + "t")) for p in tc.iter(W + "p"))
                                  for tc in el.iter(W + "tc")))
    return out


def text_of(document) -> str:
    return "\n".join(blocks(document))


def header_table(document) -> str:
    return "\n".join(c.text for c in document.tables[0].rows[0].cells)


def has_page_field(part) -> bool:
    return any("PAGE" in (x.text or "") for x in part._element.iter(W + "instrText"))


# ------------------------------------------------------------------------------------------ the issuer

def test_default_issuer_exists_in_2026_and_is_a_party_committee():
    iss = issuer_mod.load_issuer()
    assert iss.kind == "party" and iss.body_vi == "Tỉnh ủy Vĩnh Long" and iss.place_vi == "Vĩnh Long"
    # none of the abolished bodies or places (districts and Trà Vinh province ended on 1 July 2025)
    for name in ("Huyện", "huyện", "Trà Vinh"):
        assert name not in iss.body_vi + iss.above_vi + iss.place_vi
    # the six communes named in the recipients are the ones data/communes.csv maps the district to
    with open(DATA / "communes.csv", encoding="utf-8") as fh:
        communes = {r["merged_into_2025"] for r in csv.DictReader(fh)}
    assert len(communes) == 6 and all(c in iss.recipients_vi[1] for c in communes)


def test_party_header_no_state_motto(review_vi):
    head = header_table(review_vi)
    assert "TỈNH ỦY VĨNH LONG" in head and "ĐẢNG CỘNG SẢN VIỆT NAM" in head
    assert "*" in head
    assert re.search(r"Số\s+-BC/TU", head)                     # the number left blank to fill in by hand
    assert "Vĩnh Long, ngày 05 tháng 12 năm 2026" in head
    text = text_of(review_vi)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text and "Độc lập - Tự do - Hạnh phúc" not in text
    # the plan is named as issued by the former district, never as today's issuer
    assert "HUYỆN ỦY" not in head.upper().replace("HUYỆN ỦY TRÀ CÚ (", "")
    assert "của Ban Thường vụ Huyện ủy Trà Cú (huyện Trà Cú, tỉnh Trà Vinh trước ngày 01/7/2025)" in text


def test_party_pages_numbered_in_the_footer(review_vi):
    sec = review_vi.sections[0]
    assert has_page_field(sec.footer) and not has_page_field(sec.header)


def test_state_header_by_decree_30(ctx, mc):
    iss = issuer_mod.parse_issuer({"kind": "state", "above_vi": "Ủy ban nhân dân tỉnh Vĩnh Long",
                                   "body_vi": "Sở Nông nghiệp và Môi trường", "place_vi": "Vĩnh Long",
                                   "symbol": "BC-SNNMT", "number": "125",
                                   "signer_for_vi": "KT. Giám đốc", "signer_title_vi": "Phó Giám đốc",
                                   "signer_name": "Nguyễn Văn A", "recipients_vi": ["UBND tỉnh (b/c)", "Lưu: VT"]})
    d = make(ctx, mc, issuer=iss)
    head = header_table(d)
    assert "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG" in head and "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in head
    assert "Số: 125/BC-SNNMT" in head
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head and "Độc lập - Tự do - Hạnh phúc" in head
    assert "ĐẢNG CỘNG SẢN" not in text_of(d)
    # a settings file that does not say how the plan is named: still as issued by the former district
    assert "Huyện ủy Trà Cú (huyện Trà Cú, tỉnh Trà Vinh trước ngày 01/7/2025)" in text_of(d)
    sec = d.sections[0]
    # Nghị định 30/2020: centred in the top margin, not on the first page
    assert has_page_field(sec.header) and sec.different_first_page_header_footer
    sign = text_of(d).split("Nơi nhận:")[1]
    assert "- UBND tỉnh (b/c),\n- Lưu: VT." in sign
    assert "KT. GIÁM ĐỐC" in sign and "PHÓ GIÁM ĐỐC" in sign and "Nguyễn Văn A" in sign


def test_recipients_and_signature_block(review_vi):
    iss = issuer_mod.load_issuer()
    sign = text_of(review_vi).split("Nơi nhận:")[1]
    for r in iss.recipients_vi:
        assert f"- {r}" in sign
    assert "T/M BAN THƯỜNG VỤ" in sign and "PHÓ BÍ THƯ" in sign


def test_issuer_settings_are_checked():
    base = {"kind": "party", "body_vi": "Đảng ủy xã Trà Cú", "place_vi": "Trà Cú", "symbol": "BC/ĐU"}
    assert issuer_mod.parse_issuer(base).number_line("vi") == "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/ĐU"
    for bad, fld, reason in (({"kind": "company"}, "kind", "bad_kind"), ({"body_vi": ""}, "body_vi", "required"),
                             ({"place_vi": "x" * 201}, "place_vi", "too_long"), ({"colour": "red"}, "colour", "unknown"),
                             ({"recipients_vi": ["a"] * 21}, "recipients_vi", "too_many"),
                             ({"signer_name": 5}, "signer_name", "not_text")):
        with pytest.raises(issuer_mod.IssuerError) as e:
            issuer_mod.parse_issuer({**base, **bad})
        assert (e.value.field, e.value.reason) == (fld, reason)
    # a line break typed into a name stays one line; a text box of recipients is one a line
    iss = issuer_mod.parse_issuer({**base, "signer_name": "Lê\nVăn  B", "recipients_vi": "A\n\nB\n"})
    assert iss.signer_name == "Lê Văn B" and iss.recipients_vi == ("A", "B")


def test_issuer_versions_in_the_store():
    from giamngheo.store import Store
    db = Store("sqlite://")
    default = issuer_mod.load_issuer()
    assert issuer_mod.current_issuer(db) == default                      # nothing saved: the file
    one = issuer_mod.with_kind(default, "state")
    issuer_mod.save_issuer(db, one, author="A")
    two = issuer_mod.parse_issuer({**issuer_mod.json.loads(one.to_json()), "body_vi": "Đảng ủy xã Tập Sơn",
                                   "kind": "party"})
    issuer_mod.save_issuer(db, two, author="B")
    assert issuer_mod.current_issuer(db) == two
    vs = db.list_data_versions(issuer_mod.STORE_DATASET)
    assert [v.author for v in vs] == ["B", "A"]                          # nothing overwritten, newest first
    assert db.list_data_versions() == []                                 # the observations' history untouched


# ------------------------------------------------------------------------------------------ the answer first

def _pct(x: float, decimals: int = 2) -> str:
    return f"{x:.{decimals}f}".replace(".", ",") + "%"


def test_the_report_opens_with_the_2030_headline(review_vi, ctx, mc):
    bl = blocks(review_vi)
    i_answer = next(i for i, b in enumerate(bl) if b.startswith("I. KẾT QUẢ CHÍNH"))
    first_target_table = next(i for i, b in enumerate(bl) if b.startswith("TT\n"))
    assert i_answer < first_target_table
    v = next(v for v in mc.verdicts if v.target == "T24")
    assert v.probability is not None
    status = {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}[v.status]
    headline = (f"Năm 2030, tỷ lệ hộ nghèo toàn địa bàn (dự báo) là {_pct(v.level)}, mục tiêu không quá "
                f"{_pct(v.target_level)} (chỉ tiêu 24): {status}; khả năng đạt {round(100 * v.probability)}%.")
    assert bl[i_answer + 1] == headline
    # the tally, counted here from the verdicts
    st = [x.status for x in mc.verdicts]
    decided = st.count("achieved") + st.count("missed")
    projected = sum(s in ("on_track", "at_risk", "off_track") for s in st)
    tally = bl[i_answer + 2]
    assert tally.startswith(f"Trong 28 chỉ tiêu của Kế hoạch: {decided} chỉ tiêu đã có kết luận trên số liệu thực "
                            f"({st.count('achieved')} đạt, {st.count('missed')} không đạt); "
                            f"{st.count('awaiting_data')} chỉ tiêu chờ số liệu")
    assert f"; {projected} chỉ tiêu đánh giá trên dự báo" in tally
    assert bl[i_answer + 3].startswith("Điều kiện để đạt: Chỉ tiêu 24: cần ")


ENGLISH = {"the", "and", "of", "times", "data", "target", "targets", "projected", "default", "year", "years",
           "households", "rate", "workers", "per", "with", "from", "none", "missed", "achieved", "track", "risk"}
VIETNAMESE = {"chỉ", "tiêu", "đạt", "không", "hộ", "nghèo", "số", "liệu", "năm", "mục", "kịch", "bản", "dự", "báo",
              "giảm", "của", "và", "các", "lần", "điểm", "người", "lao", "động"}


def _words(text: str) -> set[str]:
    text = re.sub(r"https?://\S+", " ", text)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def _body_without_sources(document, heading: str) -> str:
    """The text up to the sources (their titles are quoted as published, in their own language)."""
    text = text_of(document)
    return text.split(heading)[0] + text.split("Nơi nhận:" if "Nơi nhận:" in text else "Recipients:")[1]


@pytest.mark.parametrize("kind", ["review", "final"])
def test_one_language_at_a_time(ctx, mc, kind):
    vi = _body_without_sources(make(ctx, mc, "vi", kind), "NGUỒN SỐ LIỆU")
    assert not (_words(vi) & ENGLISH), sorted(_words(vi) & ENGLISH)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", vi)               # no internal code (poor_fall, …)
    assert "lần" in vi                                             # the unit the assumptions table had as "times"
    en_doc = make(ctx, mc, "en", kind)
    en = _body_without_sources(en_doc, "SOURCES")
    # proper names keep their diacritics (Trà Cú, Vĩnh Long, the plan's resolution); words do not
    assert not (_words(en) & VIETNAMESE), sorted(_words(en) & VIETNAMESE)
    assert "COMMUNIST PARTY OF VIETNAM" in en and "I. THE ANSWER" in en
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", en)


# ------------------------------------------------------------------------------------------ the two kinds

def test_review_has_every_target_by_area(review_vi):
    text = text_of(review_vi)
    for h in ("I. KẾT QUẢ CHÍNH", "II. KẾT QUẢ TỪNG CHỈ TIÊU THEO LĨNH VỰC", "III. GIẢ ĐỊNH CỦA KỊCH BẢN",
              "IV. NGUỒN SỐ LIỆU"):
        assert h in text                        # no chart part without charts: the numbering follows what is there
    tables = [tb for tb in review_vi.tables if tb.rows[0].cells[0].text == "TT"]
    assert sorted(int(r.cells[0].text) for tb in tables for r in tb.rows[1:]) == list(range(1, 29))


def test_final_review_2021_2025_then_2030(final_vi, ctx, mc):
    text = text_of(final_vi)
    assert "tổng kết thực hiện Kế hoạch" in text
    heads = [b for b in blocks(final_vi) if re.match(r"^[IVX]+\. ", b)]
    assert heads == ["I. KẾT QUẢ CHÍNH", "II. KẾT QUẢ CÁC CHỈ TIÊU GIAI ĐOẠN 2021 - 2025",
                     "III. KẾT QUẢ ĐẠT ĐƯỢC GIAI ĐOẠN 2021 - 2025 (SỐ LIỆU CHÍNH THỨC)",
                     "IV. CÁC CHỈ TIÊU ĐẾN NĂM 2030: DỰ BÁO VÀ ĐIỀU KIỆN ĐỂ ĐẠT",
                     "V. GIẢ ĐỊNH CỦA KỊCH BẢN", "VI. NGUỒN SỐ LIỆU"]
    tables = [tb for tb in final_vi.tables if tb.rows[0].cells[0].text == "TT"]
    period, horizon = tables
    by_year = {v.number: v.year for v in mc.verdicts}
    assert [int(r.cells[0].text) for r in period.rows[1:]] == [n for n in range(1, 29) if by_year[n] <= 2025]
    assert [int(r.cells[0].text) for r in horizon.rows[1:]] == [n for n in range(1, 29) if by_year[n] > 2025]
    # the final verdict on real figures, or awaiting data with what would settle it and the estimate
    v = {x.number: x for x in mc.verdicts}
    for r in period.rows[1:]:
        n, cell = int(r.cells[0].text), r.cells[4].text
        if v[n].status == "missed":
            assert cell.strip().startswith("Không đạt")
        if v[n].status == "awaiting_data":
            assert cell.strip().startswith("Chờ số liệu")
            assert v[n].condition.text("vi", ctx.indicators[v[n].indicator]) in cell     # what would settle it
            if v[n].basis == "nowcast":
                assert "Ước tính:" in cell and "ước tính, chưa phải kết luận" in cell
    # what the period achieved: the official poor rates of data/observations.csv, nothing else
    with open(DATA / "observations.csv", encoding="utf-8") as fh:
        off = {int(r["year"]): float(r["value"]) for r in csv.DictReader(fh)
               if r["indicator"] == "poor_rate" and r["group"] == "all" and r["status"] == "official"
               and 2020 <= int(r["year"]) <= 2025}
    y0, y1 = min(off), max(off)
    line = next(b for b in blocks(final_vi) if b.startswith("Tỷ lệ hộ nghèo: từ "))
    assert line == (f"Tỷ lệ hộ nghèo: từ {_pct(off[y0])} (năm {y0}) còn {_pct(off[y1])} (năm {y1}), giảm "
                    f"{f'{off[y0] - off[y1]:.2f}'.replace('.', ',')} điểm phần trăm.")
    official = next(tb for tb in final_vi.tables if tb.rows[0].cells[0].text == "Chỉ số")
    row = next(r for r in official.rows if r.cells[0].text == "Tỷ lệ hộ nghèo")
    years = [int(c.text) for c in official.rows[0].cells[1:]]
    assert [c.text for c in row.cells[1:]] == [_pct(off[y]) if y in off else "–" for y in years]
    assert "8,42%" not in official._tbl.xml            # the 2021 estimate is not an official figure


def test_a_section_can_be_added(ctx, mc):
    """Engineers add a part as a function in the list; the headings renumber themselves."""
    from giamngheo.report.export import docx as dx

    def follow_up(r):
        r.heading("reports.h_charts")
        r.text("một phần mới")

    seq = list(dx.SECTIONS["review"])
    seq.insert(seq.index(dx.sec_areas) + 1, follow_up)
    d = make(ctx, mc, sections=seq)
    heads = [b for b in blocks(d) if re.match(r"^[IVX]+\. ", b)]
    assert heads[:4] == ["I. KẾT QUẢ CHÍNH", "II. KẾT QUẢ TỪNG CHỈ TIÊU THEO LĨNH VỰC", "III. BIỂU ĐỒ",
                         "IV. GIẢ ĐỊNH CỦA KỊCH BẢN"]


def test_unknown_kind_refused(ctx, mc):
    with pytest.raises(ValueError, match="kind"):
        make(ctx, mc, kind="annual")


def test_file_names_by_kind(ctx):
    d = datetime(2026, 12, 5)
    assert export.file_name(ctx.plan, "docx", d, "vi", report="final") == "bao-cao-tong-ket-tra-cu-05-nq-tu-20261205.docx"
    assert export.file_name(ctx.plan, "docx", d, "en") == "bao-cao-tra-cu-05-nq-tu-20261205-en.docx"
