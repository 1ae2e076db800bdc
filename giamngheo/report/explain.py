"""The poverty model's arithmetic for the first projected year, line by line, for the method page."""
from __future__ import annotations

import pandas as pd

from giamngheo.i18n import fmt_num, t
from giamngheo.model.poverty import run_poverty


def first_year_arithmetic(ctx, scenario, lang: str) -> tuple[int | None, pd.DataFrame]:
    """(year, table): one column per group, one row per step of the stock–flow for that year."""
    from giamngheo.model.engine import poverty_inputs   # late import: engine imports the model

    inp = poverty_inputs(ctx)
    if inp is None:
        return None, pd.DataFrame()
    vals = ctx.registry.resolve(scenario)
    res = run_poverty(inp, vals)
    year = res.years[0]
    f = lambda x, d=0: fmt_num(float(x), lang, d)  # noqa: E731
    pct = lambda k: fmt_num(vals.get(k, 0.0), lang)  # noqa: E731
    cols: dict[str, list[str]] = {}
    for g, flows in res.flows.items():
        v = {k: flows[k][0] for k in flows}
        cols[t(f"group.{g}", lang)] = [
            f(v["start"]),
            f"{f(v['new'])} + {f(v['returning'])} + {f(v['shock'])}",
            f(v["target"]),
            f"{f(v['start'])} + {f(v['new'] + v['returning'])} − {f(v['target'])} = {f(v['e0'])}",
            f"{f(v['jobs_g'])} × {pct('job_reach_poor')}% × {pct('job_lift')}% = {f(v['c_jobs'], 1)}",
            f"{f(v['overseas_g'])} × {pct('overseas_reach_poor')}% × {pct('overseas_lift')}% = {f(v['c_overseas'], 1)}",
            f"{f(v['cap'])}",
            f"{f(v['e0'])} − {f(v['c_ref'], 1)} + {f(min(v['c_jobs'] + v['c_overseas'], v['cap']), 1)} → "
            f"{f(v['exits'])} (≤ {f(v['e_max'])})",
            f"{f(v['start'])} + {f(v['new'] + v['returning'] + v['shock'])} − {f(v['exits'])} = "
            f"{f(res.stocks[g]['P'][0])}",
        ]
    rows = [t(f"explain.row_{k}", lang) for k in ("start", "inflows", "target", "e0", "jobs", "overseas", "cap",
                                                  "exits", "end")]
    return year, pd.DataFrame({t("explain.step", lang): rows, **cols})
