"""The review shape: the annual poverty-review summary, one row per commune and year; its checks
(identities, totals, units of the right era) and its mapping to observations."""
from __future__ import annotations

from typing import Any, Iterable

from giamngheo.data import communes as cm
from giamngheo.data.ingest.headers import (
    _TOTAL_NAMES,
    ALL_REVIEW,
    ETHNIC_COLUMNS,
    NEAR_BLOCK,
    NEAR_FLOWS,
    RATE_TOLERANCE,
    REVIEW_COLUMNS,
    REVIEW_TO_INDICATOR,
    _find_header,
    _is_numbering_row,
    _title_year,
)
from giamngheo.data.ingest.numbers import DASHES, _decimal_of, _is_blank, _num_text, _plain, _shown, parse_number
from giamngheo.data.ingest.read import Table
from giamngheo.data.ingest.result import Checked, Mapped, Note, Record, _meta
from giamngheo.data.observations import STATUSES, Problem
from giamngheo.i18n import fmt_num, t
from giamngheo.plan.indicators import Indicator, load_indicators


def _check_review(tbl: Table, name: str, lang: str, communes: cm.Communes, year_param: int | None) -> Checked:
    hdr = _find_header(tbl, "review")
    if hdr is None:
        return Checked("review", name, [Problem(name, None, None, "", "in_no_header",
                                                (("expected", ", ".join(c.header(lang) for c in REVIEW_COLUMNS[:3])),))],
                       [], [], {})
    hline = tbl.lines[hdr.index]
    problems: list[Problem] = []
    notes: list[Note] = []
    seen: dict[str, int] = {}
    for j, cid in sorted(hdr.columns.items()):
        if cid in seen:
            problems.append(Problem(name, hline, hdr.display[j], "", "in_duplicate_column",
                                    (("first", hdr.display[seen[cid]]),)))
        else:
            seen[cid] = j
    display = {cid: hdr.display[j] for cid, j in seen.items()}
    title_year = None
    if "year" not in seen:
        title_year = year_param or _title_year(tbl, hdr.index - hdr.nrows + 1)
        if title_year is not None:
            notes.append(Note("year_from_title" if year_param is None else "year_given", (("year", title_year),)))
    need = [c for c in REVIEW_COLUMNS if c.required and not (c.id == "year" and title_year is not None)]
    if any(c in seen for c in NEAR_FLOWS):
        need += [ALL_REVIEW[c] for c in NEAR_BLOCK]
    for c in need:
        if c.id not in seen:
            problems.append(Problem(name, hline, c.header(lang), "", "missing_column"))
    if hdr.unknown:
        notes.append(Note("ignored_columns", (("columns", ", ".join(f"«{u}»" for u in hdr.unknown)),)))
    if "near_poor_returning" not in seen and "near_poor_start" in seen:
        notes.append(Note("no_near_returning"))
    if "poor_start" not in seen and "poor_end" in seen:
        notes.append(Note("no_start"))
    num_cols = [j for cid, j in seen.items() if cid not in ("commune", "year")]
    decimal, votes = _decimal_of(tbl, hdr.index + 1, num_cols)
    meta = _meta(tbl, hdr, decimal)
    meta["year_from_title"] = title_year
    if problems:
        return Checked("review", name, problems, notes, [], display, meta)

    def err(line: int, cid: str | None, value: Any, code: str, **params: Any) -> None:
        problems.append(Problem(name, line, display.get(cid, cid) if cid else None,
                                _shown(value, lang) if not isinstance(value, str) else value, code,
                                tuple(params.items())))

    records: list[Record] = []
    start = hdr.index + 1
    if start < len(tbl.rows) and _is_numbering_row(tbl.rows[start]):
        start += 1
    dash_used = False
    for r, line in zip(tbl.rows[start:], tbl.lines[start:]):
        if all(_is_blank(v) for v in r):
            continue
        cell = lambda c: r[seen[c]] if c in seen and seen[c] < len(r) else None
        name_cell = cell("commune")
        numeric_empty = all(_is_blank(cell(c)) for c in seen if c not in ("commune", "year"))
        folded = cm.fold(name_cell)
        is_total = (folded in _TOTAL_NAMES or folded == _plan_district()
                    or folded.startswith(("tong cong", "toan huyen", "cong toan")))
        if numeric_empty and (is_total or _is_blank(name_cell) or (communes.resolve(name_cell, cm.OLD) is None
                                                                    and communes.resolve(name_cell, cm.NEW) is None)):
            notes.append(Note("skipped_row", (("row", line),)))      # a footer, a signature, an empty total
            continue
        rec = Record(line, "total" if is_total else "unit")
        rec.raw = {c: cell(c) for c in seen}
        # year
        if "year" in seen:
            yv = cell("year")
            y = parse_number(yv, decimal, True)
            if _is_blank(yv) and is_total:
                pass                                   # a total row's year: the year of its communes
            elif _is_blank(yv):
                err(line, "year", "", "empty")
            elif y is None or y != int(y):
                err(line, "year", yv, "not_year")
            elif not 1990 <= y <= 2100:
                err(line, "year", yv, "year_range", lo=1990, hi=2100)
            else:
                rec.year = int(y)
        else:
            rec.year = title_year
        # commune
        if not is_total and _is_blank(name_cell):
            err(line, "commune", "", "empty")
        # numbers
        for cid in seen:
            if cid in ("commune", "year"):
                continue
            col = ALL_REVIEW[cid]
            v = cell(cid)
            if _is_blank(v):
                rec.values[cid] = None
                if not is_total and (col.required or cid in NEAR_BLOCK and "near_poor_start" in seen):
                    err(line, cid, "", "empty")
                continue
            if isinstance(v, str) and _num_text(v) in DASHES:
                dash_used = True
            x = parse_number(v, decimal, col.kind == "count")
            if x is None:
                err(line, cid, v, "not_number")
            elif x < 0:
                err(line, cid, v, "negative")
            elif col.kind == "count" and x != int(x):
                err(line, cid, v, "not_whole")
            elif col.kind == "rate" and not 0 <= x <= 100:
                err(line, cid, v, "rate_range")
            else:
                rec.values[cid] = x
        records.append(rec)
        _row_identities(rec, err, lang)
    if dash_used:
        notes.append(Note("dash_is_zero"))
    unit_years = {r.year for r in records if r.kind == "unit"}
    for r in records:
        if r.kind == "total" and r.year is None and len(unit_years) == 1:
            r.year = next(iter(unit_years))
    _resolve_units(records, communes, err, lang)
    _cross_rows(records, communes, err, lang, seen)
    if not any(r.kind == "unit" for r in records):
        problems.append(Problem(name, None, None, "", "no_rows"))
    problems.sort(key=lambda p: (p.row if p.row is not None else -1))
    return Checked("review", name, problems, notes, records, display, meta)


