"""View models for the pages: plain tables and chart inputs built from the core's results, in the
chosen language. Pages only draw what these return."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import pandas as pd

from giamngheo.i18n import field, fmt_num, fmt_signed, t  # noqa: F401  (fmt_num re-exported for pages)
from giamngheo.lru import LockedLRU
from giamngheo.model.assess import Verdict
from giamngheo.model.projection import Projection
from giamngheo.plan.kinds import kind_of
from giamngheo.plan.targets import Plan
from giamngheo.report.board import status_label


def target_marks(plan: Plan, verdicts: list[Verdict], indicator: str, group: str, lang: str,
                 scale: float = 1.0, detailed: bool = False) -> list[dict[str, Any]]:
    """The target levels of an indicator as chart points: (year, level, label). ``detailed``: the label
    also names the target (its number and short name, on a first line) and its verdict: "24. Tỷ lệ hộ
    nghèo 2030" / "Mục tiêu 2030: 1,47% · Đúng hướng" (lines split at "\\n"; meeting mode's legend)."""
    out = []
    by_id = {v.target: v for v in verdicts}
    for tg in plan.targets:
        if tg.indicator != indicator or tg.group != group or kind_of(tg).chart != "line":
            continue                # a flow's target is a rule over bars, not a level
        v = by_id[tg.id]            # (verdicts of a Monte Carlo of some paths only: those of its targets)
        if v.target_level is None:
            continue                # a milestone is not drawn
        level = v.target_level * scale
        who = "" if group == "all" else f" ({t(f'group.{group}', lang)})"
        # up to 2 decimals without trailing zeros, % for a rate: "99,8%", never "99,80"
        text = fmt_num(level, lang) + ("%" if indicator.endswith("_rate") else "")
        label = f"{t('chart.target', lang)} {v.year}{who}: {text}"
        if detailed:
            label = f"{tg.number}. {field(tg, 'short', lang)}\n{label} · {status_label(v.status, lang)}"
        out.append({"year": v.year, "value": level, "label": label})
    return out


def year_rows(proj: Projection, items: Sequence[tuple[str, str, str]], lang: str, from_year: int,
              break_year: int | None = None, decimals: int = 2) -> list[dict[str, str]]:
    """Year by year: each series' value and its change on the year before; no change across the break (text
    cells; what a page sends as they are, without a pandas table)."""
    years = sorted({y for ind, g, _ in items if (p := proj.path(ind, g)) for y in p.values if y >= from_year})
    rows = []
    for y in years:
        r: dict[str, Any] = {t("chart.year", lang): str(y)}
        basis = None
        for ind, g, label in items:
            p = proj.path(ind, g)
            v = p.values.get(y) if p else None
            prev = p.values.get(y - 1) if p else None
            crosses = break_year is not None and y == break_year
            r[label] = fmt_num(v, lang, decimals)
            r[f"{label} ± "] = "" if v is None or prev is None or crosses else fmt_signed(v - prev, lang, decimals)
            if p and basis is None:
                basis = p.basis(y)
        r[t("chart.basis", lang)] = t(f"basis.{basis}", lang) if basis else ""
        if break_year is not None:
            r[t("poverty.standard_col", lang)] = t("poverty.std_new" if y >= break_year else "poverty.std_old", lang)
        rows.append(r)
    return rows


def channel_frame(proj: Projection, lang: str, group: str = "all") -> pd.DataFrame:
    """Projected exits by channel and the inflows they face, per year (long, for a bar chart)."""
    return pd.DataFrame(channel_rows(proj, lang, group))


def channel_rows(proj: Projection, lang: str, group: str = "all") -> list[dict[str, Any]]:
    """The rows of :func:`channel_frame` (what the chart takes as they are: no table on the rerun path)."""
    rows = []
    # every exit channel of the model (engine.POVERTY_OUT): they add up to the poor households' exits
    parts = (("poor_exits_pace", "poverty.ch_base"), ("poor_exits_jobs", "poverty.ch_jobs"),
             ("poor_exits_overseas", "poverty.ch_overseas"), ("poor_exits_no_work", "poverty.ch_no_work"))
    inflows = (("poor_new", "poverty.in_new"), ("poor_returning", "poverty.in_returning"), ("poor_shock", "poverty.in_shock"))
    for n, (ind, key) in enumerate(parts + inflows):
        p = proj.path(ind, group)
        if not p:
            continue
        for y, v in sorted(p.values.items()):
            if y in p.actual and ind not in ("poor_new", "poor_returning"):
                continue
            side = t("poverty.side_out", lang) if ind.startswith("poor_exits") else t("poverty.side_in", lang)
            rows.append({"year": y, "flow": t(key, lang), "side": side, "value": v, "label": fmt_num(v, lang, 0),
                         "order": n})
    return rows


def assumption_records(ctx, scenario, lang: str) -> list[dict[str, str]]:
    """Every assumption: its value in the scenario beside what does not move with the sliders (its label,
    default, unit, basis and help: made once per context and language)."""
    vals = ctx.registry.resolve(scenario)
    col_value = t("assumptions.col_value", lang)
    return [{**fixed, col_value: fmt_num(vals[aid], lang)} for aid, fixed in _assumption_fixed(ctx.registry, lang)]


