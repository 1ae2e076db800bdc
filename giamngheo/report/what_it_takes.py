"""What it takes, for the pages and reports: the requirements, the gap attribution and the tornado
as tables and chart inputs in the reader's language (the computation is in giamngheo.model.goalseek)."""
from __future__ import annotations

import pandas as pd

from giamngheo.i18n import field, fmt_num, fmt_pct, t
from giamngheo.model.engine import Context
from giamngheo.model.goalseek import Attribution, Requirement, Tornado, goal_seek, requirements  # noqa: F401
from giamngheo.scenario.registry import Assumption
from giamngheo.scenario.scenario import Scenario

# ------------------------------------------------------------------------- tables and chart inputs

def _unit(a: Assumption, lang: str) -> str:
    from giamngheo.i18n import catalogue, t
    return t(f"unit.{a.unit}", lang) if f"unit.{a.unit}" in catalogue() else ""


def _fmt_lever(a: Assumption, x: float | None, lang: str) -> str:
    if x is None:
        return "–"
    return f"{fmt_num(x, lang, 0 if a.integer else 2)} {_unit(a, lang)}".strip()


def requirement_text(ctx: Context, r: Requirement, lang: str) -> str:
    """What the lever needs to be, in words: '≥ 0,82 điểm %/năm', 'no value from 0 to 3 meets it', …"""
    from giamngheo.i18n import t
    if r.lever is None or r.outcome in ("no_lever", "not_projected"):
        return t("seek.no_lever", lang)
    a = ctx.registry[r.lever]
    if r.outcome == "found":
        s = t("seek.need_ge" if r.sense == ">=" else "seek.need_le", lang, v=_fmt_lever(a, r.value, lang))
        return s + ("" if r.monotone else t("seek.not_monotone", lang))
    # the range without its unit (the lever's column and slider carry it): the cell stays short
    return t(f"seek.{r.outcome}", lang, lo=fmt_num(r.lo, lang, 0 if a.integer else 2), hi=fmt_num(r.hi, lang, 0 if a.integer else 2))


def requirement_records(ctx: Context, scenario: Scenario, verdicts: list, lang: str) -> list[dict[str, str]]:
    """The goal-seek table: one row per projected target, in the language (text cells; what the page sends as
    they are, without a pandas table)."""
    from giamngheo.report.needs import chance_text
    vals = ctx.registry.resolve(scenario)
    by_id = {v.target: v for v in verdicts}
    rows = []
    from giamngheo.report.needs import second_requirement
    for r in requirements(ctx, scenario):
        tg = ctx.plan.target(r.target)
        v = by_id.get(r.target)
        verdict = ((t(f"status.{v.status}", lang) if v else "–")
                   + (f" · {chance_text(v, lang)}" if v is not None and v.probability is not None else ""))
        # when the main lever cannot meet a poverty target, a second row: what the exit rate of the
        # households with nobody able to work would need (needs.second_requirement, as on every page)
        for req in (r, second_requirement(ctx, scenario, tg, r)):
            if req is None:
                continue
            a = ctx.registry[req.lever] if req.lever else None
            cur = vals[req.lever] if req.lever else None
            meets = req.meets(cur) if cur is not None else None
            rows.append({
                t("seek.col_target", lang): f"{tg.number}. {field(tg, 'text', lang)} ({tg.target_year})",
                t("seek.col_lever", lang): field(a, "label", lang) if a else "–",
                # the current value as its slider shows it (52,1, not 52,10); the need keeps 2 decimals (a threshold)
                t("seek.col_current", lang): (f"{fmt_num(cur, lang, a.decimals)} {_unit(a, lang)}".strip()
                                              if a and cur is not None else "–"),
                t("seek.col_needed", lang): requirement_text(ctx, req, lang),
                t("seek.col_meets", lang): "" if meets is None else t("seek.yes" if meets else "seek.no", lang),
                t("seek.col_verdict", lang): verdict,
            })
    return rows


def _two_lines(text: str) -> str:
    """Break a short label into two lines (" / " between them) near its middle."""
    words = text.split()
    if len(words) < 2:
        return text
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + " / " + " ".join(words[cut:])


def attribution_frame(att: Attribution, lang: str):
    """Waterfall rows for :func:`charts.gap_chart`, in % of the start-of-period rate, as a table."""
    import pandas as pd
    return pd.DataFrame(attribution_rows(att, lang))


def attribution_rows(att: Attribution, lang: str) -> list[dict]:
    """The rows of :func:`attribution_frame` (what the chart takes as they are: no table on the rerun path)."""
    from giamngheo.i18n import t
    rows = [{"step": _two_lines(t("seek.gap_without", lang)), "order": 0, "start": 0.0, "end": 100 * att.without,
             "kind": "total", "label": fmt_num(100 * att.without, lang, 0) + "%"}]
    level = 100 * att.without
    for i, (name, c) in enumerate(att.contributions, start=1):
        end = level - 100 * c
        rows.append({"step": _two_lines(t(f"seek.lever_{name}", lang)), "order": i, "start": level, "end": end,
                     "kind": "down" if c >= 0 else "up",
                     "label": ("−" if c >= 0 else "+") + fmt_num(abs(100 * c), lang, 1) + " " + t("unit.pp", lang)})
        level = end
    rows.append({"step": _two_lines(t("seek.gap_scenario", lang)), "order": len(rows), "start": 0.0, "end": 100 * att.scenario,
                 "kind": "scenario", "label": fmt_num(100 * att.scenario, lang, 0) + "%"})
    return rows


