"""deploy/www/'s icon font (scripts/subset_fonts.py): the icons anyone can see, drawn as Streamlit's own font draws them.

The proxy serves this file in place of Streamlit's Material Symbols (deploy/nginx.conf). An icon the file
lacks would show as its name in letters, so: every icon the app names and every icon Streamlit's front end
names must be a ligature of the file, with the very outline the original font gives it; and the file must
carry the name of the installed Streamlit's font (else the proxy never serves it).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # reads woff2 with brotli: both in requirements-dev.txt

ROOT = Path(__file__).resolve().parents[1]
WWW = ROOT / "deploy" / "www" / "static" / "media"


def _st_media() -> Path:
    import streamlit
    return Path(streamlit.__file__).parent / "static" / "static" / "media"


def _words(font: TTFont) -> dict[str, str]:
    """ligature word -> glyph, read here independently of the script"""
    letters = {g: chr(c) for c, g in font.getBestCmap().items() if c < 128}
    out = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            t = sub.ExtSubTable if lookup.LookupType == 7 else sub
            for first, ligs in getattr(t, "ligatures", {}).items():
                for lig in ligs:
                    out[letters[first] + "".join(letters[c] for c in lig.Component)] = lig.LigGlyph
    return out


@pytest.fixture(scope="module")
def fonts():
    own = sorted(WWW.glob("MaterialSymbols-Rounded.*.woff2"))
    assert len(own) == 1, own
    original = _st_media() / own[0].name
    assert original.exists(), (f"{own[0].name} is not the installed Streamlit's icon font "
                               f"({sorted(p.name for p in _st_media().glob('MaterialSymbols*'))}): "
                               "run python scripts/subset_fonts.py")
    return TTFont(own[0]), TTFont(original), own[0].stat().st_size, original.stat().st_size


def _app_icons() -> set[str]:
    names = set()
    for p in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "giamngheo").rglob("*.py")]:
        names |= set(re.findall(r":material/([a-z0-9_]+):", p.read_text(encoding="utf-8")))
    return names


def test_every_icon_of_the_app_and_of_streamlits_front_end_is_in_the_file(fonts):
    own, original, *_ = fonts
    have, could = _words(own), _words(original)
    app = _app_icons()
    assert {"download", "info", "flag"} <= app                      # the scan finds the app's icons at all
    js = set()
    for p in (_st_media().parent / "js").glob("*.js"):
        js |= set(re.findall(r":material/([a-z0-9_]+):", p.read_text(encoding="utf-8", errors="replace")))
    # seen drawn on the overview in Chromium: the sidebar's collapse arrow, the expanders' chevrons
    seen = {"keyboard_double_arrow_left", "keyboard_arrow_right", "keyboard_arrow_down", "expand_more"}
    wanted = (app | js | seen) & set(could)
    assert len(wanted) > 60
    assert not wanted - set(have), "run python scripts/subset_fonts.py"


def test_each_kept_icon_has_the_original_outline_and_the_rest_are_gone(fonts):
    own, original, size, original_size = fonts
    have, could = _words(own), _words(original)
    og, sg = original["glyf"], own["glyf"]
    for word, glyph in have.items():                 # the glyphs' names may differ: compare what they draw
        a, b = og[could[word]], sg[glyph]
        a_coords, a_ends, _ = a.getCoordinates(og)
        b_coords, b_ends, _ = b.getCoordinates(sg)
        assert len(a_coords) > 0 and list(a_coords) == list(b_coords) and list(a_ends) == list(b_ends), word
        assert original["hmtx"][could[word]] == own["hmtx"][glyph], word
    assert 60 < len(have) < 400 < len(could)
    assert size < original_size / 10


# ------------------------------------------------------------------------------------------ the text font

def _text_fonts():
    out = []
    for own in sorted(WWW.glob("SourceSansVF-*.woff2")):
        original = _st_media() / own.name
        assert original.exists(), f"{own.name} is not the installed Streamlit's: run python scripts/subset_fonts.py"
        out.append((own, original))
    assert {o.name.split(".")[0] for o, _ in out} == {"SourceSansVF-Upright", "SourceSansVF-Italic"}
    return out


def _vietnamese_letters() -> set[str]:
    """Every Vietnamese letter, made here from its parts (NFC): the vowels with each of their five tone
    marks, the modified vowels and đ, in both cases."""
    import unicodedata
    bases = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]    # huyền, sắc, ngã, hỏi, nặng
    out = {"đ", "Đ"}
    for b in bases:
        for t in tones:
            ch = unicodedata.normalize("NFC", b + t)
            assert len(ch) == 1, (b, t)
            out |= {ch, ch.upper()}
    assert len(out) == 2 + 2 * 12 * 6
    return out


def test_the_text_font_has_every_vietnamese_letter_and_every_character_of_the_apps_texts():
    texts = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "giamngheo" / "locales").glob("*.toml"))
    for own, original in _text_fonts():
        have, could = set(map(chr, TTFont(own).getBestCmap())), set(map(chr, TTFont(original).getBestCmap()))
        assert _vietnamese_letters() <= have
        # what the original font can draw of the app's texts, but Greek and Cyrillic letters (a λ in a formula
        # falls back to the browser's next font)
        used = {c for c in texts if c in could and not 0x370 <= ord(c) <= 0x52F}
        assert len(used) > 100 and used <= have, sorted(used - have)
        assert "λ" not in have and "Ж" not in have                     # the cut happened
        assert own.stat().st_size < 0.6 * original.stat().st_size


def test_the_text_fonts_glyphs_are_the_originals_in_every_weight_and_the_name_is_not_source():
    for own, original in _text_fonts():
        a, b = TTFont(original), TTFont(own)
        ca, cb = a.getBestCmap(), b.getBestCmap()
        ga, gb = a["glyf"], b["glyf"]
        for cp in sorted(cb):
            xa, ea, _ = ga[ca[cp]].getCoordinates(ga)
            xb, eb, _ = gb[cb[cp]].getCoordinates(gb)
            assert list(xa) == list(xb) and list(ea) == list(eb), chr(cp)
            assert a["hmtx"][ca[cp]] == b["hmtx"][cb[cp]], chr(cp)
        # the weights: the same axis, and the same variation deltas for a letter with two marks
        assert [(x.axisTag, x.minValue, x.maxValue) for x in a["fvar"].axes] == \
               [(x.axisTag, x.minValue, x.maxValue) for x in b["fvar"].axes]
        for ch in "ệ" "Ử" "a":
            va, vb = a["gvar"].variations[ca[ord(ch)]], b["gvar"].variations[cb[ord(ch)]]
            assert [(v.axes, v.coordinates) for v in va] == [(v.axes, v.coordinates) for v in vb], ch
        names = {r.nameID: r.toUnicode() for r in b["name"].names if r.platformID == 3}
        # Reserved Font Name: only the notices (copyright 0, trademark 7, description 10) still say Source
        assert not [i for i, t in names.items() if "Source" in t and i not in (0, 7, 10)]
        assert names[1] == "GNSansVN" and names[6].startswith("GNSansVN-")
        assert "Reserved Font Name" in names[0] and "Open Font License" in names[13]     # notices kept
