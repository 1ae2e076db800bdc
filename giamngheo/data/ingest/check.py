"""Checking a file of either shape: read it, find its shape from the header, check every row."""
from __future__ import annotations

from typing import Any

from giamngheo.data import communes as cm
from giamngheo.data.ingest.headers import _find_header
from giamngheo.data.ingest.long import _check_long
from giamngheo.data.ingest.read import LIMITS, Limits, ReadError, Table, read_table
from giamngheo.data.ingest.result import Checked, Note
from giamngheo.data.ingest.review import _check_review
from giamngheo.data.observations import Problem
from giamngheo.plan.indicators import Indicator, load_indicators


def _has_header(tbl: Table) -> bool:
    return bool(_find_header(tbl, "review") or _find_header(tbl, "long"))


def detect_shape(tbl: Table) -> str:
    long_h, rev_h = _find_header(tbl, "long"), _find_header(tbl, "review")
    if long_h and (not rev_h or len(set(long_h.columns.values())) >= 4):
        return "long"
    return "review"


def check_file(data: bytes, filename: str, shape: str | None = None, *, lang: str = "vi",
               indicators: dict[str, Indicator] | None = None, communes: cm.Communes | None = None,
               sources: dict[str, Any] | None = None, year: int | None = None,
               plan_groups: tuple[str, ...] | None = None, limits: Limits = LIMITS) -> Checked:
    """Read and check a file of either shape (``None``: find out from its header), within ``limits``.

    ``plan_groups``: the district groups a long file may use besides ``all`` (default: the embedded
    plan's model groups); commune groups are checked against data/communes.csv."""
    name = filename or "file"
    try:
        tbl = read_table(data, name, _has_header, limits)
    except ReadError as exc:
        return Checked(shape or "review", name, [exc.problem], [], [], {})
    except MemoryError:
        return Checked(shape or "review", name, [Problem(name, None, None, "", "in_limit_memory")], [], [], {})
    if shape is None:
        shape = detect_shape(tbl)
    if shape == "long":
        out = _check_long(tbl, name, lang, indicators if indicators is not None else load_indicators(), sources,
                          communes or cm.load_communes(), plan_groups)
    else:
        out = _check_review(tbl, name, lang, communes or cm.load_communes(), year)
    if tbl.recoded_lines:
        shown = ", ".join(str(n) for n in tbl.recoded_lines[:10]) + (" …" if len(tbl.recoded_lines) > 10 else "")
        out.notes.insert(0, Note("recoded_lines", (("lines", shown), ("n", len(tbl.recoded_lines)))))
    return out