def attribution_caption(att: Attribution, lang: str) -> str:
    from giamngheo.i18n import t
    parts = "; ".join(t("seek.gap_part", lang, lever=t(f"seek.lever_{nm}", lang), v=fmt_num(100 * c, lang, 1))
                      for nm, c in att.contributions)
    verdict = (t("seek.gap_met", lang, v=fmt_num(-100 * att.remaining, lang, 1)) if att.remaining <= 1e-9
               else t("seek.gap_short", lang, v=fmt_num(100 * att.remaining, lang, 1)))
    return t("seek.gap_caption", lang, group=t(f"group.{att.group}", lang), base=att.base_year,
             start=fmt_pct(att.start_rate, lang), year=att.year, end=fmt_pct(att.end_rate, lang),
             q=fmt_pct(100 * att.scenario, lang, 0), without=fmt_pct(100 * att.without, lang, 0), parts=parts,
             verdict=verdict)


TORNADO_COLUMNS = ["assumption", "rank", "end", "value", "range", "label"]


def tornado_frame(ctx: Context, tn: Tornado, group: str, lang: str, top: int = 12):
    """Rows for :func:`charts.tornado_chart`: the ``top`` widest bars of a group, as a table."""
    import pandas as pd
    return pd.DataFrame(tornado_rows(ctx, tn, group, lang, top), columns=TORNADO_COLUMNS)


def tornado_rows(ctx: Context, tn: Tornado, group: str, lang: str, top: int = 12) -> list[dict]:
    """The rows of :func:`tornado_frame` (what the chart takes as they are: no table on the rerun path).
    Each end of a bar is formatted once (for the range and for its own label)."""
    from giamngheo.i18n import field, t
    _, bars = tn.for_group(group)
    low, high, rng_word = t("seek.tornado_low", lang), t("seek.tornado_high", lang), t("seek.tornado_range", lang)
    rows = []
    for rank, b in enumerate(bars[:top]):
        a = ctx.registry[b.id]
        label = field(a, "label", lang)
        x_lo, x_hi = _fmt_lever(a, b.low, lang), _fmt_lever(a, b.high, lang)
        rng = f"{rng_word}: {x_lo} – {x_hi}"
        for end, x, val in ((low, x_lo, b.at_low), (high, x_hi, b.at_high)):
            rows.append({"assumption": label, "rank": rank, "end": end, "value": val, "range": rng,
                         "label": f"{x} → {fmt_pct(val, lang)}"})
    return rows


# ------------------------------------------------------------------------- the uncertainty editor

def _short(x: float, lang: str) -> str:
    """A number in the language's format with up to 3 decimals, trailing zeros dropped: 5 / 0,03 / 3.000."""
    s = fmt_num(float(x), lang, 3)
    dec = "," if lang == "vi" else "."
    return s.rstrip("0").rstrip(dec) if dec in s else s


def sd_text(a: Assumption, sd: float, lang: str) -> str:
    """A spread as the editor shows it, in the assumption's unit: "400 lao động/năm", "5 %/năm"."""
    return f"{_short(sd, lang)} {_unit(a, lang)}".strip()


def sd_columns(lang: str) -> tuple[str, str, str, str, str]:
    """The editor's column names: assumption, value, spread (the one editable), default spread, limits."""
    return tuple(t(f"seek.sd_col_{k}", lang) for k in ("label", "value", "sd", "default", "range"))  # type: ignore[return-value]


def sd_table(items: list[Assumption], values: dict[str, float], current: dict[str, float], lang: str) -> pd.DataFrame:
    """The uncertainty editor's table: every figure in one format (the page's: 1.234,5 on a Vietnamese page)
    and with its unit — the value, its spread (edited in this session, else its default), the default spread,
    the limits. The spread column is text, read back by :func:`read_sd` with the one number reader."""
    from giamngheo.model.uncertainty import sd_of
    c_label, c_value, c_sd, c_default, c_range = sd_columns(lang)
    return pd.DataFrame({
        c_label: [field(a, "label", lang) for a in items],
        c_value: [f"{_short(values[a.id], lang)} {_unit(a, lang)}".strip() for a in items],
        c_sd: [sd_text(a, current.get(a.id, sd_of(a)), lang) for a in items],
        c_default: [sd_text(a, sd_of(a), lang) for a in items],
        c_range: [f"{_short(a.min, lang)} – {_short(a.max, lang)} {_unit(a, lang)}".strip() for a in items],
    })


def read_sd(items: list[Assumption], texts: list, current: dict[str, float],
            lang: str) -> tuple[dict[str, float], list[tuple[int, Assumption]]]:
    """The spreads the editor's column holds: (overrides, problems). A text read by the one number reader in the
    page's language, its unit allowed after it ("500 lao động/năm", "500"); a text as shown is the spread it
    shows (no rounding creeps in); one equal to the default is no override. A problem (row from 1,
    assumption) is a text that is no number, or a negative one: the default is used for it."""
    from giamngheo.data.ingest.numbers import read_number
    from giamngheo.model.uncertainty import sd_of
    overrides: dict[str, float] = {}
    problems: list[tuple[int, Assumption]] = []
    for i, (a, raw) in enumerate(zip(items, texts), start=1):
        shown = current.get(a.id, sd_of(a))
        text = "" if raw is None else str(raw).strip()
        if text == sd_text(a, shown, lang):
            value: float | None = shown
        else:
            unit = _unit(a, lang)
            if unit and text.endswith(unit):
                text = text[: -len(unit)].strip()
            value = read_number(text, "," if lang == "vi" else ".", whole=bool(a.integer), lo=0.0).value
        if value is None or value != value or value < 0 or value == float("inf"):
            problems.append((i, a))
            continue
        if abs(value - sd_of(a)) > 1e-12:
            overrides[a.id] = float(value)
    return overrides, problems
