"""The translation layer: every string in Vietnamese and English, placeholders that agree, the number
formats, every key the code asks for present, no page text outside the catalogue, and the data's
English wording (plan, indicators, assumptions) complete."""
from __future__ import annotations

import ast
import re
import string
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, PLAN_FILE, ROOT

from giamngheo import i18n
from giamngheo.i18n import catalogue, fmt_num, fmt_pct, fmt_signed, t

# every Python file the user's text can come from (the core's CLI too)
SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "giamngheo").rglob("*.py"))]
UI_SOURCES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "giamngheo" / "ui").glob("*.py"))]
# tr("key") / t("key", lang) / i18n.t("key") with a literal key; f-string and "prefix." + x keys by their prefix
LITERAL_KEY = re.compile(r"""(?<![\w.])(?:i18n\.|export\.)?(?:tr|t)\(\s*(['"])([A-Za-z_][\w]*(?:\.[\w]+)+)\1\s*[,)]""")
PREFIX_KEY = re.compile(r"""(?<![\w.])(?:i18n\.|export\.)?(?:tr|t)\(\s*(?:f(['"])([a-z_]+\.)[^'"]*\{|(['"])([a-z_]+\.)\3\s*\+)""")
VI_ONLY = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogue_loads_without_duplicate_keys():
    assert len(catalogue()) > 100


def test_every_key_has_vietnamese_and_english():
    missing = []
    for key, entry in catalogue().items():
        vi, en = entry.get("vi"), entry.get("en")
        if vi is None or en is None:
            missing.append(key)
        elif vi.strip() and not en.strip():           # an intentionally empty string (unit.flag) stays empty in both
            missing.append(key)
        elif en.strip() and not vi.strip():
            missing.append(key)
    assert not missing, f"strings without a translation: {missing}"


def test_placeholders_agree_between_languages():
    bad = {k: (sorted(fields(e["vi"])), sorted(fields(e["en"]))) for k, e in catalogue().items()
           if fields(e.get("vi", "")) != fields(e.get("en", ""))}
    assert not bad, bad


def test_english_strings_are_not_vietnamese():
    # an English entry with Vietnamese-only letters is a missed translation (names like "Trà Cú" use à, ú, which
    # English text may keep; the letters below never appear in them)
    # and Vietnamese document numbers (QĐ-UBND, NĐ-CP) are quoted as they are written
    allowed = {"app.title"}
    doc_code = re.compile(r"\b[A-ZĐ]+(?:-[A-ZĐ]+)+\b")
    bad = [k for k, e in catalogue().items() if k not in allowed and VI_ONLY.search(
        doc_code.sub("", e["en"].replace("Tiếng Việt", "").replace("Việt Nam", "")))]
    assert not bad, bad


def test_vietnamese_and_english_number_formats():
    assert fmt_num(1234.5, "vi", 1) == "1.234,5"
    assert fmt_num(1234.5, "en", 1) == "1,234.5"
    assert fmt_pct(2.33, "vi") == "2,33%"
    assert fmt_pct(2.33, "en") == "2.33%"
    assert fmt_num(43369, "vi", 0) == "43.369"
    assert fmt_num(-0.25, "vi", 2) == "−0,25"
    assert fmt_signed(1.5, "vi", 1) == "+1,5"
    assert fmt_num(None, "vi") == "–"


def test_missing_key_raises():
    with pytest.raises(i18n.MissingTranslation):
        t("no.such.key", "en")


def scan_keys() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    keys: dict[str, list[str]] = {}
    prefixes: dict[str, list[str]] = {}
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for m in LITERAL_KEY.finditer(text):
            keys.setdefault(m.group(2), []).append(where)
        for m in PREFIX_KEY.finditer(text):
            prefixes.setdefault(m.group(2) or m.group(4), []).append(where)
    return keys, prefixes


def test_the_scan_finds_the_keys_it_should():
    keys, prefixes = scan_keys()
    assert "overview.title" in keys and "report.title" in keys and "export.doc_title" in keys
    assert "status." in prefixes and "area." in prefixes


def test_every_key_used_in_the_code_exists():
    keys, prefixes = scan_keys()
    cat = catalogue()
    missing = {k: sorted(set(v)) for k, v in keys.items() if k not in cat}
    assert not missing, f"keys used but not in giamngheo/locales/*.toml: {missing}"
    orphans = {p: sorted(set(v)) for p, v in prefixes.items() if not any(k.startswith(p) for k in cat)}
    assert not orphans, f"key families used but absent: {orphans}"


