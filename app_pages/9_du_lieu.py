"""Dữ liệu: the dataset in use, every observation with its status and source, the other readings where
sources disagree, the province and national figures for comparison, and what could not be found.

Everything that comes from a file (notes, titles, issuers) is shown in table cells, as text; the only
links are the addresses in sources.toml."""
import pandas as pd
import streamlit as st

from giamngheo.data.observations import QUALITY_ORDER, ObservationError, load_alternatives, load_context, load_sources
from giamngheo.i18n import MissingTranslation
from giamngheo.i18n import field as _field
from giamngheo.ui import headings
from giamngheo.ui.chart import ref
from giamngheo.ui.memo import per_context
from giamngheo.ui.session import DATASET_KEY, chosen_dataset, context, lang, num, tr
from giamngheo.ui.tables import data_table

ctx = context()
L = lang()
df = ctx.obs.df
STATUS_ORDER = list(QUALITY_ORDER) + sorted(set(df["status"]) - set(QUALITY_ORDER))
MISSING = ["reviews", "khmer", "flows", "labour", "education", "schools", "health", "water"]
# the data files beside the observations are read once per data version (giamngheo/ui/memo.py: a file that
# cannot be read is not kept, so its problems are listed on every run); nobody changes what they give
SOURCES = {**per_context("file:sources", ctx, ref(load_sources), load_sources), **ctx.obs.sources}


def tr_or(key: str, fallback: str) -> str:
    try:
        return tr(key)
    except MissingTranslation:
        return fallback


def ind_name(i: str) -> str:
    return _field(ctx.indicators[i], "name", L) if i in ctx.indicators else tr_or(f"data.context_ind.{i}", i)


def group_name(g: str) -> str:
    return tr(f"group.{g}") if g in ("all", "khmer") else g


def in_lang(frame: pd.DataFrame, col: str) -> list[str]:
    """A bilingual text column of a data file: ``col`` is Vietnamese, ``col_en`` English (when given)."""
    en = frame[f"{col}_en"] if f"{col}_en" in frame else [""] * len(frame)
    return [_field({col: v or "", f"{col}_en": e or ""}, col, L) for v, e in zip(frame[col], en)]


def unit_name(u: str) -> str:
    return tr_or(f"unit.{u}", "") or tr_or(f"data.unit.{u}", u)


def status_name(s: str) -> str:
    return ("" if s in ("official", "review") else "◇ ") + tr_or(f"quality.{s}", s)


def url_of(src: str) -> str:
    """The source's address from sources.toml (the first source of a derived row); http(s) only."""
    parts = [s for s in str(src).split("+") if s]
    url = str(SOURCES.get(parts[0], {}).get("url", "")) if parts else ""
    return url if url.startswith(("https://", "http://")) else ""


def title_of(src: str) -> str:
    return " + ".join(_field(SOURCES[s], "title", L) if s in SOURCES else s for s in str(src).split("+") if s)


LINK = st.column_config.LinkColumn(display_text=tr("data.open"))


def load_or_say(loader):
    """A data file's frame, or None after listing its problems (file, row, column) as text."""
    try:
        return loader()
    except ObservationError as err:
        st.warning(tr("data.load_error"))
        st.dataframe(pd.DataFrame({tr("data.col_problem"): [p.message(L) for p in err.problems]}), hide_index=True)
        return None

headings.title(tr("data.title"))

# ------------------------------------------------------------------ which data, how many of each status
name = getattr(ctx.obs, "dataset", None)
if name:
    headings.subheader(tr("data.dataset", name=tr_or(f"data.dataset_name.{name}", name)))
else:
    headings.subheader(tr("data.dataset_version", label=ctx.data_label or "–"))
st.caption(tr("data.dataset_help"))


def _switch_dataset() -> None:
    """An explicit choice: the demo dataset (bannered on every page and export) or the real data."""
    choice = st.session_state["gn_dataset_pick"]
    st.session_state[DATASET_KEY] = "demo" if choice == "demo" else None
    if choice == "demo":
        st.query_params["dataset"] = "demo"
    else:
        st.query_params.pop("dataset", None)


st.radio(tr("data.pick_dataset"), ["real", "demo"], key="gn_dataset_pick", horizontal=True,
         index=1 if chosen_dataset() == "demo" else 0, on_change=_switch_dataset,
         format_func=lambda k: tr(f"data.pick_{k}"))

def _counts():
    c = df["status"].value_counts()
    return {s: int(c[s]) for s in STATUS_ORDER if c.get(s, 0)}, sorted(df["indicator"].unique())


# what the frame holds (counts by status, the indicators): once per data version, not on every lever move
counts, inds = per_context("data:counts", ctx, ref(df), _counts)
st.caption(tr("data.caption", n=num(len(df))))
present = list(counts)
for col, s in zip(st.columns(max(len(present), 1)), present):
    col.metric(status_name(s), num(counts[s]))

# ------------------------------------------------------------------ the observations
headings.header(tr("data.observations"))
statuses = st.multiselect(tr("data.filter_status"), present, default=present,
                          format_func=lambda s: tr_or(f"quality.{s}", s), placeholder=tr("data.choose"))
