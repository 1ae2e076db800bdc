"""Altair chart builders: data in, chart spec out (no Streamlit).

Numbers in axes follow the language (Vietnamese 1.234,5) through a Vega label expression; tooltips
show pre-formatted text. Actual years are solid, projected years dashed; a vertical rule marks the
poverty-standard break and no line is drawn across it.
"""
from __future__ import annotations

from typing import Any, Sequence

import altair as alt
import pandas as pd

from .i18n import fmt_num, t
from .model.projection import Projection


PALETTE = ["#1f4e79", "#e67e22", "#2e9d5b", "#8e44ad", "#7f8c8d", "#c0392b"]


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
    if "p10" in df.columns and df["p10"].notna().any():
        band = df[df["p10"].notna() & (df["basis"] == "projected")]
        layers.append(alt.Chart(band).mark_area(opacity=0.15).encode(x=x, y="p10:Q", y2="p90:Q", color=color,
                                                                     detail="segment:N"))
        layers.append(alt.Chart(band).mark_area(opacity=0.25).encode(x=x, y="p25:Q", y2="p75:Q", color=color,
                                                                     detail="segment:N"))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(labelExpr=label_expr(y_format, lang, suffix), tickCount=5),
              scale=alt.Scale(zero=bool(zero)))
    layers.append(base.mark_line(point=True, strokeWidth=3).encode(
        x=x, y=y, color=color,
        strokeDash=alt.StrokeDash("basis_label:N", title=None,
                                  scale=alt.Scale(domain=[t("basis.actual", lang), t("basis.projected", lang)],
                                                  range=[[1, 0], [6, 4]]),
                                  legend=alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeColor="#444",
                                                   symbolStrokeWidth=2.5, symbolSize=400)),
        detail=alt.Detail(["segment:N", "basis:N"]),
        tooltip=[alt.Tooltip("series:N", title=t("chart.series", lang)), alt.Tooltip("year:O", title=t("chart.year", lang)),
                 alt.Tooltip("label:N", title=y_title), alt.Tooltip("basis_label:N", title=t("chart.basis", lang))]))
    if targets:
        tdf = pd.DataFrame(targets)
        tdf["text"] = tdf["label"]
        layers.append(alt.Chart(tdf).mark_point(shape="diamond", size=220, filled=True, color="#c0392b").encode(
            x="year:O", y="value:Q", tooltip=[alt.Tooltip("text:N", title=t("chart.target", lang))]))
        layers.append(alt.Chart(tdf).mark_text(dx=10, dy=-12, align="left", color="#c0392b", fontWeight="bold").encode(
            x="year:O", y="value:Q", text="text:N"))
    if break_year is not None and break_year in set(df["year"]):
        bdf = pd.DataFrame({"year": [break_year], "text": [t("chart.break", lang)]})
        layers.append(alt.Chart(bdf).mark_rule(strokeDash=[2, 2], color="#555", strokeWidth=2).encode(x="year:O"))
        layers.append(alt.Chart(bdf).mark_text(align="left", dx=4, dy=-4, color="#555", baseline="top", y=0).encode(
            x="year:O", text="text:N"))
    return alt.layer(*layers).properties(height=height).configure_axis(labelFontSize=13, titleFontSize=13) \
        .configure_legend(labelFontSize=13)


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
        rdf = pd.DataFrame({"v": [rule], "text": [rule_label]})
        layers.append(alt.Chart(rdf).mark_rule(color="#c0392b", strokeDash=[6, 3], strokeWidth=2).encode(y="v:Q"))
        layers.append(alt.Chart(rdf).mark_text(align="left", dx=4, dy=-8, color="#c0392b", fontWeight="bold", x=0)
                      .encode(y="v:Q", text="text:N"))
    return alt.layer(*layers).properties(height=height).configure_axis(labelFontSize=13, titleFontSize=13) \
        .configure_legend(labelFontSize=13)


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
