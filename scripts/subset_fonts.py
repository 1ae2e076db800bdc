"""Streamlit's icon font cut down to the icons anyone can see in this app, for the proxy to serve instead.

    python scripts/subset_fonts.py            # writes deploy/www/static/media/MaterialSymbols-Rounded.<hash>.woff2
    python scripts/subset_fonts.py --check    # exit 1 if the file there is missing or not what this would write

Streamlit draws every icon (the sidebar's collapse arrow, an expander's chevron, ``icon=":material/...:"``)
as a word in its icon font, Material Symbols Rounded (``static/media/MaterialSymbols-Rounded.*.woff2``,
375 KB, all 4,000 icons): the word becomes the icon through the font's ligatures. The overview shows two
icons, yet a first visit downloads the whole font, a quarter of its bytes. This script keeps only the
ligatures of the icons that can appear:

- every ``:material/NAME:`` in Streamlit's own front end and Python package (its built-in icons: the
  sidebar, expanders, menus, the data editor, alerts, the file uploader ...), and
- every ``:material/NAME:`` in this repository's Python files (the app's own icons).

An icon outside that set would show as its name in letters, so ``tests/test_font_subset.py`` fails when
the app uses an icon the file lacks (run this script again) and compares the kept icons' outlines with
the original's. The output has the original's exact file name, which holds the original's content hash:
deploy/nginx.conf serves a file of deploy/www/ in place of the replica's file of the same path, so after
a Streamlit upgrade (new file names) the proxy simply serves Streamlit's own font until this is run again.

Material Symbols is Google's, under the Apache License 2.0 (deploy/www/static/media/NOTICE.md says what
was changed). Needs fontTools and brotli (requirements-dev.txt); the app itself does not.
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


def original_font() -> Path:
    found = sorted((streamlit_dir() / "static" / "static" / "media").glob("MaterialSymbols-Rounded.*.woff2"))
    if len(found) != 1:
        raise SystemExit(f"expected one MaterialSymbols-Rounded.*.woff2 in Streamlit's static files, found {found}")
    return found[0]


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
    font = TTFont(original)
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
        print(f"ok: {target.relative_to(ROOT)} has all {len(names - missing)} icons")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("MaterialSymbols-Rounded.*.woff2"):
        if old.name != original.name:
            old.unlink()
    target.write_bytes(data)
    print(f"{target.relative_to(ROOT)}: {len(data):,} bytes (Streamlit's: {original.stat().st_size:,}); "
          f"{len(names - missing)} icons ({len(by_source['streamlit'])} named by Streamlit, {len(by_source['app'])} by the app)"
          + (f"; not in the font at all (left out): {sorted(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