def test_every_page_has_a_title_string():
    from giamngheo.ui.pages import discover
    missing = [str(f.name) for f, key, _ in discover(ROOT / "app_pages") if key not in catalogue()]
    assert not missing, f"pages without a nav.<slug> string: {missing}"


# ------------------------------------------------------------------ no hard-coded user-facing text

# Streamlit calls that show their first argument (or label/help/caption keywords) to the user
SHOWN = {"title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
         "success", "toast", "button", "download_button", "link_button", "page_link", "metric", "slider",
         "select_slider", "selectbox", "radio", "multiselect", "text_input", "text_area", "number_input",
         "checkbox", "toggle", "expander", "tabs", "popover", "form_submit_button", "file_uploader",
         "date_input", "spinner", "status", "dialog", "segmented_control", "pills", "color_picker", "badge"}
SHOWN_KW = {"label", "help", "placeholder", "caption", "title"}


def literal_words(node: ast.AST) -> str:
    """The words of a string literal (or the literal parts of an f-string), HTML, CSS and entities removed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return ""
    if "<style" in text:
        return ""
    text = re.sub(r"<[^>]*>", " ", text)             # tags
    text = re.sub(r"&\w+;", " ", text)                # entities
    text = re.sub(r"\b(?:https?://|www\.)\S+", " ", text)
    # language-neutral: ASCII acronyms (PNG, CSV, URL) read the same in both languages
    return " ".join(w for w in re.findall(r"[^\W\d_]{2,}", text) if not re.fullmatch(r"[A-Z]{2,5}", w))


def hard_coded(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN):
            continue
        args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg in SHOWN_KW]
        if node.func.attr == "tabs" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
            args += list(node.args[0].elts)
        for a in args:
            words = literal_words(a)
            if words:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {words[:60]!r}")
    return found


def test_literal_words_sees_text_but_not_markup():
    def words(src: str) -> str:
        return literal_words(ast.parse(src, mode="eval").body)
    assert words('"Tổng quan"') == "Tổng quan"
    assert words('f"**{x}**: {y}"') == ""
    assert words('f"{a} &nbsp; {b}"') == ""
    assert words('"<div class=\\"gn-x\\">"') == ""
    assert words('f"Total {n}"') == "Total"
    assert words('"PNG"') == "" and words('"Tải PNG"') == "Tải"


def test_no_user_facing_string_outside_the_catalogue():
    """Fails when a page, app.py or a UI helper hands Streamlit text that is not from tr()/t()."""
    found = [hit for path in UI_SOURCES for hit in hard_coded(path)]
    # the language switch names each language in its own tongue, whatever the current language
    found = [f for f in found if "'Tiếng Việt English'" not in f and "'English'" not in f]
    assert not found, "user-facing text not in giamngheo/locales:\n" + "\n".join(found)


# ------------------------------------------------------------------ the data's own wording, in English too

def test_plan_wording_is_bilingual():
    with open(PLAN_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    meta = raw["plan"]
    for f in ("title", "issuer", "implements", "locality"):
        assert meta.get(f"{f}_vi") and meta.get(f"{f}_en"), f
    std = meta.get("poverty_standard", {})
    for f in ("old", "new"):
        assert bool(std.get(f"{f}_vi")) == bool(std.get(f"{f}_en")), f
    for tg in raw["targets"]:
        assert tg["text_vi"] and tg["text_en"], tg["id"]
        assert bool(tg.get("reading_vi")) == bool(tg.get("reading_en")), tg["id"]


def test_indicators_and_assumptions_are_bilingual():
    with open(DATA / "indicators.toml", "rb") as fh:
        inds = tomllib.load(fh)
    assert all(d.get("name_vi") and d.get("name_en") for d in inds.values())
    with open(DATA / "assumptions.toml", "rb") as fh:
        spec = tomllib.load(fh)
    start = spec.pop("_start")
    for aid, d in list(spec.items()) + [(f"_start.{k}", v) for k, v in start.items()]:
        assert d.get("label_vi") and d.get("label_en"), aid
        assert bool(d.get("help_vi")) == bool(d.get("help_en")), aid
        # every default names its evidence, in both languages
        assert d.get("evidence_vi") and d.get("evidence_en"), aid
