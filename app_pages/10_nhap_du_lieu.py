"""Nhập số liệu: upload a file (the annual review or long observations), see every problem, and
save the valid figures as a new data version; edit the figures in place; see the version
history, view an earlier version, revert. Nothing is ever overwritten: every change is a version.
Changing needs the editor sign-in (giamngheo/ui/auth.py); viewing and checking need nothing."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from giamngheo.data import ingest as ig
from giamngheo.data.communes import is_commune_group
from giamngheo.i18n import field, fmt_num
from giamngheo.data.observations import STATUSES, ObservationError
from giamngheo.paths import observations_path
from giamngheo.store import MAX_AUTHOR, MAX_NOTE, StoreError, fmt_time
from giamngheo.ui import auth
from giamngheo.ui.state import DATA_VERSION_KEY, context, data_version_id, lang, refresh_data, store, tr

L = lang()
ctx = context()
IND = ctx.indicators
FLASH = "gn_data_flash"
NONCE = "gn_data_nonce"            # bumped after a save: clears the uploader and the table editor

st.title(tr("nhap.title"))
st.caption(tr("nhap.caption"))

for level, text in st.session_state.pop(FLASH, []):
    getattr(st, level)(text)

try:
    db = store()
    versions = db.list_data_versions()
    store_error = ""
except StoreError as exc:
    db, versions, store_error = None, [], str(exc).splitlines()[0][:300]

in_use = data_version_id()
latest = versions[0] if versions else None
if store_error:
    st.error(tr("nhap.store_unavailable", detail=store_error))
elif latest is None:
    st.info(tr("nhap.using_embedded"))
elif in_use == latest.id:
    st.info(tr("nhap.using_latest", id=latest.id, when=fmt_time(latest.created_at, L), who=latest.author or "—"))
else:
    st.warning(tr("nhap.using_earlier", id=in_use, latest=latest.id))
    if st.button(tr("nhap.back_to_latest"), key="gn_back_latest"):
        st.session_state.pop(DATA_VERSION_KEY, None)
        st.rerun()

editing = auth.panel("gn_auth") and db is not None
nonce = st.session_state.get(NONCE, 0)


def embedded_text() -> str:
    return observations_path().read_text(encoding="utf-8-sig")


def latest_rows() -> tuple[int | None, list[dict]]:
    """The rows every change builds on: the latest version (not an earlier one being viewed)."""
    v = db.latest() if db is not None else None
    return (v.id if v else None), ig.csv_to_rows(v.csv_text if v else embedded_text())


def ensure_base() -> None:
    """Before the first version: keep the embedded data as version 1, so that it can be returned to."""
    if not db.list_data_versions():
        db.save_data_version(embedded_text(), author="", note=tr("nhap.base_note"), parent_id=None)


def save(rows: list[dict], note: str, summary: dict | None = None) -> bool:
    """Check the whole table with the core's parser, then add it as a version."""
    text = ig.rows_to_csv(rows)
    try:
        ig.version_frames(text, "check")
    except ObservationError as exc:
        st.error(tr("nhap.core_rejects"))
        st.dataframe(ig.problems_frame(exc.problems, L), hide_index=True, width="stretch")
        return False
    try:
        ensure_base()
        v = db.save_data_version(text, author=auth.editor_name()[:MAX_AUTHOR], note=note[:MAX_NOTE], summary=summary)
    except StoreError as exc:
        st.error(tr("nhap.store_unavailable", detail=str(exc).splitlines()[0][:300]))
        return False
    st.session_state.pop(DATA_VERSION_KEY, None)       # the app now uses the new version
    st.session_state[NONCE] = nonce + 1
    st.session_state[FLASH] = [("success", tr("nhap.saved", id=v.id, added=v.summary.get("added", 0),
                                            changed=v.summary.get("changed", 0),
                                            removed=v.summary.get("removed", 0)))]
    refresh_data()
    return True


def readable(d: pd.DataFrame) -> pd.DataFrame:
    """Observation rows for reading: names, group labels, statuses and numbers in the user's language."""
    return d.assign(indicator=d["indicator"].map(ind_name), group=d["group"].map(lambda g: ig.group_label(g, L)),
                    value=d["value"].map(lambda v: fmt_num(v, L)), year=d["year"].astype(str),
                    status=d["status"].map(lambda s: ("" if s == "official" else "◇ ") + tr(f"quality.{s}")
                                           if s in ("official", "estimate", "illustrative", "derived") else s)) \
        .rename(columns={c: tr(f"nhap.col_{c}") for c in ig.COLUMNS})


