"""Altair chart builders: data in, chart spec out (no Streamlit).

Numbers in axes follow the language (Vietnamese 1.234,5) through a Vega label expression; tooltips
show pre-formatted text. Actual years are solid, projected years dashed; a vertical rule marks the
poverty-standard break and no line is drawn across it.
"""
from __future__ import annotations

from typing import Any, Sequence

import altair as alt
import pandas as pd

from giamngheo.i18n import fmt_num, t
from giamngheo.model.projection import Projection


PALETTE = ["#1f4e79", "#e67e22", "#2e9d5b", "#8e44ad", "#7f8c8d", "#c0392b"]


def break_layers(df: pd.DataFrame, break_year: int | None, lang: str) -> list[alt.Chart]:
    """The poverty-standard break: a dotted rule and its label, when the chart's years cross it."""
    if break_year is None or break_year not in set(df["year"]):
        return []
    bdf = pd.DataFrame({"year": [break_year], "text": [t("chart.break", lang)]})
    return [alt.Chart(bdf).mark_rule(strokeDash=[2, 2], color="#555", strokeWidth=2).encode(x="year:O"),
            alt.Chart(bdf).mark_text(align="left", dx=4, dy=-4, color="#555", baseline="top", y=0).encode(
                x="year:O", text="text:N")]


def target_rule(value: float, label: str) -> list[alt.Chart]:
    """A horizontal dashed red rule at a yearly target, with its label."""
    rdf = pd.DataFrame({"v": [value], "text": [label]})
    return [alt.Chart(rdf).mark_rule(color="#c0392b", strokeDash=[6, 3], strokeWidth=2).encode(y="v:Q"),
            alt.Chart(rdf).mark_text(align="left", dx=4, dy=-8, color="#c0392b", fontWeight="bold", x=0)
            .encode(y="v:Q", text="text:N")]


def finish(layers: list[alt.Chart], height: int) -> alt.LayerChart:
    """Layers into one chart with the app's axis and legend type sizes (readable on a projector)."""
    return alt.layer(*layers).properties(height=height).configure_axis(labelFontSize=13, titleFontSize=13) \
        .configure_legend(labelFontSize=13)


def label_expr(fmt: str, lang: str, suffix: str = "") -> str:
    """A Vega expression formatting ``datum.value`` in the language's number format."""
    base = f"format(datum.value, '{fmt}')"
    if lang == "vi":
        base = (f"replace(replace(replace({base}, regexp(',', 'g'), '_'), regexp('\\\\.', 'g'), ','),"
                f" regexp('_', 'g'), '.')")
    return base + (f" + '{suffix}'" if suffix else "")


def path_frame(proj: Projection, items: Sequence[tuple[str, str, str]], lang: str, break_year: int | None = None,
               from_year: int | None = None, bands: bool = False) -> pd.DataFrame:
    """Rows for line charts: one per (series, year) with basis and segment; the last actual point is
    repeated in the projected segment so the dashed line starts where the solid one ends."""
    rows: list[dict[str, Any]] = []
    for ind, group, label in items:
        p = proj.path(ind, group)
        if p is None:
            continue
        years = sorted(y for y in p.values if from_year is None or y >= from_year)
        last_actual = max((y for y in years if y in p.actual), default=None)
        for y in years:
            seg = "new" if break_year is not None and y >= break_year else "old"
            basis = "actual" if y in p.actual else "projected"
            r = {"series": label, "year": y, "value": p.values[y], "basis": basis, "segment": seg,
                 "label": fmt_num(p.values[y], lang, 2), "basis_label": t(f"basis.{basis}", lang)}
            if bands:
                d = p.draws.get(y)
                for q in (10, 25, 75, 90):
                    r[f"p{q}"] = float(pd.Series(d).quantile(q / 100)) if d is not None else None
            rows.append(r)
            if y == last_actual and any(yy > y for yy in years) and (
                    break_year is None or (y + 1 >= break_year) == (y >= break_year)):
                rows.append({**r, "basis": "projected", "basis_label": t("basis.projected", lang)})
    return pd.DataFrame(rows)