def _row_identities(rec: Record, err, lang: str) -> None:
    v = rec.values
    g = lambda k: v.get(k)
    f = lambda x: fmt_num(x, lang, 0)
    for sfx in ("", "_khmer"):
        s, x, rt, n, e = (g(f"poor_{k}{sfx}") for k in ("start", "exits", "returning", "new", "end"))
        if None not in (s, x, rt, n, e):
            calc = s - x + rt + n
            if calc != e:
                err(rec.line, f"poor_end{sfx}", e, "in_identity", start=f(s), exits=f(x), returning=f(rt), new=f(n),
                    calc=f(calc))
        s, x, n, e = (g(f"near_poor_{k}{sfx}") for k in ("start", "exits", "new", "end"))
        rt = g(f"near_poor_returning{sfx}") or 0.0
        if None not in (s, x, n, e):
            calc = s - x + rt + n
            if calc != e:
                err(rec.line, f"near_poor_end{sfx}", e, "in_identity_near", start=f(s), exits=f(x), returning=f(rt),
                    new=f(n), calc=f(calc))
    # the Khmer part is never more than the whole
    for cid in list(v):
        if cid.endswith("_khmer") and not cid.endswith("rate_khmer"):
            base = cid[: -len("_khmer")]
            if v[cid] is not None and v.get(base) is not None and v[cid] > v[base]:
                err(rec.line, cid, v[cid], "in_khmer_gt_total", total=f(v[base]))
            eth = v.get(f"{base}_ethnic")          # the Khmer are an ethnic minority: a part of the DTTS
            if v[cid] is not None and eth is not None and v[cid] > eth:
                err(rec.line, cid, v[cid], "in_khmer_gt_ethnic", ethnic=f(eth))
        elif cid.endswith("_ethnic"):
            base = cid[: -len("_ethnic")]
            if v[cid] is not None and v.get(base) is not None and v[cid] > v[base]:
                err(rec.line, cid, v[cid], "in_ethnic_gt_total", total=f(v[base]))
        elif cid.endswith("_no_work"):
            base = cid[: -len("_no_work")] + "_end"
            if v[cid] is not None and v.get(base) is not None and v[cid] > v[base]:
                err(rec.line, cid, v[cid], "in_no_work_gt_total", total=f(v[base]))
    # households hold the poor and the near-poor
    for sfx in ("", "_khmer"):
        H = g(f"households{sfx}")
        if H is None:
            continue
        for k in ("poor_start", "poor_end", "near_poor_start", "near_poor_end"):
            x = g(f"{k}{sfx}")
            if x is not None and x > H:
                err(rec.line, f"{k}{sfx}", x, "in_more_than_households", households=f(H))
        p, nn = g(f"poor_end{sfx}"), g(f"near_poor_end{sfx}")
        if p is not None and nn is not None and p <= H and nn <= H and p + nn > H:
            err(rec.line, f"near_poor_end{sfx}", nn, "in_poor_near_gt_households", poor=f(p), households=f(H))
        # a stated rate agrees with its counts
        for rate_id, count_id in ((f"poor_rate{sfx}", f"poor_end{sfx}"), (f"near_poor_rate{sfx}", f"near_poor_end{sfx}")):
            r_, c_ = g(rate_id), g(count_id)
            if r_ is not None and c_ is not None and H > 0:
                calc = c_ / H * 100
                if abs(calc - r_) > RATE_TOLERANCE:
                    err(rec.line, rate_id, r_ if not isinstance(rec.raw.get(rate_id), str) else rec.raw[rate_id],
                        "in_rate_mismatch", count=f(c_), households=f(H), calc=fmt_num(calc, lang, 2))


