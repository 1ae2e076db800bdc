"""Streamlit's fonts cut down to what this app can show, for the proxy to serve in their place.

    python scripts/subset_fonts.py            # writes deploy/www/static/media/<Streamlit's file names>
    python scripts/subset_fonts.py --check    # exit 1 if a file there is missing or lacks an icon in use

deploy/nginx.conf serves a file of deploy/www/ in place of the replica's file of the same path. The files
keep Streamlit's exact names, which hold the originals' content hashes: after a Streamlit upgrade (new
names) the proxy simply serves Streamlit's own fonts until this is run again (tests/test_font_subset.py
fails until then).

- **The icon font**, Material Symbols Rounded (375 KB, 4,000 icons). Streamlit draws every icon (the
  sidebar's collapse arrow, an expander's chevron, ``icon=":material/...:"``) as a word in this font, made
  an icon by the font's ligatures; the overview shows two icons, yet a first visit downloaded the whole
  font. Kept: the ligatures of every ``:material/NAME:`` in Streamlit's own front end and Python package
  (its built-in icons) and in this repository's Python files (the app's icons). An icon outside that set
  would show as its name in letters: the test fails when the app names an icon the file lacks.
- **The text font**, Source Sans 3 (variable, upright 170 KB and italic 138 KB; Streamlit's page preloads
  the upright one). Kept: Latin (Basic, Latin-1, Extended-A, the Vietnamese letters of Extended-B and
  Extended Additional, the combining marks), spacing modifiers, punctuation, super- and subscripts,
  currency, letterlike symbols, number forms, arrows, mathematical operators, shapes, symbols and
  dingbats, with every weight and every OpenType feature; left out: Greek, Cyrillic and phonetic
  letters, which the app's texts do not use (a stray λ is drawn by the browser's next font). The name
  table is renamed (Source is Adobe's Reserved Font Name under the SIL Open Font License: a modified
  font must not carry it); the page's CSS keeps calling it by Streamlit's family name.

Material Symbols is Google's, under the Apache License 2.0; Source Sans is Adobe's, under the SIL Open
Font License 1.1 (deploy/www/static/media/NOTICE.md). Needs fontTools and brotli (requirements-dev.txt);
the app itself does not.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "deploy" / "www" / "static" / "media"
ICON = re.compile(r":material/([a-z0-9_]+):")


def streamlit_dir() -> Path:
    import streamlit
    return Path(streamlit.__file__).parent


def original_font(pattern: str = "MaterialSymbols-Rounded.*.woff2") -> Path:
    found = sorted((streamlit_dir() / "static" / "static" / "media").glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"expected one {pattern} in Streamlit's static files, found {found}")
    return found[0]


TEXT_FONTS = ("SourceSansVF-Upright.ttf.*.woff2", "SourceSansVF-Italic.ttf.*.woff2")
# the code points kept in the text font (inclusive ranges)
TEXT_RANGES = ((0x20, 0x7E), (0xA0, 0x17F),          # Basic Latin, Latin-1, Latin Extended-A (Ă Đ Ĩ Ũ ...)
               (0x1A0, 0x1A1), (0x1AF, 0x1B0),       # Ơ ơ Ư ư (Latin Extended-B)
               (0x2B0, 0x36F),                       # spacing modifiers, combining marks
               (0x1E00, 0x1EFF),                     # Latin Extended Additional (ạ ả ấ ... ỹ)
               (0x2000, 0x22FF),                     # punctuation ... arrows, mathematical operators (≤ − →)
               (0x25A0, 0x27BF),                     # shapes, symbols, dingbats (◆ ✓ ✗)
               (0xFB00, 0xFB06))                     # Latin ligatures
TEXT_FAMILY = "GN Sans VN"       # not "Source": Adobe's Reserved Font Name may not name a modified font


def subset_text(original: Path) -> bytes:
    """The text font with the ranges above, every weight and feature, renamed."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont
    font = TTFont(original, recalcTimestamp=False)     # the same bytes on every run
    keep = [cp for cp in font.getBestCmap() if any(a <= cp <= b for a, b in TEXT_RANGES)]
    opts = ft_subset.Options()
    opts.layout_features = ["*"]
    opts.flavor = "woff2"
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    sub = ft_subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    names = font["name"]
    for rec in names.names:
        text = rec.toUnicode()
        # the family and its instances' names; the copyright (0) and trademark (7) notices stay as they are
        if rec.nameID not in (0, 7) and "Source" in text:
            rec.string = text.replace("SourceSans3VF", TEXT_FAMILY.replace(" ", "")).replace(
                "SourceSans3", TEXT_FAMILY.replace(" ", "")).replace("Source Sans 3", TEXT_FAMILY).replace(
                "Source Sans", TEXT_FAMILY).replace("Source", "GN")
    names.setName(f"{TEXT_FAMILY}: a subset of Source Sans 3 (Adobe, SIL Open Font License 1.1) made by "
                  "giamngheo's scripts/subset_fonts.py (Latin with Vietnamese, punctuation and symbols)", 10, 3, 1, 0x409)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