@lru_cache(maxsize=8)
def _assumption_fixed(registry, lang: str) -> tuple[tuple[str, dict[str, str]], ...]:
    """Keyed by the registry (the assumptions), not the context: a cached entry keeps no data version alive."""
    out = []
    for a in registry:
        unit = t(f"unit.{a.unit}", lang) if _has(f"unit.{a.unit}") else a.unit
        out.append((a.id, {t("assumptions.col_id", lang): a.id, t("assumptions.col_label", lang): field(a, "label", lang),
                           t("assumptions.col_value", lang): "",
                           t("assumptions.col_default", lang): fmt_num(a.default, lang),
                           t("assumptions.col_unit", lang): unit,
                           t("assumptions.col_basis", lang): t(f"assumptions.basis_{a.default_basis}", lang),
                           t("assumptions.col_help", lang): field(a, "help", lang)}))
    return tuple(out)


def _has(key: str) -> bool:
    from giamngheo.i18n import catalogue
    return key in catalogue()


# ------------------------------------------------------------------------------ the leader's main chart

MAIN_CHART_COLUMNS = ("role", "role_label", "series", "group", "year", "value", "basis", "basis_label", "segment",
                      "label", "p10", "p25", "p75", "p90")


def main_chart_rows(ctx, scenario, mc, baseline: Projection | None = None, lang: str = "vi",
                    indicator: str = "poor_rate", baseline_label: str | None = None,
                    detailed_targets: bool = False) -> list[dict[str, Any]]:
    """The data of the leader's main chart (:func:`giamngheo.report.charts.main_chart`), one row per
    mark, with ``role``:

    - "scenario": the poor rate of all households and of each named group (Khmer) in the current
      scenario from the plan's first year to the horizon; actual years with ``basis`` "actual", the
      rest "projected" with the 10th/25th/75th/90th percentiles of the Monte Carlo ``mc``;
    - "baseline": the default scenario's projected years (``baseline``: its projection; None = the
      core's cached run of the default scenario), left out when the scenario is the default one;
      with ``baseline_label`` (the adopted path: ``giamngheo.monitor.path_projection``) ``baseline``
      is drawn under that name whatever the scenario;
    - "target": the targets on this indicator (year, level, label; ``detailed_targets``: the label names
      the target and its verdict, :func:`target_marks`).

    ``segment`` is "old" before ``ctx.plan.standard.break_year`` and "new" from it on."""
    from giamngheo.report.charts import path_rows
    from giamngheo.scenario.scenario import Scenario
    plan = ctx.plan
    brk = plan.standard.break_year if plan.standard else None
    groups = ["all"] + list(ctx.groups)
    items = [(indicator, g, t(f"group.{g}", lang)) for g in groups]
    group_of = {label: g for _, g, label in items}
    blank = dict.fromkeys(MAIN_CHART_COLUMNS)
    cur = path_rows(mc.projection, items, lang, break_year=brk, from_year=plan.period[0], bands=True)
    if not cur:
        return []
    out = [{**blank, **r, "role": "scenario", "role_label": t("chart.current", lang), "group": group_of[r["series"]]}
           for r in cur]
    if baseline is not None and baseline_label:
        out += [{**blank, **r, "role": "baseline", "role_label": baseline_label, "group": group_of[r["series"]]}
                for r in path_rows(baseline, items, lang, break_year=brk, from_year=plan.period[0])
                if r["basis"] == "projected"]
    elif tuple(scenario.values) != ():
        if baseline is None:
            from giamngheo.model.engine import run
            baseline = run(ctx, Scenario())[0]
        label = t("chart.baseline", lang)
        out += [{**blank, **r, "role": "baseline", "role_label": label, "group": group_of[r["series"]]}
                for r in _baseline_rows(baseline, tuple(items), lang, brk, plan.period[0])]
    label = t("chart.target", lang)
    out += [{**blank, "role": "target", "role_label": label, "series": "", "group": g, "year": m["year"],
             "value": m["value"], "label": m["label"], "basis": "", "basis_label": "",
             "segment": "new" if brk is not None and m["year"] >= brk else "old"}
            for g in groups for m in target_marks(plan, mc.verdicts, indicator, g, lang, detailed=detailed_targets)]
    return out


# The default scenario's rows of the main chart are the same on every move away from it (the core's cached
# projection, the same object): kept by that projection (held while kept), the series, language and years.
_BASELINE_ROWS = LockedLRU(32)


def _baseline_rows(baseline: Projection, items: tuple, lang: str, brk: int | None, from_year: int) -> list[dict]:
    from giamngheo.report.charts import path_rows
    key = (id(baseline), items, lang, brk, from_year)
    got = _BASELINE_ROWS.get(key, None)
    if got is not None and got[0] is baseline:
        return got[1]
    rows = [r for r in path_rows(baseline, items, lang, break_year=brk, from_year=from_year) if r["basis"] == "projected"]
    _BASELINE_ROWS.put(key, (baseline, rows), replace=True)
    return rows


def main_chart_frame(ctx, scenario, mc, baseline: Projection | None = None, lang: str = "vi",
                     indicator: str = "poor_rate") -> pd.DataFrame:
    """:func:`main_chart_rows` as a table (the CSV download, the tests)."""
    return pd.DataFrame(main_chart_rows(ctx, scenario, mc, baseline, lang, indicator), columns=list(MAIN_CHART_COLUMNS))
