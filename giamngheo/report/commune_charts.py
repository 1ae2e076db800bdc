"""The communes' ranking chart (Altair): horizontal bars, largest first, with the target as a rule.
Lives in the report layer so that reading and checking data never imports Altair."""
from __future__ import annotations

import altair as alt
import pandas as pd

from giamngheo.report.charts import PALETTE, label_expr


def ranking_chart(df: pd.DataFrame, value: str, x_title: str, lang: str, *, rule: float | None = None,
                  rule_label: str = "", percent: bool = True, height: int | None = None):
    """Horizontal bars, largest first; ``df`` has ``unit``, ``value``, ``label`` (text) and ``above``
    (bool: worse than the target). A rule marks the target."""
    order = list(df.sort_values(value, ascending=False, kind="stable")["unit"])
    d = df.assign(flag=df["above"].map({True: "above", False: "below"}))
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("unit:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=13)),
        x=alt.X(f"{value}:Q", title=x_title,
                axis=alt.Axis(labelExpr=label_expr(",.2f" if percent else ",.0f", lang, "%" if percent else ""))),
        color=alt.Color("flag:N", legend=None, scale=alt.Scale(domain=["above", "below"], range=["#c0392b", PALETTE[0]])),
        tooltip=[alt.Tooltip("unit:N", title=" "), alt.Tooltip("label:N", title=x_title)])
    text = bars.mark_text(align="left", dx=4, fontSize=12, color="#333").encode(text="label:N", color=alt.value("#333"))
    layers = [bars, text]
    if rule is not None:
        r = pd.DataFrame({"v": [rule], "t": [rule_label]})
        layers.append(alt.Chart(r).mark_rule(color="#222", strokeDash=[6, 3], strokeWidth=2).encode(x="v:Q"))
        layers.append(alt.Chart(r).mark_text(align="left", dx=4, dy=-6, fontSize=12, color="#222")
                      .encode(x="v:Q", y=alt.value(0), text="t:N"))
    return alt.layer(*layers).properties(height=height or max(180, 28 * len(order))) \
        .configure_axis(labelFontSize=13, titleFontSize=13)
