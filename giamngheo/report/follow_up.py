"""The agreed path in words and tables, for the page "Lộ trình" and the Word report's follow-up
section (no Streamlit): what was adopted, where the latest year stands (one sentence), every target's
indicator agreed against actual, every lever's commitment and what was done, the communes' part of
the agreed fall, and the tolerance.

:func:`add_follow_up` writes the section into a python-docx ``Document``; a report builder calls it
with a :class:`giamngheo.monitor.Measurement`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo.data.communes import load_communes, parse_group
from giamngheo.i18n import catalogue, fmt_num, fmt_value, t
from giamngheo.monitor import Measurement, gap_text, sentence, tolerance_text
from giamngheo.plan.indicators import Indicator, load_indicators


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    status: list[str] = field(default_factory=list)      # each row's status code (for colours)


@dataclass
class FollowUp:
    title: str
    adopted: str                    # what was adopted, by whom, when, on what
    sentence: str
    tolerance: str
    readings: Table
    levers: Table
    communes: Table | None
    changes: list[str]              # what changed in the basis since (data revised, plan, model)


def _has(key: str) -> bool:
    return key in catalogue()


def group_name(g: str, lang: str) -> str:
    if _has(f"group.{g}"):
        return t(f"group.{g}", lang)
    p = parse_group(g)
    if p is not None:
        era, slug, khmer = p
        u = load_communes().by_group().get(f"{era}:{slug}")
        return (u.name if u else slug) + (" – Khmer" if khmer else "")
    return g


def value_text(ind: Indicator, v: float | None, lang: str, unit: bool = True) -> str:
    """A value as the tables show it: rates with two decimals (``1,50%``), counts whole, with the unit."""
    if v is None:
        return ""
    if ind.kind == "rate":
        return fmt_num(v, lang, 2) + ("%" if unit else "")
    if ind.kind in ("count", "flow"):
        return fmt_value(ind, v, lang) if unit else fmt_num(v, lang, 0)
    return fmt_value(ind, v, lang) if unit else fmt_num(v, lang)


def ind_name(ind: Indicator, lang: str) -> str:
    return ind.name_vi if lang == "vi" else ind.name_en


def adopted_text(m: Measurement, lang: str) -> str:
    a, b = m.adoption, m.path.basis
    if a is None:
        return t("monitor.adopted_cli", lang, as_of=b.as_of)
    return t("monitor.adopted", lang, name=a.name, date=_date(a.date, lang), ref=a.meeting_ref or "–",
             who=a.who or "–", as_of=b.as_of, lever_from=b.lever_from)


def _date(iso: str, lang: str) -> str:
    try:
        y, mth, d = iso.split("-")
        return f"{d}/{mth}/{y}" if lang == "vi" else f"{y}-{mth}-{d}"
    except ValueError:
        return iso


def readings_table(m: Measurement, lang: str, indicators: dict[str, Indicator] | None = None,
                   compact: bool = False) -> Table:
    """One row per indicator, group and year after the as-of. ``compact``: only the series of the
    plan's targets, and of them the years with a figure, the next awaited year and the horizon."""
    indicators = indicators or load_indicators()
    head = [t(f"monitor.col.{c}", lang) for c in ("indicator", "group", "year", "status", "agreed", "actual", "gap",
                                                  "band")]
    out = Table(head, [])
    targets = {(s.indicator, s.group): s.targets for s in m.path.series}
    by_series: dict[tuple[str, str], list[Any]] = {}
    for r in m.readings:
        by_series.setdefault((r.indicator, r.group), []).append(r)
    for key, rs in by_series.items():
        if compact and not targets.get(key):
            continue
        ind = indicators[key[0]]
        if compact:
            awaited = [r for r in rs if r.actual is None]
            keep = {r.year for r in rs if r.actual is not None} | ({awaited[0].year} if awaited else set()) \
                | {max(r.year for r in rs)}
            rs = [r for r in rs if r.year in keep]
        for r in rs:
            band = "" if r.low is None else f"{value_text(ind, r.low, lang, False)} – {value_text(ind, r.high, lang)}"
            out.rows.append([ind_name(ind, lang), group_name(r.group, lang), str(r.year),
                             t(f"monitor.status.{r.status}", lang), value_text(ind, r.agreed, lang),
                             value_text(ind, r.actual, lang), gap_text(ind, r.gap, lang, signed=True) if r.gap is not None
                             else "", band])
            out.status.append(r.status)
    return out


