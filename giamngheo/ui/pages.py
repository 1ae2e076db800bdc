"""The page table: every page's file, title, section and path, discovered from app_pages/*.py in the order of their number prefix (1, 2, …, 15, 85),
and grouped into the navigation's sections.

``app_pages/3_lao_dong.py`` is titled by the string ``nav.lao_dong`` and served at ``/lao-dong``; a new
page is a new file and a new string, nothing else: it lands in the section named by ``SECTION_OF``
below, else in the last section ("other"). Section titles are the strings ``navsec.<section>``.

The folder is ``app_pages/``, not ``pages/``: with a ``pages/`` folder beside the entry script,
Streamlit still serves its old automatic multipage mode to the first visitor after a server start
(a deep link then runs the page alone, without app.py's sidebar and navigation).
"""
from __future__ import annotations

import copy
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

PAGES_DIR = Path(__file__).resolve().parents[2] / "app_pages"

# The navigation's sections, in order, and the section of each page (by its file name without the number).
SECTIONS = ("targets", "analysis", "data", "reports", "other")
SECTION_OF = {
    "tong_quan": "targets", "giam_ngheo": "targets", "lao_dong": "targets", "dich_vu_xa_hoi": "targets", "lo_trinh": "targets",
    "muc_can_dat": "analysis", "kich_ban": "analysis", "so_sanh": "analysis",
    "du_lieu": "data", "nhap_du_lieu": "data", "xa": "data",
    "bao_cao": "reports", "cuoc_hop": "reports", "phuong_phap": "reports",
}


class Page(NamedTuple):
    """One row of the page table: ``file, title_key, path = page`` (and its navigation section)."""
    file: Path
    title_key: str
    path: str

    @property
    def section(self) -> str:
        return section_of(self.title_key)


def discover(pages_dir: Path | None = None) -> list[Page]:
    """The page table: (file, title key, url path) of every page, in order. Worked out again only when the
    folder's file names change (one directory listing), not on every run (app.py asks twice a run)."""
    pages_dir = Path(pages_dir or PAGES_DIR)
    return list(_discover(pages_dir, tuple(sorted(os.listdir(pages_dir)))))


@lru_cache(maxsize=16)
def _discover(pages_dir: Path, _names: tuple[str, ...]) -> tuple[Page, ...]:
    def order(f: Path) -> tuple[float, str]:
        head = f.stem.split("_", 1)[0]
        return (float(head) if head.isdigit() else float("inf"), f.stem)

    out = []
    for f in sorted(pages_dir.glob("*.py"), key=order):
        stem = f.stem.split("_", 1)[1] if f.stem[0].isdigit() and "_" in f.stem else f.stem
        out.append(Page(f, f"nav.{stem}", stem.replace("_", "-")))
    return tuple(out)


def section_of(title_key: str) -> str:
    """The navigation section of the page titled ``nav.<stem>``."""
    return SECTION_OF.get(title_key.split(".", 1)[-1], SECTIONS[-1])


def sections(pages_dir: Path | None = None, found: list[Page] | None = None) -> list[tuple[str, list[Page]]]:
    """(section, its pages) in the sections' order, each section's pages in discovery order; empty sections left out.
    ``found``: the page table already discovered in this run (one directory listing a run)."""
    found = discover(pages_dir) if found is None else found
    out = []
    for sec in SECTIONS:
        items = [p for p in found if p.section == sec]
        if items:
            out.append((sec, items))
    return out


def nav_pages(items: tuple[tuple[str, tuple[tuple[str, str, str, bool], ...]], ...]) -> dict[str, list[Any]]:
    """The navigation's sections of ``st.Page`` objects: ``items`` is (section title, ((file, title, url path,
    default), ...)) in order. Streamlit's page objects are made once per process for the same table (each
    resolves its path on disk) and copied on every run: ``st.navigation`` marks the page it picks (and
    ``run`` unmarks it), so every run gets its own objects."""
    return {title: [copy.copy(p) for p in pages] for title, pages in _nav_prototypes(items)}


@lru_cache(maxsize=8)          # a table per language (and per set of page files)
def _nav_prototypes(items: tuple) -> tuple:
    import streamlit as st
    return tuple((title, tuple(st.Page(file, title=page_title, url_path=slug, default=default)
                               for file, page_title, slug, default in pages)) for title, pages in items)
