"""The pages, discovered from pages/*.py in file-name order.

``pages/3_lao_dong.py`` is titled by the string ``nav.lao_dong`` and served at ``/lao-dong``; a new
page is a new file and a new string, nothing else.
"""
from __future__ import annotations

from pathlib import Path


def discover(pages_dir: Path) -> list[tuple[Path, str, str]]:
    out = []
    for f in sorted(pages_dir.glob("*.py")):
        stem = f.stem.split("_", 1)[1] if f.stem[0].isdigit() and "_" in f.stem else f.stem
        out.append((f, f"nav.{stem}", stem.replace("_", "-")))
    return out
