"""The long shape: rows of ``indicator, group, year, value, unit, status, source, note``."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from giamngheo.data import communes as cm
from giamngheo.data.ingest.groups import group_problems
from giamngheo.data.ingest.headers import GROUP_ALIASES, LONG_ALIASES, STATUS_ALIASES, _find_header
from giamngheo.data.ingest.numbers import _decimal_of, _is_blank, _plain, _shown, parse_number
from giamngheo.data.ingest.read import Table
from giamngheo.data.ingest.result import Checked, Mapped, Note, Record, _meta
from giamngheo.data.observations import COLUMNS, LINE_KEY, Problem, validate_rows
from giamngheo.plan.indicators import Indicator


def _check_long(tbl: Table, name: str, lang: str, indicators: dict[str, Indicator],
                sources: dict[str, Any] | None, communes: cm.Communes | None = None,
                plan_groups: tuple[str, ...] | None = None) -> Checked:
    hdr = _find_header(tbl, "long")
    if hdr is None:
        return Checked("long", name, [Problem(name, tbl.lines[0] if tbl.lines else None, None, "", "in_no_header",
                                              (("expected", ", ".join(LONG_ALIASES)),))], [], [], {})
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for j, cid in sorted(hdr.columns.items()):
        if cid in seen:
            problems.append(Problem(name, tbl.lines[hdr.index], hdr.display[j], "", "in_duplicate_column",
                                    (("first", hdr.display[seen[cid]]),)))
        else:
            seen[cid] = j
    display = {cid: hdr.display[j] for cid, j in seen.items()}
    for c in ("indicator", "group", "year", "value", "status", "source"):
        if c not in seen and c != "group":
            problems.append(Problem(name, tbl.lines[hdr.index], c, "", "missing_column"))
    decimal, _ = _decimal_of(tbl, hdr.index + 1, [seen[c] for c in ("value", "year") if c in seen])
    meta = _meta(tbl, hdr, decimal)
    if problems:
        return Checked("long", name, problems, [], [], display, meta)
    notes: list[Note] = []
    rows, records = [], []
    for r, line in zip(tbl.rows[hdr.index + 1:], tbl.lines[hdr.index + 1:]):
        if all(_is_blank(v) for v in r):
            continue
        cell = lambda c: r[seen[c]] if c in seen and seen[c] < len(r) else None
        d: dict[str, Any] = {LINE_KEY: line}
        raw: dict[str, Any] = {}
        for c in LONG_ALIASES:
            v = cell(c)
            raw[c] = _shown(v, lang)
            d[c] = "" if _is_blank(v) else (str(v).strip() if not isinstance(v, (int, float)) else v)
        for c, kind in (("value", "value"), ("year", "year")):
            v = cell(c)
            if _is_blank(v):
                d[c] = ""
                continue
            ind = indicators.get(str(d["indicator"]).strip())
            whole = kind == "year" or (ind is not None and ind.kind in ("count", "flow"))
            x = parse_number(v, decimal, whole)
            d[c] = raw[c] if x is None else repr(x)
        st = cm.fold(d["status"])
        d["status"] = STATUS_ALIASES.get(st, str(d["status"]))
        g = str(d.get("group") or "").strip()
        d["group"] = GROUP_ALIASES.get(unicodedata.normalize("NFC", g), g) if g and not cm.is_commune_group(g) else g
        for c in ("indicator", "unit", "source", "note"):
            d[c] = str(d[c]).strip()
        d["note_en"] = str(d.get("note_en") or "").strip()
        rows.append(d)
        records.append(Record(line, "row", raw=raw))
    clean, probs = validate_rows(rows, name, indicators, None)
    probs += group_problems(rows, name, communes or cm.load_communes(), plan_groups)
    bad_group = {p.row for p in probs if p.code.startswith("in_unknown")}
    clean = [r for r in clean if r.get("_row") not in bad_group]
    probs.sort(key=lambda p: p.row or 0)
    by_line = {rec.line: rec for rec in records}
    for p in probs:
        rec = by_line.get(p.row or -1)
        shown = rec.raw.get(p.column or "", p.value) if rec else p.value
        problems.append(replace(p, column=display.get(p.column or "", p.column), value=str(shown)))
    if not rows:
        problems.append(Problem(name, None, None, "", "no_rows"))
    if sources is not None:
        unknown = sorted({r["source"] for r in clean} - set(sources))
        for s in unknown:
            notes.append(Note("unknown_source", (("source", s),)))
    return Checked("long", name, problems, notes, records, display, meta, clean)


# -- the review shape


def long_to_rows(checked: Checked) -> Mapped:
    """The rows of a checked long file that passed, as long observations."""
    rows = [{c: r.get(c, "") for c in COLUMNS} for r in (checked.clean_long if not checked.file_level else [])]
    for r in rows:
        r["value"] = _plain(float(r["value"]))
    return Mapped(rows, [])

