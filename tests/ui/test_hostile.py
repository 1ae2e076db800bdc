"""Outside text is shown as text everywhere (issue 15): the helper (giamngheo/ui/safe.py) on its own,
then every page of the app walked in AppTest with hostile values in the link (keys and values),
in saved scenarios (names, authors, notes), in a data version's author and note, and in the
session's scenario name. No element that mentions the evil host may carry a Markdown link or image.
Also the link's minor cases: numbers not in ASCII digits, a value off the slider's step, ``lang``
given twice, 300 unknown parameters."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from giamngheo.ui.pages import discover
from giamngheo.ui.safe import has_link, html_text, plain, table_cell, text
from tests.ui.headings_read import headings

ROOT = Path(__file__).resolve().parents[2]
PLAN = "tra-cu-05-nq-tu"
EVIL = "evil.example"
LINK = f"[Đăng nhập lại](https://{EVIL}/x)"
IMAGE = f"![](http://{EVIL}/p.png)"
BARE = f"https://{EVIL}/bare www.{EVIL} a@{EVIL}"
HOSTILE = [LINK, IMAGE, BARE, f"<img src=http://{EVIL}/i.png>", f"**đậm** :red[đỏ] $x$ <{'https://' + EVIL}>"]
MARKDOWN_KINDS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")


def shown(md: str) -> str:
    """What Markdown with backslash escapes and code spans displays (near enough for these checks)."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"(`+) ?(.*?) ?\1", r"\2", md))


# ------------------------------------------------------------------------------------------ the helper

@pytest.mark.parametrize("value", HOSTILE)
def test_the_helper_makes_no_link_and_shows_what_was_typed(value):
    md = text(value, 500)
    assert has_link(value) and not has_link(md)
    assert shown(md) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_the_html_helper_makes_no_tag_or_link_and_the_browser_shows_what_was_typed(value):
    """For outside text inside HTML in Markdown: no tag, no link, no emphasis can come out; the browser turns
    the character references back into what was typed (html.unescape does what it does)."""
    import html
    out = html_text(value, 500)
    assert not has_link(out) and not re.search(r"[<>\[\]()*_`:/\\]", out)
    assert html.unescape(out) == value


@pytest.mark.parametrize("value", [*HOSTILE, f"x|**b** https://{EVIL}/|y", "a \\| b"])
def test_a_markdown_table_cell_keeps_its_pipes_and_makes_no_link(value):
    """GFM splits a table cell at a pipe even inside a code span unless it is written \\|."""
    cell = table_cell(value, 500)
    assert not re.search(r"(?<!\\)\|", cell) and not has_link(cell)
    assert shown(cell.replace("\\|", "|")) == value


def test_the_helper_removes_bidi_controls_and_caps_length():
    assert plain("abc\u202etxt.exe\u2066x\u2069") == "abctxt.exex"
    assert plain("a\nb\r\n\tc\x00d") == "a b c d"
    long = plain("x" * 100_000, 80)
    assert len(long) == 80 and long.endswith("…")
    assert text("‮" * 10 + "ok") == "ok"
    assert plain("👩‍💻 Trà Cú") == "👩‍💻 Trà Cú"                   # the emoji's zero-width joiner stays


def test_has_link_sees_what_gfm_would_link():
    for md in ("[a](b)", "![](x)", "see http://x.y", "www.x.y", "<https://x.y>", "mail a@b.vn",
               "http\\:\\/\\/x\\.y"):                     # an escaped URL is still linked by GFM
        assert has_link(md), md
    for md in ("\\[a\\]\\(b\\)", "`http://x.y`", "x.y/z", "plain text"):
        assert not has_link(md), md


def test_chart_csv_is_neutralised_like_the_excel_files():
    import pandas as pd

    from giamngheo.ui.safe import csv_bytes
    df = pd.DataFrame({"=name": ["=1+1", "@SUM(A1)", "+x", "-y", "ok", "\tz"], "value": [1.5, -2.0, 3, 4, 5, 6]})
    lines = csv_bytes(df).decode("utf-8-sig").splitlines()
    assert lines[0] == "'=name,value"
    assert [ln.split(",")[0] for ln in lines[1:]] == ["'=1+1", "'@SUM(A1)", "'+x", "'-y", "ok", "'\tz"]
    assert [float(ln.split(",")[1]) for ln in lines[1:]] == [1.5, -2.0, 3, 4, 5, 6]     # numbers stay numbers


# ------------------------------------------------------------------------------------------ every page

def _texts(at: AppTest) -> list[str]:
    out = []
    for kind in MARKDOWN_KINDS:
        out += [e.value for e in getattr(at, kind)]
    out += [m.label for m in at.metric]
    out += [e.label for e in at.expander]
    out += [b.label for b in at.button]
    return out