def line_chart(df: pd.DataFrame, y_title: str, lang: str, *, targets: Sequence[dict[str, Any]] = (),
               break_year: int | None = None, percent: bool = True, height: int = 320,
               y_format: str = ",.1f", zero: bool = True) -> alt.Chart:
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_point()
    suffix = "%" if percent else ""
    x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
    order = list(dict.fromkeys(df["series"]))
    color = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom") if len(order) > 1 else None,
                      scale=alt.Scale(domain=order, range=PALETTE[:len(order)]), sort=order)
    base = alt.Chart(df)
    layers: list[alt.Chart] = []
    band_layers: list[alt.Chart] = []   # drawn after the line: the first layer's legend is the one shown
    if "p10" in df.columns and df["p10"].notna().any():
        # the projected rows; the fan opens at the last actual point (no draws there: the value itself)
        band = df[df["basis"] == "projected"].copy()
        for q in ("p10", "p25", "p75", "p90"):
            band[q] = band[q].astype(float).fillna(band["value"])
        # the fill channel (not color) so the bands add no swatches to the series legend
        band["band_series"] = band["series"]
        band_fill = alt.Fill("band_series:N", legend=None,
                             scale=alt.Scale(domain=order, range=PALETTE[:len(order)]))
        band_layers.append(alt.Chart(band).mark_area(opacity=0.15).encode(x=x, y="p10:Q", y2="p90:Q",
                                                                          fill=band_fill, detail="segment:N"))
        band_layers.append(alt.Chart(band).mark_area(opacity=0.25).encode(x=x, y="p25:Q", y2="p75:Q",
                                                                          fill=band_fill, detail="segment:N"))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(labelExpr=label_expr(y_format, lang, suffix), tickCount=5),
              scale=alt.Scale(zero=bool(zero)))
    layers.append(base.mark_point(filled=True, size=40).encode(x=x, y=y, color=color))
    layers.append(base.mark_line(strokeWidth=3).encode(
        x=x, y=y, color=color,
        strokeDash=alt.StrokeDash("basis_label:N", title=None,
                                  scale=alt.Scale(domain=[t("basis.actual", lang), t("basis.projected", lang)],
                                                  range=[[1, 0], [6, 4]]),
                                  legend=alt.Legend(orient="top", symbolType="stroke", symbolStrokeColor="#444",
                                                   symbolStrokeWidth=2.5, symbolSize=400)),
        detail=alt.Detail(["segment:N", "basis:N"]),
        tooltip=[alt.Tooltip("series:N", title=t("chart.series", lang)), alt.Tooltip("year:O", title=t("chart.year", lang)),
                 alt.Tooltip("label:N", title=y_title), alt.Tooltip("basis_label:N", title=t("chart.basis", lang))]))
    layers.extend(band_layers)
    if targets:
        tdf = pd.DataFrame(targets)
        tdf["text"] = tdf["label"]
        layers.append(alt.Chart(tdf).mark_point(shape="diamond", size=220, filled=True, color="#c0392b").encode(
            x="year:O", y="value:Q", tooltip=[alt.Tooltip("text:N", title=t("chart.target", lang))]))
        layers.append(alt.Chart(tdf).mark_text(dx=10, dy=-12, align="left", color="#c0392b", fontWeight="bold").encode(
            x="year:O", y="value:Q", text="text:N"))
    layers += break_layers(df, break_year, lang)
    return finish(layers, height)


def bar_chart(df: pd.DataFrame, x: str, y: str, color: str, y_title: str, lang: str, *, stack: bool = True,
              rule: float | None = None, rule_label: str = "", height: int = 300, y_format: str = ",.0f") -> alt.Chart:
    if color == "basis_label":   # actual dark, projected light
        scale = alt.Scale(domain=[t("basis.actual", lang), t("basis.projected", lang)], range=["#1f4e79", "#9ec5e8"])
    else:
        order = list(dict.fromkeys(df[color])) if color in df.columns else []
        scale = alt.Scale(domain=order, range=PALETTE[:len(order)]) if order else alt.Undefined
    enc_color = alt.Color(f"{color}:N", title=None, legend=alt.Legend(orient="bottom"), scale=scale)
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X(f"{x}:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, stack=stack or None, axis=alt.Axis(labelExpr=label_expr(y_format, lang))),
        color=enc_color, xOffset=alt.XOffset(f"{color}:N") if not stack else alt.Undefined,
        tooltip=[alt.Tooltip(f"{color}:N"), alt.Tooltip(f"{x}:O", title=t("chart.year", lang)),
                 alt.Tooltip("label:N", title=y_title)] if "label" in df.columns else alt.Undefined)
    layers = [chart]
    if rule is not None:
        layers += target_rule(rule, rule_label)
    return finish(layers, height)