def _resolve_units(records: list[Record], communes: cm.Communes, err, lang: str) -> None:
    """Give each commune row its unit: old (17) or new (6), one era per year, by the names used."""
    by_year: dict[int | None, list[Record]] = {}
    for r in records:
        if r.kind == "unit":
            by_year.setdefault(r.year, []).append(r)
    for year, recs in by_year.items():
        named = [r for r in recs if not _is_blank(r.raw.get("commune"))]
        era = cm.era_of_year(year) if year is not None else cm.OLD
        alt = cm.NEW if era == cm.OLD else cm.OLD
        only_alt = [r for r in named if communes.resolve(r.raw["commune"], alt) and
                    not communes.resolve(r.raw["commune"], era)]
        if len(only_alt) * 2 > len(named):          # most names exist only in the other era: the file uses it
            era = alt
        other = cm.NEW if era == cm.OLD else cm.OLD
        for r in named:
            u = communes.resolve(r.raw["commune"], era)
            if u is not None:
                r.unit = u
                continue
            o = communes.resolve(r.raw["commune"], other)
            if o is not None:
                code = "in_commune_old_in_new" if era == cm.NEW else "in_commune_new_in_old"
                err(r.line, "commune", str(r.raw["commune"]).strip(), code,
                    merged_into=o.merged_into or o.name, n=len(communes.units(era)))
            else:
                err(r.line, "commune", str(r.raw["commune"]).strip(), "in_unknown_commune",
                    known=", ".join(u.name for u in communes.units(era)))


_SUMMABLE = tuple(c for c in ALL_REVIEW if ALL_REVIEW[c].kind == "count")