chosen = st.multiselect(tr("data.filter_indicator"), inds, placeholder=tr("data.choose"), format_func=ind_name)


def observations_table() -> pd.DataFrame:
    view = df[df["status"].isin(statuses)]
    if chosen:
        view = view[view["indicator"].isin(chosen)]
    return pd.DataFrame({
        tr("data.col_indicator"): [ind_name(i) for i in view["indicator"]],
        tr("data.col_group"): [group_name(g) for g in view["group"]],
        tr("data.col_year"): view["year"].astype(str),
        tr("data.col_value"): [num(v) for v in view["value"]],
        tr("data.col_unit"): [unit_name(u) for u in view["unit"]],
        tr("data.col_status"): [status_name(s) for s in view["status"]],
        tr("data.col_source"): [title_of(s) for s in view["source"]],
        tr("data.col_link"): [url_of(s) for s in view["source"]],
        tr("data.col_note"): [n if n else i for n, i in zip(in_lang(view, "note"), view["inputs"])],
    })


# every table here depends on the data in use, the language and the filters, never on the levers: built and
# converted once per data version (giamngheo/ui/tables.py), not on every lever move
st.dataframe(data_table("observations", ctx, (L, tuple(statuses), tuple(chosen)), observations_table),
             hide_index=True, width="stretch", column_config={tr("data.col_link"): LINK})

# ------------------------------------------------------------------ other readings
headings.header(tr("data.alternatives"))
st.caption(tr("data.alternatives_help"))
alt = load_or_say(lambda: per_context("file:alternatives", ctx, ref(load_alternatives), load_alternatives))
if alt is None:
    pass
elif alt.empty:
    st.caption(tr("data.none"))
else:
    st.dataframe(data_table("alternatives", ctx, (L, ref(alt)), lambda: pd.DataFrame({
        tr("data.col_indicator"): [ind_name(i) for i in alt["indicator"]],
        tr("data.col_group"): [group_name(g) for g in alt["group"]],
        tr("data.col_year"): alt["year"].astype(str),
        tr("data.col_used"): [num(v) for v in alt["used_value"]],
        tr("data.col_used_status"): [status_name(s) for s in alt["used_status"]],
        tr("data.col_alt"): [num(v) for v in alt["value"]],
        tr("data.col_alt_status"): [status_name(s) for s in alt["status"]],
        tr("data.col_how"): in_lang(alt, "note"),
        tr("data.col_why"): in_lang(alt, "why_not_used"),
        tr("data.col_source"): [title_of(s) for s in alt["source"]],
        tr("data.col_link"): [url_of(s) for s in alt["source"]],
    })), hide_index=True, width="stretch", column_config={tr("data.col_link"): LINK})

# ------------------------------------------------------------------ province and national figures
headings.header(tr("data.context"))
st.caption(tr("data.context_help"))
cx = load_or_say(lambda: per_context("file:context", ctx, ref(load_context), load_context))
if cx is not None:
    st.dataframe(data_table("context", ctx, (L, ref(cx)), lambda: pd.DataFrame({
        tr("data.col_area"): [tr_or(f"data.context_area.{a}", a) for a in cx["area"]],
        tr("data.col_indicator"): [ind_name(i) for i in cx["indicator"]],
        tr("data.col_group"): [tr("data.context_group_all") if g == "all" else group_name(g) for g in cx["group"]],
        tr("data.col_year"): cx["year"].astype(str),
        tr("data.col_value"): [num(v) for v in cx["value"]],
        tr("data.col_unit"): [unit_name(u) for u in cx["unit"]],
        tr("data.col_status"): [status_name(s) for s in cx["status"]],
        tr("data.col_source"): [title_of(s) for s in cx["source"]],
        tr("data.col_link"): [url_of(s) for s in cx["source"]],
        tr("data.col_note"): in_lang(cx, "note"),
    })), hide_index=True, width="stretch", column_config={tr("data.col_link"): LINK})

# ------------------------------------------------------------------ what is missing
headings.header(tr("data.missing"))
st.markdown(tr("data.missing_help") + "\n" + "\n".join(f"- {tr(f'data.missing.{k}')}" for k in MISSING))

# ------------------------------------------------------------------ the list of sources
headings.header(tr("data.sources"))
st.caption(tr("data.sources_help"))
ids = list(SOURCES)
st.dataframe(data_table("sources", ctx, (L, ref(load_sources)), lambda: pd.DataFrame({
    tr("data.col_source"): ids,
    tr("data.col_title"): [_field(SOURCES[s], "title", L) for s in ids],
    tr("data.col_issuer"): [_field(SOURCES[s], "issuer", L) for s in ids],
    tr("data.col_date"): [str(SOURCES[s].get("date", "")) for s in ids],
    tr("data.col_document"): [str(SOURCES[s].get("document", "")) for s in ids],
    tr("data.col_link"): [url_of(s) for s in ids],
    tr("data.col_note"): [_field(SOURCES[s], "note", L) for s in ids],
})), hide_index=True, width="stretch", column_config={tr("data.col_link"): LINK})
