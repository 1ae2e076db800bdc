"""The communes' ranking chart: horizontal bars, largest first, with the target as a rule. A cached
template plus its data (``giamngheo.report.charts``): no Altair object is built on a rerun. Lives in
the report layer so that reading and checking data never imports Altair."""
from __future__ import annotations

import altair as alt
import pandas as pd

from giamngheo.report.charts import PALETTE, columns, label_expr, records, template, with_data


def ranking_chart(df: pd.DataFrame, value: str, x_title: str, lang: str, *, rule: float | None = None,
                  rule_label: str = "", percent: bool = True, height: int | None = None) -> dict:
    """Horizontal bars, largest first; ``df`` has ``unit``, ``value``, ``label`` (text) and ``above``
    (bool: worse than the target). A rule marks the target."""
    d = df.sort_values(value, ascending=False, kind="stable")
    rows = [{"unit": r["unit"], value: r[value], "label": r["label"], "flag": "above" if r["above"] else "below",
             "order": i} for i, r in enumerate(records(d[["unit", value, "label", "above"]]))]
    h = height or max(180, 28 * len(rows))
    key = ("ranking", value, x_title, percent, rule is not None, h)

    def build() -> alt.TopLevelMixin:
        bars = alt.Chart(alt.Data(name="main")).mark_bar().encode(
            y=alt.Y("unit:N", sort=alt.EncodingSortField(field="order", op="min", order="ascending"), title=None,
                    axis=alt.Axis(labelLimit=240, labelFontSize=13)),
            x=alt.X(f"{value}:Q", title=x_title,
                    axis=alt.Axis(labelExpr=label_expr(",.2f" if percent else ",.0f", lang, "%" if percent else ""))),
            color=alt.Color("flag:N", legend=None, scale=alt.Scale(domain=["above", "below"],
                                                                   range=["#c0392b", PALETTE[0]])),
            tooltip=[alt.Tooltip("unit:N", title=" "), alt.Tooltip("label:N", title=x_title)])
        text = bars.mark_text(align="left", dx=4, fontSize=12, color="#333").encode(text="label:N",
                                                                                     color=alt.value("#333"))
        layers = [bars, text]
        if rule is not None:
            r = alt.Data(name="rule")
            layers.append(alt.Chart(r).mark_rule(color="#222", strokeDash=[6, 3], strokeWidth=2).encode(x="v:Q"))
            layers.append(alt.Chart(r).mark_text(align="left", dx=4, dy=-6, fontSize=12, color="#222")
                          .encode(x="v:Q", y=alt.value(0), text="t:N"))
        # the height is the plot's (28 px a bar): every bar keeps room for its name
        return alt.layer(*layers).properties(height=h, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")) \
            .configure_axis(labelFontSize=13, titleFontSize=13)
    data = {"main": columns(rows, ["unit", value, "label", "flag", "order"])}
    if rule is not None:
        data["rule"] = {"v": [float(rule)], "t": [rule_label]}
    return with_data(template(key, build, lang), **data)
