"""Nhập số liệu: upload a file (the annual review or long observations), see every problem, and
save the valid figures as a new data version; edit the figures in place; see the version
history, view an earlier version, revert. Nothing is ever overwritten: every change is a version.
Changing needs the editor sign-in (giamngheo/ui/auth.py); viewing and checking need nothing."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from giamngheo.data import ingest as ig
from giamngheo.data.communes import is_commune_group, plan_groups
from giamngheo.data.observations import STATUSES
from giamngheo.data.versions import DataVersions
from giamngheo.i18n import field, fmt_num
from giamngheo.report import ingest_view as iv
from giamngheo.store import MAX_AUTHOR, MAX_NOTE, StoreError, fmt_time
from giamngheo.ui import auth, guard, headings, safe
from giamngheo.ui.binding import arrow_table
from giamngheo.ui.chart import ref
from giamngheo.ui.memo import per_context
from giamngheo.ui.session import DATA_VERSION_KEY, context, data_version_id, data_versions, lang, refresh_data, store, tr

L = lang()
ctx = context()
IND = ctx.indicators
FLASH = "gn_data_flash"
NONCE = "gn_data_nonce"            # bumped after a save: clears the uploader and the table editor

headings.title(tr("nhap.title"))
st.caption(tr("nhap.caption"))

for level, text in st.session_state.pop(FLASH, []):
    getattr(st, level)(text)

try:
    db = store()
    versions = data_versions(db)      # read again after a save here, else at most every 2 s (as the data in use)
    store_error = ""
except StoreError as exc:
    db, versions, store_error = None, [], safe.logged(exc, tr("store.see_log"))

in_use = data_version_id()
latest = versions[0] if versions else None
if store_error:
    st.error(tr("nhap.store_unavailable", detail=store_error))
elif latest is None:
    st.info(tr("nhap.using_embedded"))
elif in_use == latest.id:
    st.info(tr("nhap.using_latest", id=latest.id, when=fmt_time(latest.created_at, L), who=safe.text(latest.author, 80) or "—"))
else:
    st.warning(tr("nhap.using_earlier", id=in_use, latest=latest.id))
    if st.button(tr("nhap.back_to_latest"), key="gn_back_latest"):
        st.session_state.pop(DATA_VERSION_KEY, None)
        st.rerun()

editing = auth.panel("gn_auth") and db is not None
nonce = st.session_state.get(NONCE, 0)


GROUPS = plan_groups(ctx.plan)
BREAK_YEAR = ctx.plan.standard.break_year if getattr(ctx.plan, "standard", None) else None
dv = DataVersions(db, base_note=tr("nhap.base_note"), plan_groups=GROUPS)


LATEST = versions[0].id if versions else None      # a version saved here is seen at once, another replica's within 2 s


def latest_rows() -> tuple[int | None, list[dict]]:
    """The rows every change builds on: the latest version (not an earlier one being viewed). Read and parsed
    once per version (memo.per_context, keyed by the store and the latest version's id, which the list of
    versions above gives on every run), not on every rerun; a copy of the list, the rows shared and unchanged."""
    def build():
        return (LATEST, dv.rows_of(LATEST)) if LATEST is not None else dv.base()
    vid, rows = per_context("nhap:base", ctx, (ref(db), LATEST), build)
    return vid, list(rows)


def after_change(flash: str) -> None:
    st.session_state.pop(DATA_VERSION_KEY, None)       # the app now uses the new version
    st.session_state[NONCE] = nonce + 1
    st.session_state[FLASH] = [("success", flash)]
    refresh_data()


def save(rows: list[dict], note: str, base_id) -> bool:
    """Check the whole table with the core's parser, then add it as a version."""
    try:
        out = dv.save(rows, author=auth.editor_name()[:MAX_AUTHOR], note=note[:MAX_NOTE], base_id=base_id)
    except StoreError as exc:
        st.error(tr("nhap.store_unavailable", detail=safe.logged(exc, tr("store.see_log"))))
        return False
    if out.status == "stale":
        st.error(tr("nhap.stale"))
        return False
    if out.status == "unchanged":
        st.info(tr("nhap.no_change"))
        return False
    if out.status == "rejected":
        st.error(tr("nhap.core_rejects"))
        st.dataframe(iv.problems_frame(out.problems, L), hide_index=True, width="stretch")
        return False
    v = out.version
    after_change(tr("nhap.saved", id=v.id, added=v.summary.get("added", 0), changed=v.summary.get("changed", 0),
                    removed=v.summary.get("removed", 0)))
    return True