def flow_balance_chart(df: pd.DataFrame, y_title: str, lang: str, height: int = 300) -> alt.Chart:
    """Per year, two stacked bars side by side: households leaving poverty (by channel) and entering it."""
    order = list(dict.fromkeys(df["flow"]))
    colors = ["#2e9d5b", "#1f4e79", "#5dade2", "#e67e22", "#c0392b", "#7d1f16"]
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("side:N"),
        y=alt.Y("value:Q", title=y_title, stack=True, axis=alt.Axis(labelExpr=label_expr(",.0f", lang))),
        color=alt.Color("flow:N", title=None, scale=alt.Scale(domain=order, range=colors[:len(order)]),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("side:N", title=" "), alt.Tooltip("flow:N", title=" "),
                 alt.Tooltip("year:O", title=t("chart.year", lang)), alt.Tooltip("label:N", title=y_title)],
    ).properties(height=height).configure_axis(labelFontSize=13, titleFontSize=13).configure_legend(labelFontSize=13)


# ------------------------------------------------------- issue 4: fan bars, gap waterfall, tornado

def bar_fan_chart(df: pd.DataFrame, y_title: str, lang: str, *, rule: float | None = None, rule_label: str = "",
                  height: int = 300, y_format: str = ",.0f") -> alt.Chart:
    """Bars a year (actual and projected) with whiskers on the projected ones: 10–90 thin, 25–75 thick.

    ``df`` is a :func:`path_frame` of one series with ``bands=True`` (one row a year)."""
    x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
    order = [t("basis.actual", lang), t("basis.projected", lang)]
    layers: list[alt.Chart] = [alt.Chart(df).mark_bar().encode(
        x=x, y=alt.Y("value:Q", title=y_title, axis=alt.Axis(labelExpr=label_expr(y_format, lang))),
        color=alt.Color("basis_label:N", title=None, scale=alt.Scale(domain=order, range=[PALETTE[0], "#8fb3d9"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title=t("chart.year", lang)), alt.Tooltip("label:N", title=y_title),
                 alt.Tooltip("basis_label:N", title=t("chart.basis", lang))])]
    if "p10" in df.columns and df["p10"].notna().any():
        band = df[df["p10"].notna()]
        layers.append(alt.Chart(band).mark_rule(color="#333", strokeWidth=1.5).encode(x=x, y="p10:Q", y2="p90:Q"))
        layers.append(alt.Chart(band).mark_rule(color="#333", strokeWidth=5).encode(x=x, y="p25:Q", y2="p75:Q"))
    if rule is not None:
        layers += target_rule(rule, rule_label)
    return finish(layers, height)


def gap_chart(df: pd.DataFrame, y_title: str, lang: str, *, threshold: float, threshold_label: str,
              height: int = 320) -> alt.Chart:
    """A waterfall: the tested quantity with no lever, what each lever takes off, the scenario.

    ``df``: step (" / " breaks the axis label into lines), order, start, end, kind (total | down | up |
    scenario), label."""
    colors = {"total": "#7f8c8d", "down": "#2e9d5b", "up": "#c0392b", "scenario": PALETTE[0]}
    steps = list(df.sort_values("order")["step"])
    x = alt.X("step:N", title=None, sort=steps,
              axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' / ')", labelFontSize=13))
    bars = alt.Chart(df).mark_bar(size=46).encode(
        x=x, y=alt.Y("start:Q", title=y_title, axis=alt.Axis(labelExpr=label_expr(",.0f", lang, "%"))),
        y2="end:Q", color=alt.Color("kind:N", scale=alt.Scale(domain=list(colors), range=list(colors.values())),
                                    legend=None),
        tooltip=[alt.Tooltip("step:N", title=" "), alt.Tooltip("label:N", title=y_title)])
    df = df.assign(top=df[["start", "end"]].max(axis=1))
    text = alt.Chart(df).mark_text(dy=-8, fontWeight="bold", fontSize=13).encode(x=x, y="top:Q", text="label:N")
    rdf = pd.DataFrame({"v": [threshold], "text": [threshold_label]})
    rule = alt.Chart(rdf).mark_rule(color="#c0392b", strokeDash=[6, 3], strokeWidth=2).encode(y="v:Q")
    rtext = alt.Chart(rdf).mark_text(align="right", dy=-8, color="#c0392b", fontWeight="bold", x="width") \
        .encode(y="v:Q", text="text:N")
    return alt.layer(bars, text, rule, rtext).properties(height=height) \
        .configure_axis(labelFontSize=13, titleFontSize=13)


def tornado_chart(df: pd.DataFrame, x_title: str, lang: str, *, base: float, height: int | None = None) -> alt.Chart:
    """Horizontal bars from the scenario's outcome to the outcome with one assumption at each end of
    its range, the two ends side by side in each row. ``df``: assumption, rank, end (label), value,
    range (text), label (text)."""
    order = list(df.sort_values("rank")["assumption"].drop_duplicates())
    ends = list(dict.fromkeys(df["end"]))
    y = alt.Y("assumption:N", title=None, sort=order,
              axis=alt.Axis(labelLimit=340, labelOverlap=False, labelFontSize=13))
    bars = alt.Chart(df.assign(base=base)).mark_bar(opacity=0.95).encode(
        y=y, yOffset=alt.YOffset("end:N", sort=ends),
        x=alt.X("base:Q", title=x_title, axis=alt.Axis(labelExpr=label_expr(",.2f", lang, "%")),
                scale=alt.Scale(zero=False)),
        x2="value:Q", color=alt.Color("end:N", title=None, sort=ends,
                                      scale=alt.Scale(domain=ends, range=["#5dade2", "#e67e22"]),
                                      legend=alt.Legend(orient="bottom", labelLimit=0)),
        tooltip=[alt.Tooltip("assumption:N", title=" "), alt.Tooltip("end:N", title=" "),
                 alt.Tooltip("range:N", title=" "), alt.Tooltip("label:N", title=x_title)])
    rule = alt.Chart(pd.DataFrame({"v": [base]})).mark_rule(color="#222", strokeWidth=2).encode(x="v:Q")
    h = height or max(160, 34 * len(order))
    return finish([bars, rule], h)


# ------------------------------------------------------------------ comparing scenarios (issue 5)

def compare_frame(runs: Sequence[tuple[str, Projection]], indicator: str, group: str, lang: str, *,
                  from_year: int | None = None, break_year: int | None = None) -> pd.DataFrame:
    """One indicator under several scenarios: the actual years once (series = "actual"), then each
    scenario's projected years, starting from the last actual point (not across a standard break)."""
    rows: list[dict[str, Any]] = []
    actual_label = t("compare.actual", lang)
    for i, (label, proj) in enumerate(runs):
        p = proj.path(indicator, group)
        if p is None:
            continue
        years = sorted(y for y in p.values if from_year is None or y >= from_year)
        last_actual = max((y for y in years if y in p.actual), default=None)

        def row(series: str, y: int, basis: str) -> dict[str, Any]:
            return {"series": series, "year": y, "value": p.values[y], "basis": basis,
                    "segment": "new" if break_year is not None and y >= break_year else "old",
                    "label": fmt_num(p.values[y], lang, 2), "basis_label": t(f"basis.{basis}", lang)}
        if i == 0:
            rows += [row(actual_label, y, "actual") for y in years if y in p.actual]
        joins = last_actual is not None and (break_year is None or (last_actual + 1 >= break_year) == (last_actual >= break_year))
        rows += [row(label, y, "projected") for y in years
                 if y not in p.actual or (joins and y == last_actual)]
    return pd.DataFrame(rows)


def compare_chart(df: pd.DataFrame, y_title: str, lang: str, *, break_year: int | None = None, percent: bool = True,
                  height: int = 320, y_format: str = ",.1f") -> alt.Chart:
    """Overlaid scenario paths: the actual years solid and dark, each scenario dashed in its colour."""
    if df.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_point()
    actual_label = t("compare.actual", lang)
    order = list(dict.fromkeys(df["series"]))
    colors = ["#333333" if s == actual_label else PALETTE[(i - (actual_label in order)) % len(PALETTE)]
              for i, s in enumerate(order)]
    x = alt.X("year:O", title=t("chart.year", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False),
              axis=alt.Axis(labelExpr=label_expr(y_format, lang, "%" if percent else "")))
    color = alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colors),
                      legend=alt.Legend(orient="bottom", columns=3, labelLimit=260))
    lines = alt.Chart(df).mark_line(point=True, strokeWidth=3).encode(
        x=x, y=y, color=color,
        strokeDash=alt.condition(alt.datum.basis == "actual", alt.value([1, 0]), alt.value([6, 4])),
        detail=alt.Detail(["segment:N", "series:N"]),
        tooltip=[alt.Tooltip("series:N", title=t("chart.series", lang)), alt.Tooltip("year:O", title=t("chart.year", lang)),
                 alt.Tooltip("label:N", title=y_title), alt.Tooltip("basis_label:N", title=t("chart.basis", lang))])
    layers: list[alt.Chart] = [lines]
    layers += break_layers(df, break_year, lang)
    return finish(layers, height)
