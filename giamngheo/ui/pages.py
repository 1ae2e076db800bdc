"""The pages, discovered from app_pages/*.py in the order of their number prefix (1, 2, …, 15, 85).

``app_pages/3_lao_dong.py`` is titled by the string ``nav.lao_dong`` and served at ``/lao-dong``; a new
page is a new file and a new string, nothing else.

The folder is ``app_pages/``, not ``pages/``: with a ``pages/`` folder beside the entry script,
Streamlit still serves its old automatic multipage mode to the first visitor after a server start
(a deep link then runs the page alone, without app.py's sidebar and navigation).
"""
from __future__ import annotations

from pathlib import Path


def discover(pages_dir: Path) -> list[tuple[Path, str, str]]:
    def order(f: Path) -> tuple[float, str]:
        head = f.stem.split("_", 1)[0]
        return (float(head) if head.isdigit() else float("inf"), f.stem)

    out = []
    for f in sorted(pages_dir.glob("*.py"), key=order):
        stem = f.stem.split("_", 1)[1] if f.stem[0].isdigit() and "_" in f.stem else f.stem
        out.append((f, f"nav.{stem}", stem.replace("_", "-")))
    return out