def _cross_rows(records: list[Record], communes: cm.Communes, err, lang: str, seen: dict[str, int]) -> None:
    first: dict[tuple[int | None, str], int] = {}
    for r in records:
        if r.kind != "unit" or r.unit is None:
            continue
        key = (r.year, r.unit.group)
        if key in first:
            err(r.line, "commune", str(r.raw.get("commune", "")).strip(), "in_duplicate_commune", first=first[key])
        else:
            first[key] = r.line
    by_year: dict[int | None, dict[str, Record]] = {}
    for r in records:
        if r.kind == "unit" and r.unit is not None:
            by_year.setdefault(r.year, {}).setdefault(r.unit.group, r)
    # totals: a total row must equal the sum of the unit rows of its year
    for r in records:
        if r.kind != "total":
            continue
        units = [u for u in by_year.get(r.year, {}).values()]
        for cid in _SUMMABLE:
            if cid not in seen or r.values.get(cid) is None:
                continue
            parts = [u.values.get(cid) for u in units]
            if not parts or any(p is None for p in parts):
                continue
            s = sum(parts)  # type: ignore[arg-type]
            if s != r.values[cid]:
                err(r.line, cid, r.values[cid], "in_total_mismatch", sum=fmt_num(s, lang, 0), n=len(parts))


def _plan():
    from giamngheo.plan.targets import load_plan
    return load_plan()


def plan_break_year() -> int | None:
    """The first year on the new poverty standard, from the plan file (``[plan.poverty_standard]``)."""
    std = _plan().standard
    return std.break_year if std else None


def _plan_district() -> str:
    """The district as a total row names it ("Huyện Trà Cú"), folded: the plan's locality before its comma."""
    return cm.fold(_plan().locality_vi.split(",")[0])


def standard_of(year: int, break_year: int | None = None) -> str:
    """The poverty standard a year's review is on: ``nd351_2025`` (2026–2030, Nghị định 351/2025/NĐ-CP)
    from the break year (given, else the plan file's), else ``nd07_2021`` (2022–2025, Nghị định 07/2021/NĐ-CP)."""
    brk = break_year or plan_break_year()
    return "nd351_2025" if brk is not None and year >= brk else "nd07_2021"


ETHNIC_NOTE = {"vi": "; trong đó DTTS (gồm cả Khmer): {n}", "en": "; of which ethnic minorities (Khmer included): {n}"}


def _ethnic_note(r: Record, cid: str, lang: str = "vi") -> str:
    """The ethnic-minority count that goes with a stored row (kept in its note: no "ethnic" group)."""
    base = cid[: -len("_khmer")] if cid.endswith("_khmer") else cid
    eth = r.values.get(f"{base}_ethnic")
    if eth is None or base not in ("households", "poor_end", "near_poor_end"):
        return ""
    if cid.endswith("_khmer") or r.values.get(f"{base}_khmer") is None:
        return ETHNIC_NOTE[lang].format(n=fmt_num(eth, lang, 0))
    return ""