def icon_names() -> dict[str, set[str]]:
    """The icon names that can appear, by where they come from."""
    st = streamlit_dir()
    out: dict[str, set[str]] = {"streamlit": set(), "app": set()}
    for p in [*(st / "static" / "static" / "js").glob("*.js"), *st.rglob("*.py")]:
        out["streamlit"] |= set(ICON.findall(p.read_text(encoding="utf-8", errors="replace")))
    for p in ROOT.rglob("*.py"):
        if not any(part.startswith(".") or part in ("node_modules",) for part in p.relative_to(ROOT).parts):
            out["app"] |= set(ICON.findall(p.read_text(encoding="utf-8", errors="replace")))
    return out


def ligatures(font) -> dict[str, str]:
    """The font's ligature words -> the glyph each becomes (several words may share a glyph)."""
    letter = {g: chr(cp) for cp, g in font.getBestCmap().items() if cp < 128}
    out = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            t = sub.ExtSubTable if lookup.LookupType == 7 else sub
            for first, ligs in getattr(t, "ligatures", {}).items():
                for lig in ligs:
                    word = letter.get(first, "\0") + "".join(letter.get(c, "\0") for c in lig.Component)
                    out[word] = lig.LigGlyph
    return out


def subset(original: Path, names: set[str]) -> tuple[bytes, set[str]]:
    """The woff2 bytes of the font with only ``names``' ligatures, and the names the original lacks."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont
    font = TTFont(original, recalcTimestamp=False)     # the same bytes on every run
    letter = {g: chr(cp) for cp, g in font.getBestCmap().items() if cp < 128}
    missing = names - set(ligatures(font))
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            t = sub.ExtSubTable if lookup.LookupType == 7 else sub
            for first in list(getattr(t, "ligatures", {})):
                kept = [lig for lig in t.ligatures[first]
                        if letter.get(first, "\0") + "".join(letter.get(c, "\0") for c in lig.Component) in names]
                if kept:
                    t.ligatures[first] = kept
                else:
                    del t.ligatures[first]
    opts = ft_subset.Options()
    opts.layout_features = ["*"]          # the ligature feature (rlig) is what turns a word into its icon
    opts.flavor = "woff2"
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    sub = ft_subset.Subsetter(opts)
    # the letters of the kept words; the subsetter then keeps the ligatures they form (those left above)
    sub.populate(unicodes=sorted({ord(c) for n in names - missing for c in n}))
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue(), missing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only check that the file there is up to date")
    a = ap.parse_args()
    original = original_font()
    by_source = icon_names()
    names = by_source["streamlit"] | by_source["app"]
    data, missing = subset(original, names)
    target = OUT / original.name
    if a.check:
        from fontTools.ttLib import TTFont
        if not target.exists():
            print(f"missing: {target.relative_to(ROOT)} (run python scripts/subset_fonts.py)", file=sys.stderr)
            return 1
        have = set(ligatures(TTFont(target)))
        lacking = names - missing - have
        if lacking:
            print(f"{target.relative_to(ROOT)} lacks {sorted(lacking)} (run python scripts/subset_fonts.py)", file=sys.stderr)
            return 1
        lacking = [t.name for t in map(original_font, TEXT_FONTS) if not (OUT / t.name).exists()]
        if lacking:
            print(f"missing: {lacking} (run python scripts/subset_fonts.py)", file=sys.stderr)
            return 1
        print(f"ok: {target.relative_to(ROOT)} has all {len(names - missing)} icons; the text fonts are there")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    texts = [original_font(p) for p in TEXT_FONTS]
    for old in [*OUT.glob("MaterialSymbols-Rounded.*.woff2"), *OUT.glob("SourceSansVF-*.woff2")]:
        if old.name not in {original.name, *(t.name for t in texts)}:
            old.unlink()
    target.write_bytes(data)
    for t in texts:
        out = subset_text(t)
        (OUT / t.name).write_bytes(out)
        print(f"{(OUT / t.name).relative_to(ROOT)}: {len(out):,} bytes (Streamlit's: {t.stat().st_size:,})")
    print(f"{target.relative_to(ROOT)}: {len(data):,} bytes (Streamlit's: {original.stat().st_size:,}); "
          f"{len(names - missing)} icons ({len(by_source['streamlit'])} named by Streamlit, {len(by_source['app'])} by the app)"
          + (f"; not in the font at all (left out): {sorted(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