def readable(d: pd.DataFrame) -> pd.DataFrame:
    """Observation rows for reading: names, group labels, statuses and numbers in the user's language."""
    return d.assign(indicator=d["indicator"].map(ind_name), group=d["group"].map(lambda g: iv.group_label(g, L)),
                    value=d["value"].map(lambda v: fmt_num(v, L)), year=d["year"].astype(str),
                    status=d["status"].map(lambda s: ("" if s in ("official", "review") else "◇ ") + tr(f"quality.{s}")
                                           if s in ("official", "review", "estimate", "illustrative", "derived") else s)) \
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
    # the next annual review (the end-2026 review is the first on the 2026–2030 standard): its form at once
    def _next_year() -> int:
        reviewed = [int(r["year"]) for r in latest_rows()[1] if r["indicator"] == "poor_households" and r["group"] == "all"]
        return max(max(reviewed, default=0) + 1, BREAK_YEAR or ig.plan_break_year() or ctx.as_of + 1)
    next_year = per_context("nhap:next_year", ctx, (ref(db), LATEST), _next_year)
    st.download_button(tr("nhap.tpl_next", year=next_year), type="primary", on_click="ignore", key="gn_tpl_next",
                       # made when it is clicked, not on every rerun (an XLSX costs some 60 ms)
                       data=lambda: ig.template("review", "xlsx", L, next_year, break_year=BREAK_YEAR),
                       file_name=ig.template_name("review", "xlsx", next_year),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       help=tr("nhap.tpl_next_help",
                               standard=tr(f"ingest.standard.{ig.standard_of(next_year, BREAK_YEAR)}")))
    # the other templates, folded: made only when opened (the expander tracks it and reruns), not on every move
    tpl_box = st.expander(tr("nhap.templates"), key="gn_tpl_open", on_change="rerun")
    if tpl_box.open:
        with tpl_box:
            st.markdown(tr("nhap.templates_help"))
            # the year asked for stays while the box is folded (a widget not drawn loses its value)
            ty = st.number_input(tr("nhap.template_year"), min_value=2021, max_value=2035, step=1, key="gn_tpl_year",
                                 value=st.session_state.get("_gn_tpl_year_kept", ctx.as_of))
            st.session_state["_gn_tpl_year_kept"] = int(ty)
            c = st.columns(4)
            for k, (shape, fmt) in enumerate((("review", "xlsx"), ("review", "csv"), ("long", "xlsx"), ("long", "csv"))):
                c[k].download_button(tr(f"nhap.tpl_{shape}_{fmt}"),
                                     data=lambda shape=shape, fmt=fmt: ig.template(shape, fmt, L, int(ty),
                                                                                   break_year=BREAK_YEAR),
                                     file_name=ig.template_name(shape, fmt, int(ty)), on_click="ignore",
                                     key=f"gn_tpl_{shape}_{fmt}", width="stretch",
                                     mime="text/csv" if fmt == "csv" else
                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    shape_choice = st.radio(tr("nhap.shape"), ("auto", "review", "long"), horizontal=True, key="gn_shape",
                            format_func=lambda s: tr(f"nhap.shape_{s}"))
    max_mb = int(st.get_option("server.maxUploadSize"))
    st.caption(tr("nhap.upload_limit", mb=max_mb))
    up = st.file_uploader(tr("nhap.upload"), type=["csv", "txt", "xlsx", "xls"], key=f"gn_upload_{nonce}",
                          help=tr("nhap.upload_help") + " " + tr("nhap.upload_limit", mb=max_mb))
    if up is not None:
        data = up.getvalue()
        # in a worker process, bounded in time and memory; its wait leaves the fair-share gate to others
        with st.spinner(tr("nhap.checking")), guard.outside_gate():
            res = ig.check_file_isolated(data, up.name, None if shape_choice == "auto" else shape_choice, lang=L,
                                         plan_groups=GROUPS, client=auth.client_address())
        meta = res.meta
        if meta:                                     # a file refused before reading has nothing to say here
            st.markdown(tr("nhap.read_as", shape=tr(f"nhap.shape_{res.shape}"), rows=res.n_rows,
                           fmt=meta.get("format", "?").upper(), enc=meta.get("encoding", "") or "—",
                           sep={",": ",", ";": ";", "\t": "Tab"}.get(meta.get("delimiter", ""), "—"),
                           dec=meta.get("decimal", "") or "—"))
        for n in res.notes:
            st.caption("ℹ️ " + safe.message(n, L))
        if res.problems:
            st.error(tr("nhap.n_problems", n=len(res.problems), valid=res.n_valid, rows=res.n_rows))
            for p in res.problems:
                if p.row is None:                    # the file as a whole (a limit, unreadable): in full, as text
                    st.text(iv.describe(p, L))
            st.dataframe(iv.problems_frame(res.problems, L), hide_index=True, width="stretch", key="gn_problems",
                         column_config=PROBLEM_COLUMNS)
            with st.expander(tr("nhap.problems_as_text")):
                st.text("\n".join(iv.describe(p, L) for p in res.problems[:500]))
        else:
            st.success(tr("nhap.all_valid", rows=res.n_rows))

        usable = not res.file_level and res.n_valid > 0
        if usable:
            if res.shape == "review":
                c1, c2 = st.columns([1, 2])
                status = c1.selectbox(tr("nhap.status"), STATUSES, key="gn_status", index=STATUSES.index("review"),
                                      format_func=lambda s: tr(f"quality.{s}"), help=tr("nhap.status_help"))
                source = c2.text_input(tr("nhap.source"), key="gn_source", max_chars=120, help=tr("nhap.source_help"),
                                       placeholder=tr("nhap.source_placeholder"))
                mapped = ig.review_to_rows(res, status, source.strip() or "?", break_year=BREAK_YEAR)
            else:
                source = "-"
                mapped = ig.long_to_rows(res)
            for n in mapped.notes:
                st.caption("ℹ️ " + safe.message(n, L))
            base_id, base_rows = latest_rows()
            if res.shape == "review":
                for n in ig.start_notes(res, base_rows, L):
                    st.warning(safe.message(n, L))
            m = ig.merge(base_rows, mapped.rows)
            st.markdown("**" + tr("nhap.preview", added=len(m.added), changed=len(m.changed), same=m.unchanged) + "**")
            if m.added or m.changed:
                st.dataframe(iv.diff_frame(m, L, IND), hide_index=True, width="stretch", key="gn_diff")
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
                if auth.can_edit() and save(m.rows, note, base_id):
                    st.rerun()
        elif res.problems:
            st.caption(tr("nhap.nothing_usable"))

# ------------------------------------------------------------------------------------------ edit
with tab_edit:
    scope = st.radio(tr("nhap.scope"), ("district", "communes"), horizontal=True, key="gn_scope",
                     format_func=lambda s: tr(f"nhap.scope_{s}"))
    base_id, rows = latest_rows()

    def split():
        return ([r for r in rows if is_commune_group(r["group"]) == (scope == "communes")],
                [r for r in rows if is_commune_group(r["group"]) != (scope == "communes")])
    inside, outside = (list(x) for x in per_context("nhap:split", ctx, (ref(db), base_id, scope), split))
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
        # the table made once per version and scope, not on every move (the editor works on its own copy of it)
        table = per_context("nhap:edit", ctx, (ref(db), base_id, scope),
                            lambda: pd.DataFrame(inside, columns=list(ig.COLUMNS)))
        edited = st.data_editor(table, num_rows="dynamic", column_config=cfg, hide_index=True, key=edit_key,
                                width="stretch", height=420)
        note_e = st.text_input(tr("nhap.note"), value=tr("nhap.note_edit"), key=f"gn_note_edit_{nonce}",
                               max_chars=MAX_NOTE)
        if st.button(tr("nhap.save_edit"), type="primary", key="gn_save_edit"):
            if auth.can_edit():
                new_rows = edited.to_dict("records")
                clean, probs = ig.check_table_rows(new_rows, outside, tr("nhap.table_name"), IND, GROUPS)
                if probs:
                    shown = [replace(p, column=labels.get(p.column or "", p.column)) for p in probs]
                    st.error(tr("nhap.edit_problems", n=len(probs)))
                    st.dataframe(iv.problems_frame(shown, L), hide_index=True, width="stretch", key="gn_edit_problems",
                                 column_config=PROBLEM_COLUMNS)
                else:
                    order = outside + clean if scope == "communes" else clean + outside
                    if save(order, note_e, st.session_state.get(f"{edit_key}_base")):
                        st.rerun()
    else:
        # the same table on every rerun until a new version: made and converted once per version and language
        st.dataframe(per_context("nhap:view", ctx, (ref(db), LATEST, base_id, scope, L),
                                 lambda: arrow_table(readable(pd.DataFrame(inside, columns=list(ig.COLUMNS))))),
                     hide_index=True, width="stretch", key="gn_view_table")
        st.caption("🔒 " + tr("nhap.sign_in_to_edit"))

# ------------------------------------------------------------------------------------------ history
with tab_hist:
    if not versions:
        st.info(tr("nhap.no_versions"))
    else:
        # a version never changes: the history table, and below the version picked, made once per list and language
        hist = per_context("nhap:history", ctx, (ref(db), tuple(v.id for v in versions), in_use, L), lambda: arrow_table(pd.DataFrame({
            tr("nhap.h_version"): [f"v{v.id}" + (" ◀" if v.id == in_use else "") for v in versions],
            tr("nhap.h_when"): [fmt_time(v.created_at, L) for v in versions],
            tr("nhap.h_who"): [v.author or "—" for v in versions],
            tr("nhap.h_note"): [v.note for v in versions],
            tr("nhap.h_rows"): [str(v.n_rows) for v in versions],
            tr("nhap.h_change"): [tr("nhap.h_change_first") if v.summary.get("first") else
                                  tr("nhap.h_change_fmt", added=v.summary.get("added", 0),
                                     changed=v.summary.get("changed", 0), removed=v.summary.get("removed", 0))
                                  for v in versions],
        })))
        st.dataframe(hist, hide_index=True, width="stretch", key="gn_history")
        ids = [v.id for v in versions]
        pick = st.selectbox(tr("nhap.pick_version"), ids, key="gn_pick_version",
                            format_func=lambda i: f"v{i} — " + next(
                                (fmt_time(v.created_at, L) + (f" — {v.note[:60]}" if v.note else "")
                                 for v in versions if v.id == i), ""))


        def _version():
            got = db.get_data_version(pick)
            if got is None:
                return None, None, None, 0
            ex = got.summary.get("examples") or []
            changes = arrow_table(pd.DataFrame({
                tr("nhap.col_key"): [e.get("key", "") for e in ex],
                tr("ingest.col_change"): [tr(f"nhap.kind_{e.get('change', 'changed')}") for e in ex],
                tr("ingest.col_old"): [e.get("old", "") for e in ex],
                tr("ingest.col_new"): [e.get("new", "") for e in ex],
            }).astype(str)) if ex else None
            vdf = pd.DataFrame(ig.csv_to_rows(got.csv_text or ""), columns=list(ig.COLUMNS))
            return got, changes, arrow_table(readable(vdf)), len(vdf)
        chosen, changes, version_rows, n_version_rows = per_context("nhap:version", ctx, (ref(db), pick, L), _version)
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
                        out = dv.revert(pick, author=auth.editor_name()[:MAX_AUTHOR],
                                        note=tr("nhap.revert_note", id=pick))
                        if out.saved:
                            after_change(tr("nhap.reverted", id=pick, new=out.version.id))
                            st.rerun()
                        else:
                            st.info(tr("nhap.no_change"))
                    except StoreError as exc:
                        st.error(tr("nhap.store_unavailable", detail=safe.logged(exc, tr("store.see_log"))))
        if chosen is not None:
            if changes is not None:
                with st.expander(tr("nhap.what_changed", id=chosen.id)):
                    st.dataframe(changes, hide_index=True, width="stretch")
            st.markdown(tr("nhap.version_rows", id=chosen.id, n=n_version_rows))
            st.dataframe(version_rows, hide_index=True, width="stretch", key="gn_version_rows")