def review_to_rows(checked: Checked, status: str, source: str, indicators: dict[str, Indicator] | None = None,
                   communes: cm.Communes | None = None, break_year: int | None = None) -> Mapped:
    """The valid rows of a checked review as long observations (communes and, where complete, the
    district: group ``all``, and ``khmer`` for the Khmer columns, as sums of every unit of the era).

    Every row's note names the file, the line, the unit and the poverty standard of its year
    (:func:`standard_of`); ethnic-minority counts go into the notes of the Khmer rows (or, without a
    Khmer column, of the whole rows), since the plan's model has no "ethnic" group."""
    if checked.shape != "review":
        raise ValueError("not a review file")
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    indicators = indicators if indicators is not None else load_indicators()
    communes = communes or cm.load_communes()
    rows: list[dict[str, Any]] = []
    notes: list[Note] = []
    per_year: dict[tuple[int, str], list[Record]] = {}
    std = {}
    for r in checked.valid_records():
        if r.kind != "unit" or r.unit is None or r.year is None:
            continue
        per_year.setdefault((r.year, r.unit.era), []).append(r)
        std[r.year] = {L: t(f"ingest.standard.{standard_of(r.year, break_year)}", L) for L in ("vi", "en")}
        for cid, (ind, khmer) in REVIEW_TO_INDICATOR.items():
            v = r.values.get(cid)
            if v is None:
                continue
            rows.append({"indicator": ind, "group": r.unit.khmer_group() if khmer else r.unit.group, "year": r.year,
                         "value": _plain(v), "unit": indicators[ind].unit if ind in indicators else "",
                         "status": status, "source": source,
                         "note": f"{checked.file}, dòng {r.line}: {str(r.raw.get('commune', '')).strip()}; "
                                 f"{std[r.year]['vi']}{_ethnic_note(r, cid)}",
                         "note_en": f"{checked.file}, row {r.line}: {str(r.raw.get('commune', '')).strip()}; "
                                    f"{std[r.year]['en']}{_ethnic_note(r, cid, 'en')}"})
    for year in sorted(std):
        notes.append(Note("standard", (("year", year), ("standard", f"@ingest.standard.{standard_of(year, break_year)}"))))
    if any(c in checked.columns for c in ETHNIC_COLUMNS):
        notes.append(Note("ethnic_in_notes"))
    for (year, era), recs in sorted(per_year.items()):
        n_total = len(communes.units(era))
        have = {r.unit.group for r in recs if r.unit}
        if len(have) < n_total:
            notes.append(Note("partial_year", (("year", year), ("n", len(have)), ("total", n_total))))
            continue
        for cid, (ind, khmer) in REVIEW_TO_INDICATOR.items():
            vals = [r.values.get(cid) for r in recs]
            if any(v is None for v in vals):
                continue
            base = cid[: -len("_khmer")] if khmer else cid
            eths = [r.values.get(f"{base}_ethnic") for r in recs]
            eth = {"vi": "", "en": ""}
            if base in ("households", "poor_end", "near_poor_end") and None not in eths and (
                    khmer or any(r.values.get(f"{base}_khmer") is None for r in recs)):
                eth = {L: ETHNIC_NOTE[L].format(n=fmt_num(sum(eths), L, 0)) for L in eth}  # type: ignore[arg-type]
            rows.append({"indicator": ind, "group": "khmer" if khmer else "all", "year": year,
                         "value": _plain(sum(vals)), "unit": indicators[ind].unit if ind in indicators else "",  # type: ignore[arg-type]
                         "status": status, "source": source,
                         "note": f"= tổng {n_total} xã ({checked.file}); {std[year]['vi']}{eth['vi']}",
                         "note_en": f"= sum of {n_total} communes ({checked.file}); {std[year]['en']}{eth['en']}"})
        notes.append(Note("district_total", (("year", year), ("n", n_total))))
    return Mapped(rows, notes)


def start_notes(checked: Checked, current: Iterable[dict[str, Any]], lang: str = "vi",
                communes: cm.Communes | None = None) -> list[Note]:
    """Where a review's start of the year (summed over every unit) differs from the end of the year
    before in the current data: a note, not a problem (the standard or the households may have changed)."""
    communes = communes or cm.load_communes()
    cur = {(str(r["indicator"]), str(r["group"]), int(r["year"])): float(r["value"]) for r in current}
    per_year: dict[tuple[int, str], list[Record]] = {}
    for r in checked.valid_records():
        if r.kind == "unit" and r.unit is not None and r.year is not None:
            per_year.setdefault((r.year, r.unit.era), []).append(r)
    out = []
    for (year, era), recs in sorted(per_year.items()):
        if len({r.unit.group for r in recs if r.unit}) < len(communes.units(era)):
            continue
        for cid, ind in (("poor_start", "poor_households"), ("near_poor_start", "near_poor_households")):
            vals = [r.values.get(cid) for r in recs]
            before = cur.get((ind, "all", year - 1))
            if any(v is None for v in vals) or before is None:
                continue
            total = sum(vals)  # type: ignore[arg-type]
            if total != before:
                out.append(Note("start_differs", (("column", ALL_REVIEW[cid].header(lang)), ("year", year),
                                                  ("sum", fmt_num(total, lang, 0)), ("prev", year - 1),
                                                  ("before", fmt_num(before, lang, 0)))))
    return out