def levers_table(m: Measurement, lang: str, indicators: dict[str, Indicator] | None = None) -> Table:
    """Every lever's commitment; for a lever a reported figure measures, the latest year done against it."""
    indicators = indicators or load_indicators()
    head = [t(f"monitor.col.{c}", lang) for c in ("lever", "committed", "default", "status", "done", "gap")]
    out = Table(head, [])
    for c in m.path.commitments:
        unit = t(f"unit.{c.unit}", lang) if _has(f"unit.{c.unit}") else c.unit
        dec = 0 if float(c.value).is_integer() and float(c.default).is_integer() else None
        got = [r for r in m.levers if r.lever == c.lever]
        done = [r for r in got if r.done is not None]
        last = max(done, key=lambda r: r.year) if done else (got[0] if got else None)
        ind = indicators.get(c.indicator or "")
        if last is None or ind is None:
            row = ["", t("monitor.no_figure", lang), ""]
            status = ""
        else:
            done_text = f"{last.year}: {value_text(ind, last.done, lang)}" if last.done is not None else str(last.year)
            row = [t(f"monitor.status.{last.status}", lang), done_text,
                   gap_text(ind, last.gap, lang, signed=True) if last.gap is not None else ""]
            status = last.status
        out.rows.append([c.label(lang), f"{fmt_num(c.value, lang, dec)} {unit}", f"{fmt_num(c.default, lang, dec)}",
                         *row])
        out.status.append(status)
    return out


def communes_table(m: Measurement, lang: str) -> Table | None:
    if not m.communes:
        return None
    head = [t(f"monitor.col.{c}", lang) for c in ("commune", "year", "fall", "agreed_fall", "share", "poor_share")]
    out = Table(head, [])
    for c in m.communes:
        out.rows.append([group_name(c.group, lang), str(c.year), fmt_num(c.fall, lang, 0), fmt_num(c.agreed_fall, lang, 0),
                         "" if c.share is None else fmt_num(100 * c.share, lang, 1) + "%",
                         "" if c.poor_share is None else fmt_num(100 * c.poor_share, lang, 1) + "%"])
        out.status.append("")
    return out


def follow_up(m: Measurement, lang: str = "vi", indicators: dict[str, Indicator] | None = None,
              compact: bool = True) -> FollowUp:
    indicators = indicators or load_indicators()
    return FollowUp(t("monitor.title", lang), adopted_text(m, lang), sentence(m, lang, indicators),
                    tolerance_text(lang), readings_table(m, lang, indicators, compact),
                    levers_table(m, lang, indicators), communes_table(m, lang),
                    [t(f"monitor.change.{c}", lang) for c in m.changes])


def add_follow_up(doc: Any, m: Measurement, lang: str = "vi", heading: str | None = None,
                  indicators: dict[str, Indicator] | None = None) -> Any:
    """Write the follow-up section into a python-docx Document (a heading, the adoption, the sentence,
    the tables, the tolerance); returns the document. ``heading``: the section's numbered title as the
    report numbers it (default: the plain title)."""
    f = follow_up(m, lang, indicators)
    doc.add_heading(heading or f.title, level=2)
    doc.add_paragraph(f.adopted)
    p = doc.add_paragraph()
    p.add_run(f.sentence).bold = True
    for c in f.changes:
        doc.add_paragraph(c).runs[0].italic = True
    for title_key, tbl in (("monitor.h_readings", f.readings), ("monitor.h_levers", f.levers),
                           ("monitor.h_communes", f.communes)):
        if tbl is None or not tbl.rows:
            continue
        doc.add_paragraph(t(title_key, lang)).runs[0].bold = True
        table = doc.add_table(rows=1, cols=len(tbl.header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, tbl.header):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in tbl.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
    doc.add_paragraph(f.tolerance).runs[0].italic = True
    return doc