def _check(at: AppTest, where: str) -> int:
    assert not at.exception, (where, [e.value for e in at.exception])
    n = 0
    for t in _texts(at):
        if EVIL in t or "evil\\.example" in t:
            n += 1
            assert not has_link(t), (where, t)
    return n


@pytest.fixture
def hostile_store(db):
    """Saved scenarios and a data version whose every text field is hostile; a legacy row with a
    right-to-left override written past today's name rules."""
    for i, h in enumerate(HOSTILE):
        db.save_scenario(PLAN, f"kb{i} {h}"[:80], {"jobs": 3100 + 100 * i}, author=h[:80], note=h)
    with db.engine.begin() as c:
        c.execute(sa.text("UPDATE scenarios SET name = :n WHERE name LIKE 'kb0%'"),
                  {"n": f"cũ \u202e{LINK}"})
    csv_text = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    db.save_data_version(csv_text, author=LINK[:80], note=IMAGE)
    return db


def test_every_page_shows_hostile_values_as_text(hostile_store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["jobs"] = LINK
    at.query_params[IMAGE] = BARE
    at.query_params["lang"] = LINK
    at.query_params["scenario"] = LINK
    at.run()
    seen = _check(at, "overview")
    assert seen >= 3                       # the link's value, its key, lang and the scenario id are named
    at.session_state["scenario_name"] = IMAGE
    at.session_state["_gn_origin"] = {"kind": "import", "id": "", "name": LINK, "values": {}}
    pages = discover(ROOT / "app_pages")
    titles = set()
    for file, _, slug in pages:
        at.switch_page(str(file.relative_to(ROOT)))
        at.run()
        seen += _check(at, slug)
        titles.add((headings(at, 1) or [slug])[0])
    assert len(titles) == len(pages)                 # each page really ran
    # the scenarios page, a hostile saved scenario picked and its deletion asked: the names shown
    at.switch_page("app_pages/6_kich_ban.py")
    at.run()
    [legacy] = [x for x in hostile_store.list_scenarios(PLAN) if x.name.startswith("cũ")]
    at.selectbox(key="_gn_pick_saved").select(legacy.id)
    at.run()
    at.button(key="gn_delete").click()
    at.run()
    seen += _check(at, "kich-ban delete")
    assert any(EVIL in w.value and "\u202e" not in w.value for w in at.warning)    # named, without the override
    assert all("\u202e" not in t for t in _texts(at))
    at.button(key="gn_open").click()
    at.run()
    seen += _check(at, "kich-ban open")
    assert seen >= 10


# ------------------------------------------------------------------------------------------ link minors

def _app(query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


@pytest.mark.parametrize("value, says", [("５０００", "chữ số 0–9"), ("٥٠٠٠", "chữ số 0–9"), ("5_000", "chữ số 0–9"),
                                         ("5000\u200b", "không phải là số hợp lệ")])
def test_numbers_not_in_ascii_digits_are_refused_with_a_notice(value, says):
    at = _app({"jobs": value})
    assert not at.exception
    assert at.session_state["jobs"] == 3000                  # the plan's number, not 5000
    assert at.query_params.get("jobs") is None
    notes = [shown(w.value) for w in at.warning]
    assert any(says in n and "jobs" in n for n in notes), notes


def test_a_value_off_the_step_is_rounded_with_a_notice():
    at = _app({"jobs": "5050"})                              # jobs moves in steps of 100
    assert at.session_state["jobs"] == 5100                  # half up: 50.5 steps → 51
    assert at.query_params["jobs"] == "5100"
    assert any("jobs=5050" in shown(w.value) and "5.100" in w.value for w in at.warning)
    at = _app({"jobs": "5049"})
    assert at.session_state["jobs"] == 5000


def test_lang_twice_is_named():
    at = _app({"lang": ["en", "vi"]})
    assert not at.exception
    assert any("«lang»" in w.value and "en" in w.value and "vi" in w.value for w in at.warning)


def test_three_hundred_unknown_parameters_make_one_notice():
    at = _app({f"p{i}": "1" for i in range(300)})
    assert not at.exception
    assert len(at.warning) == 1
    assert "300" in at.warning[0].value


def test_an_upload_notice_shows_its_file_values_as_text():
    from giamngheo.data.ingest import Note
    from giamngheo.ui.safe import message
    md = message(Note("ignored_columns", (("columns", LINK),)), "vi")
    assert not has_link(md) and LINK in shown(md)

    class Other:                          # a notice of another shape: all of it as text
        def message(self, lang):
            return IMAGE
    assert message(Other(), "vi") == text(IMAGE, 1000) and not has_link(message(Other(), "vi"))
