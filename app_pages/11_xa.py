"""Xã, thị trấn: the communes ranked by poor rate and by their distance to the whole area's level (the plan
sets no target per commune), with each one's share of the area's poor households, charted; the area's totals
recomputed from the communes beside its own figures; the 17 units before 1 July 2025 and the 6 communes they
became."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from giamngheo.data import communes as cm
from giamngheo.i18n import field, fmt_num, fmt_pct, fmt_signed
from giamngheo.report.commune_charts import ranking_chart
from giamngheo.ui import headings, tables
from giamngheo.ui.binding import arrow_table, number_field
from giamngheo.ui.chart import ref, show_chart
from giamngheo.ui.memo import per_context
from giamngheo.ui.session import context, data_frame, lang, tr

ctx = context()
L = lang()
C = cm.load_communes()
df = data_frame()

headings.title(tr("xa.title"))
st.caption(tr("xa.caption"))

# Nothing on this page depends on the levers: what it works out from the data, the year, the target and the
# ranking asked for is kept per data version (memo.per_context; the commune file and the frame in use are part
# of every key), and its tables are kept in Arrow (a lever move neither rebuilds nor converts them).
DATA = (ref(df), ref(C))


def n0(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_num(x, L, 0)


def p2(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt_pct(x, L)


def _head():
    # a commune group the registry does not know (saved before groups were checked) is named, never dropped silently
    stray = [g for g in cm.unknown_groups(df, C, cm.plan_groups(ctx.plan)) if cm.is_commune_group(g)]
    return stray, cm.years_with_data(df)


stray, years = per_context("xa:head", ctx, DATA, _head)
if stray:
    shown = ", ".join("`" + g.replace("`", "'")[:80] + "`" for g in stray[:20]) + (" …" if len(stray) > 20 else "")
    st.warning(tr("xa.unknown_groups", n=len(stray), groups=shown))

reference = not years
if reference:
    st.info(tr("xa.no_data"))
    year = C.reference_year or ctx.as_of      # the year of communes.csv's reference rates
else:
    year = st.selectbox(tr("xa.year"), years[::-1], key="xa_year")


def _year():
    if reference:
        table = cm.reference_table(C).assign(households=math.nan, poor=math.nan, near_poor_rate=math.nan,
                                             poor_rate_khmer=math.nan, status="reference")
        era = cm.OLD
    else:
        table = cm.commune_table(df, C, int(year))
        era = cm.NEW if table["group"].iloc[0].startswith(cm.NEW + ":") else cm.OLD
    series = ctx.obs.series("poor_rate", "all")
    tgt = cm.target_rate(ctx.plan, series, int(year))
    default = round(tgt[0], 2) if tgt else round(float(series.get(int(year), 0.0)), 2)
    return table, era, len(C.units(era)), int(table["poor_rate"].notna().sum()), series, tgt, default


table, era, n_units, have, series, tgt, default = per_context("xa:year", ctx, (DATA, reference, year), _year)

# ------------------------------------------------------------------------------------------ the target
c1, c2 = st.columns([1, 2])
target = number_field(c1, tr("xa.target"), key=f"xa_target_{year}", value=float(default), lo=0.0, hi=100.0,
                      lang=lang())
if tgt:
    tg = ctx.plan.target(tgt[1])
    base = ctx.plan.resolved_base_year(tg)
    c2.caption(tr("xa.target_how", n=tg.number, base=base, rate=fmt_pct(series[base], L),
                  fall=fmt_num(tg.value, L), year=min(int(year), tg.target_year), value=fmt_pct(tgt[0], L)))
else:
    c2.caption(tr("xa.target_none"))

# ------------------------------------------------------------------------------------------ ranking
rank_by = st.radio(tr("xa.rank_by"), ("rate", "need"), horizontal=True, key="xa_rank_by",
                   format_func=lambda k: tr(f"xa.rank_{k}"), disabled=reference)
by_need = rank_by == "need" and not reference


def _ranking():
    ranked = cm.rank(table, target)
    # each unit's share of the area's poor households: real counts only (a review by commune), with its year and source
    shares = None if reference else cm.poor_shares(table, df, int(year))
    if len(ranked):
        ranked["need"] = cm.households_to_target(ranked, target)
        ranked["share"] = ranked["slug"].map(dict(zip(table["slug"], shares.shares))) if shares else math.nan
    if by_need:
        ranked = ranked.sort_values(["need", "poor_rate"], ascending=[False, False], kind="stable").reset_index(drop=True)
        ranked["rank"] = range(1, len(ranked) + 1)
    above = int((ranked["gap"] > 0).sum()) if len(ranked) else 0
    top = ranked.sort_values("poor_rate", ascending=False).iloc[0] if len(ranked) else None
    top = None if top is None else (p2(top["poor_rate"]), top["unit"])
    if not len(ranked):
        return ranked, above, top, None, None, None
    mark = lambda s: "◇ " + tr("xa.status_reference") if s == "reference" else (
        tr(f"quality.{s}") if s in ("official", "review") else ("◇ " + tr(f"quality.{s}") if s else ""))
    shown = pd.DataFrame({
        tr("xa.col_rank"): ranked["rank"].astype(str),
        tr("xa.col_unit"): ranked["unit"],
        tr("xa.col_rate"): ranked["poor_rate"].map(p2),
        tr("xa.col_gap"): ranked["gap"].map(lambda g: fmt_signed(g, L)),
        tr("xa.col_need"): ranked["need"].map(n0),
        tr("xa.col_households"): ranked["households"].map(n0),
        tr("xa.col_poor"): ranked["poor"].map(n0),
        tr("xa.col_share"): ranked["share"].map(lambda x: "–" if x is None or math.isnan(x) else fmt_pct(x, L)),
        tr("xa.col_near_rate"): ranked["near_poor_rate"].map(p2),
        tr("xa.col_khmer_rate"): ranked["poor_rate_khmer"].map(p2),
        tr("xa.col_new"): ranked["merged_into"] if era == cm.OLD else "",
        tr("xa.col_status"): ranked["status"].map(mark),
    })
    if era == cm.NEW:
        shown = shown.drop(columns=[tr("xa.col_new")])
    if reference:
        shown = shown.drop(columns=[tr("xa.col_need"), tr("xa.col_households"), tr("xa.col_poor"),
                                    tr("xa.col_share"), tr("xa.col_near_rate"), tr("xa.col_khmer_rate")])
    if reference:
        note = tr("xa.reference_note", n=have, total=n_units) + " " + tr("xa.share_none_reference")
    elif shares:
        note = tr(f"xa.share_{shares.basis}", total=n0(shares.total), year=shares.year, n=n_units,
                  sources=", ".join(shares.sources) or "–")
    else:
        note = tr("xa.share_none", year=year)
    return ranked, above, top, arrow_table(shown), list(shown.columns), note


# the comparison level is typed by each user: kept apart from the data's own results (moves=True), so that the
# levels people try never push the data's tables and backtests out of the memo
ranked, above, top, shown, shown_columns, note = per_context(
    "xa:ranking", ctx, (DATA, reference, year, float(target), by_need, L), _ranking, moves=True)

m1, m2, m3 = st.columns(3)
m1.metric(tr("xa.m_have"), f"{have}/{n_units}")
m2.metric(tr("xa.m_above"), f"{above}/{have}")
if top is not None:
    m3.metric(tr("xa.m_highest"), top[0], top[1], delta_color="off", delta_arrow="off")

if shown is None:
    st.warning(tr("xa.no_rates", year=year))
else:
    # every column in a 1366 px screen: short headers (the full name is each header's help) and set widths
    short = {k: ("xa.short_" + k.split(".", 1)[1].removeprefix("col_")) for k in (
        "xa.col_rate", "xa.col_gap", "xa.col_need", "xa.col_households", "xa.col_poor", "xa.col_share",
        "xa.col_near_rate", "xa.col_khmer_rate", "xa.col_new", "xa.col_status")}
    px = {"xa.col_rank": 48, "xa.col_unit": 125, "xa.col_rate": 78, "xa.col_gap": 95, "xa.col_need": 75,
          "xa.col_households": 82, "xa.col_poor": 70, "xa.col_share": 110, "xa.col_near_rate": 95,
          "xa.col_khmer_rate": 95, "xa.col_new": 100, "xa.col_status": 80}
    st.dataframe(shown, hide_index=True, width="stretch", key="xa_ranking",
                 column_config=tables.widths(shown_columns, {tr(k): w for k, w in px.items()}, total=sum(px.values()),
                                             labels={tr(k): tr(v) for k, v in short.items()}))
    st.caption(note)
    name = f"xa-can-thoat-ngheo-{year}" if by_need else f"xa-ty-le-ho-ngheo-{year}"

    def chart():
        if by_need:
            cd = ranked.assign(label=ranked["need"].map(n0), above=ranked["need"] > 0)
            spec = ranking_chart(cd, "need", tr("xa.rank_need"), L, percent=False)
        else:
            cd = ranked.assign(label=ranked["poor_rate"].map(p2), above=ranked["gap"] > 0)
            spec = ranking_chart(cd, "poor_rate", tr("xa.col_rate"), L, rule=target,
                                 rule_label=tr("xa.rule", value=fmt_pct(target, L)))
        return spec, cd[["unit", "poor_rate", "gap", "need" if "need" in cd else "poor_rate"]]
    headings.subheader(tr("xa.chart_title", year=year))
    # built once for what it shows: the data in use, the year, the target and the ranking
    show_chart(chart, None, name, key=(ctx.key, ref(df), str(year), float(target), by_need, reference))

# ------------------------------------------------------------------------------------------ district totals
def _totals():
    rows, notes = [], []
    for tot in cm.totals(df, C):
        name = field(ctx.indicators[tot.indicator], "name", L) if tot.indicator in ctx.indicators else tot.indicator
        grp = tr("group.khmer") if tot.khmer else tr("group.all")
        if not tot.complete:
            note = tr("xa.partial", n=tot.units_with_data, total=tot.units_total)
        elif tot.district is None:
            note = tr("xa.no_district")
        elif tot.agrees:
            note = tr("xa.agrees")
        else:
            note = "⚠️ " + tr("xa.disagrees")
            notes.append(tr("xa.disagree_line", year=tot.year, name=name, group=grp, sum=n0(tot.commune_sum),
                            n=tot.units_total, district=n0(tot.district), diff=fmt_signed(tot.difference, L, 0)))
        rows.append({tr("xa.col_year"): str(tot.year), tr("xa.col_indicator"): name, tr("xa.col_group"): grp,
                     tr("xa.col_sum"): n0(tot.commune_sum), tr("xa.col_units"): f"{tot.units_with_data}/{tot.units_total}",
                     tr("xa.col_district"): n0(tot.district), tr("xa.col_diff"):
                         fmt_signed(tot.difference, L, 0) if tot.difference is not None else "–",
                     tr("xa.col_note"): note})
    return (arrow_table(pd.DataFrame(rows)) if rows else None), notes


if not reference:
    headings.header(tr("xa.totals"))
    totals, notes = per_context("xa:totals", ctx, (DATA, L), _totals)
    for line in notes:
        st.warning(line)
    if totals is not None:
        st.caption(tr("xa.totals_help"))
        st.dataframe(totals, hide_index=True, width="stretch", key="xa_totals")


# ------------------------------------------------------------------------------------------ old → new
def _mapping():
    mp = C.mapping()
    return arrow_table(pd.DataFrame({
        tr("xa.col_old"): mp["old"],
        tr("xa.col_kind"): mp["kind"].map(lambda k: tr(f"xa.kind_{k}")),
        tr("xa.col_new"): mp["new"],
        tr("xa.col_note"): mp["note"],
    })), arrow_table(pd.DataFrame({
        tr("xa.col_new_commune"): [u.name for u in C.new],
        tr("xa.col_members"): [", ".join(m.name for m in C.members(u)) for u in C.new],
        tr("xa.col_count"): [str(len(C.members(u))) for u in C.new],
    }))


headings.header(tr("xa.mapping"))
st.caption(tr("xa.mapping_help"))
mapping, groups = per_context("xa:mapping", ctx, (ref(C), L), _mapping)
st.dataframe(mapping, hide_index=True, width="stretch", key="xa_mapping")
st.dataframe(groups, hide_index=True, width="stretch", key="xa_groups")