PROBLEM_COLUMNS = {tr("ingest.col_row"): st.column_config.TextColumn(width=60),
                   tr("ingest.col_column"): st.column_config.TextColumn(width=200),
                   tr("ingest.col_value"): st.column_config.TextColumn(width=90),
                   tr("ingest.col_reason"): st.column_config.TextColumn(width="large")}


def ind_name(i: str) -> str:
    return field(IND[i], "name", L) if i in IND else i


tab_up, tab_edit, tab_hist = st.tabs([tr("nhap.tab_upload"), tr("nhap.tab_edit"), tr("nhap.tab_history")])

# ------------------------------------------------------------------------------------------ upload
with tab_up:
    with st.expander(tr("nhap.templates"), expanded=False):
        st.markdown(tr("nhap.templates_help"))
        ty = st.number_input(tr("nhap.template_year"), min_value=2021, max_value=2035, value=ctx.as_of, step=1,
                             key="gn_tpl_year")
        c = st.columns(4)
        for k, (shape, fmt) in enumerate((("review", "xlsx"), ("review", "csv"), ("long", "xlsx"), ("long", "csv"))):
            c[k].download_button(tr(f"nhap.tpl_{shape}_{fmt}"), data=ig.template(shape, fmt, L, int(ty)),
                                 file_name=ig.template_name(shape, fmt, int(ty)), on_click="ignore",
                                 key=f"gn_tpl_{shape}_{fmt}", width="stretch",
                                 mime="text/csv" if fmt == "csv" else
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    shape_choice = st.radio(tr("nhap.shape"), ("auto", "review", "long"), horizontal=True, key="gn_shape",
                            format_func=lambda s: tr(f"nhap.shape_{s}"))
    up = st.file_uploader(tr("nhap.upload"), type=["csv", "txt", "xlsx", "xls"], key=f"gn_upload_{nonce}",
                          help=tr("nhap.upload_help"))
    if up is not None:
        data = up.getvalue()
        res = ig.check_file(data, up.name, None if shape_choice == "auto" else shape_choice, lang=L)
        meta = res.meta
        st.markdown(tr("nhap.read_as", shape=tr(f"nhap.shape_{res.shape}"), rows=res.n_rows,
                       fmt=meta.get("format", "?").upper(), enc=meta.get("encoding", "") or "—",
                       sep={",": ",", ";": ";", "\t": "Tab"}.get(meta.get("delimiter", ""), "—"),
                       dec=meta.get("decimal", "") or "—"))
        for n in res.notes:
            st.caption("ℹ️ " + n.message(L))
        if res.problems:
            st.error(tr("nhap.n_problems", n=len(res.problems), valid=res.n_valid, rows=res.n_rows))
            st.dataframe(ig.problems_frame(res.problems, L), hide_index=True, width="stretch", key="gn_problems",
                         column_config=PROBLEM_COLUMNS)
            with st.expander(tr("nhap.problems_as_text")):
                st.text("\n".join(ig.describe(p, L) for p in res.problems[:500]))
        else:
            st.success(tr("nhap.all_valid", rows=res.n_rows))

        usable = not res.file_level and res.n_valid > 0
        if usable:
            if res.shape == "review":
                c1, c2 = st.columns([1, 2])
                status = c1.selectbox(tr("nhap.status"), STATUSES, key="gn_status",
                                      format_func=lambda s: tr(f"quality.{s}"), help=tr("nhap.status_help"))
                source = c2.text_input(tr("nhap.source"), key="gn_source", max_chars=120, help=tr("nhap.source_help"),
                                       placeholder=tr("nhap.source_placeholder"))
                mapped = ig.review_to_rows(res, status, source.strip() or "?")
            else:
                source = "-"
                mapped = ig.long_to_rows(res)
            for n in mapped.notes:
                st.caption("ℹ️ " + n.message(L))
            base_id, base_rows = latest_rows() if db is not None else (None, ig.csv_to_rows(embedded_text()))
            if res.shape == "review":
                for n in ig.start_notes(res, base_rows, L):
                    st.warning(n.message(L))
            m = ig.merge(base_rows, mapped.rows)
            st.markdown("**" + tr("nhap.preview", added=len(m.added), changed=len(m.changed), same=m.unchanged) + "**")
            if m.added or m.changed:
                st.dataframe(ig.diff_frame(m, L, IND), hide_index=True, width="stretch", key="gn_diff")
            accept_partial = True
            if res.problems:
                accept_partial = st.checkbox(tr("nhap.accept_valid", valid=res.n_valid,
                                                bad=res.n_rows - res.n_valid), key="gn_accept_valid")
            note = st.text_input(tr("nhap.note"), value=tr("nhap.note_upload", file=up.name), key="gn_note_up",
                                 max_chars=MAX_NOTE)
            missing_source = res.shape == "review" and not source.strip()
            if missing_source:
                st.caption("⚠️ " + tr("nhap.need_source"))
            if not editing:
                st.caption("🔒 " + tr("nhap.sign_in_to_save"))
            nothing = not (m.added or m.changed)
            if st.button(tr("nhap.save_upload"), type="primary", key="gn_save_upload",
                         disabled=not (editing and accept_partial) or missing_source or nothing):
                if auth.can_edit() and save(m.rows, note, ig.change_summary(base_rows, m.rows)):
                    st.rerun()
        elif res.problems:
            st.caption(tr("nhap.nothing_usable"))

# ------------------------------------------------------------------------------------------ edit
with tab_edit:
    scope = st.radio(tr("nhap.scope"), ("district", "communes"), horizontal=True, key="gn_scope",
                     format_func=lambda s: tr(f"nhap.scope_{s}"))
    base_id, rows = latest_rows() if db is not None else (None, ig.csv_to_rows(embedded_text()))
    inside = [r for r in rows if is_commune_group(r["group"]) == (scope == "communes")]
    outside = [r for r in rows if is_commune_group(r["group"]) != (scope == "communes")]
    df = pd.DataFrame(inside, columns=list(ig.COLUMNS))
    if scope == "district":
        st.caption(tr("nhap.edit_help"))
    else:
        st.caption(tr("nhap.edit_help_communes"))
    labels = {c: tr(f"nhap.col_{c}") for c in ig.COLUMNS}
    if editing:
        cfg = {
            "indicator": st.column_config.SelectboxColumn(labels["indicator"], options=sorted(IND), required=True,
                                                          help=tr("nhap.col_indicator_help")),
            "group": st.column_config.TextColumn(labels["group"], required=True, default="all",
                                                 help=tr("nhap.col_group_help")),
            # the year is bounded; the value is not: a lower bound made the editor drop a typed minus sign
            # (−5 saved as 5), so the core's validation on save names the row and column instead
            "year": st.column_config.NumberColumn(labels["year"], min_value=1990, max_value=2100, step=1,
                                                  format="%d", required=True),
            "value": st.column_config.NumberColumn(labels["value"], required=True, help=tr("nhap.col_value_help"),
                                                   format="localized"),   # 1.234,5 in a Vietnamese browser
            "unit": st.column_config.TextColumn(labels["unit"]),
            "status": st.column_config.SelectboxColumn(labels["status"], options=list(STATUSES), required=True),
            "source": st.column_config.TextColumn(labels["source"], required=True, max_chars=120),
            "note": st.column_config.TextColumn(labels["note"], max_chars=500),
        }
        edit_key = f"gn_edit_{scope}_{nonce}"
        st.session_state.setdefault(f"{edit_key}_base", base_id)
        edited = st.data_editor(df, num_rows="dynamic", column_config=cfg, hide_index=True, key=edit_key,
                                width="stretch", height=420)
        note_e = st.text_input(tr("nhap.note"), value=tr("nhap.note_edit"), key=f"gn_note_edit_{nonce}",
                               max_chars=MAX_NOTE)
        if st.button(tr("nhap.save_edit"), type="primary", key="gn_save_edit"):
            if st.session_state.get(f"{edit_key}_base") != base_id:
                st.error(tr("nhap.stale"))
            elif auth.can_edit():
                new_rows = edited.to_dict("records")
                clean, probs = ig.check_table_rows(new_rows, outside, tr("nhap.table_name"), IND)
                if probs:
                    shown = [replace(p, column=labels.get(p.column or "", p.column)) for p in probs]
                    st.error(tr("nhap.edit_problems", n=len(probs)))
                    st.dataframe(ig.problems_frame(shown, L), hide_index=True, width="stretch", key="gn_edit_problems",
                                 column_config=PROBLEM_COLUMNS)
                else:
                    order = outside + clean if scope == "communes" else clean + outside
                    if sorted(ig.rows_to_csv(order).splitlines()) == sorted(ig.rows_to_csv(rows).splitlines()):
                        st.info(tr("nhap.no_change"))
                    elif save(order, note_e, ig.change_summary(rows, order)):
                        st.rerun()
    else:
        st.dataframe(readable(df), hide_index=True, width="stretch", key="gn_view_table")
        st.caption("🔒 " + tr("nhap.sign_in_to_edit"))

# ------------------------------------------------------------------------------------------ history
with tab_hist:
    if not versions:
        st.info(tr("nhap.no_versions"))
    else:
        hist = pd.DataFrame({
            tr("nhap.h_version"): [f"v{v.id}" + (" ◀" if v.id == in_use else "") for v in versions],
            tr("nhap.h_when"): [fmt_time(v.created_at, L) for v in versions],
            tr("nhap.h_who"): [v.author or "—" for v in versions],
            tr("nhap.h_note"): [v.note for v in versions],
            tr("nhap.h_rows"): [str(v.n_rows) for v in versions],
            tr("nhap.h_change"): [tr("nhap.h_change_first") if v.summary.get("first") else
                                  tr("nhap.h_change_fmt", added=v.summary.get("added", 0),
                                     changed=v.summary.get("changed", 0), removed=v.summary.get("removed", 0))
                                  for v in versions],
        })
        st.dataframe(hist, hide_index=True, width="stretch", key="gn_history")
        ids = [v.id for v in versions]
        pick = st.selectbox(tr("nhap.pick_version"), ids, key="gn_pick_version",
                            format_func=lambda i: f"v{i} — " + next(
                                (fmt_time(v.created_at, L) + (f" — {v.note[:60]}" if v.note else "")
                                 for v in versions if v.id == i), ""))
        chosen = db.get_data_version(pick)
        c1, c2 = st.columns(2)
        if pick != in_use:
            if c1.button(tr("nhap.use_version", id=pick), key="gn_use_version"):
                if pick == ids[0]:
                    st.session_state.pop(DATA_VERSION_KEY, None)
                else:
                    st.session_state[DATA_VERSION_KEY] = int(pick)
                st.rerun()
        else:
            c1.caption(tr("nhap.in_use_now", id=pick))
        if pick != ids[0]:
            if c2.button(tr("nhap.revert", id=pick), key="gn_revert", disabled=not editing,
                         help=None if editing else tr("nhap.sign_in_to_edit")):
                if auth.can_edit():
                    try:                # a revert is a new version with the old content (nothing overwritten)
                        _, now_rows = latest_rows()
                        old_text = chosen.csv_text or ""
                        v = db.save_data_version(old_text, author=auth.editor_name()[:MAX_AUTHOR],
                                                 note=tr("nhap.revert_note", id=pick),
                                                 summary=ig.change_summary(now_rows, ig.csv_to_rows(old_text)))
                        st.session_state.pop(DATA_VERSION_KEY, None)
                        st.session_state[NONCE] = nonce + 1
                        st.session_state[FLASH] = [("success", tr("nhap.reverted", id=pick, new=v.id))]
                        refresh_data()
                        st.rerun()
                    except StoreError as exc:
                        st.error(tr("nhap.store_unavailable", detail=str(exc).splitlines()[0][:300]))
        if chosen is not None:
            ex = chosen.summary.get("examples") or []
            if ex:
                with st.expander(tr("nhap.what_changed", id=chosen.id)):
                    st.dataframe(pd.DataFrame({
                        tr("nhap.col_key"): [e.get("key", "") for e in ex],
                        tr("ingest.col_change"): [tr(f"nhap.kind_{e.get('change', 'changed')}") for e in ex],
                        tr("ingest.col_old"): [e.get("old", "") for e in ex],
                        tr("ingest.col_new"): [e.get("new", "") for e in ex],
                    }).astype(str), hide_index=True, width="stretch")
            vdf = pd.DataFrame(ig.csv_to_rows(chosen.csv_text or ""), columns=list(ig.COLUMNS))
            st.markdown(tr("nhap.version_rows", id=chosen.id, n=len(vdf)))
            st.dataframe(readable(vdf), hide_index=True, width="stretch", key="gn_version_rows")
