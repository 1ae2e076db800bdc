"""Kịch bản: save the current scenario (name, author, note); list, open, duplicate and delete saved
ones; share (a link with the values, a short link ?scenario=ID); export and import as JSON in the
format the CLI's --scenario reads. Every name and note from a user is shown as text
(giamngheo/ui/safe.py). Saving, overwriting, duplicating and deleting need the editor right
(giamngheo/ui/auth.py: decided on the server); opening, sharing and exporting need nothing."""
import json

import streamlit as st

from giamngheo.i18n import field, fmt_num
from giamngheo.scenario.presets import load_presets
from giamngheo.scenario.scenario import MAX_NUMBER_CHARS, JsonNumberError, ScenarioError, json_loads, scenario_from_json_obj
from giamngheo.store import MAX_AUTHOR, MAX_NAME, MAX_NOTE, BadInput, NameTaken, StoreError, fmt_time
from giamngheo.ui import auth, headings, safe
from giamngheo.ui import scenarios as ui
from giamngheo.ui.auth import can_delete
from giamngheo.ui.session import context, lang, saved_scenarios, scenario, tr
from giamngheo.ui.tables import rows_table

MAX_JSON_BYTES = 200_000
MAX_JSON_DEPTH = 20          # a scenario file is two levels deep; 50,000 would exhaust the parser's stack


def json_depth(text: str) -> int:
    """The deepest nesting of [ and { in a JSON text (outside strings), without parsing it."""
    depth = deepest = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest
ctx = context()
L = lang()
reg = ctx.registry
plan_id = ctx.plan.id

headings.title(tr("scenarios.title"))
db = ui.store_or_stop()
st.caption(tr(f"scenarios.where_{db.kind}"))
ui.show_flash()


def unit_of(a) -> str:
    key = f"unit.{a.unit}"
    from giamngheo.i18n import catalogue
    return tr(key) if key in catalogue() else a.unit


def values_rows(values: dict) -> list[dict]:
    """The values, one row each in the registry's order: the assumption, its value, its default, its unit."""
    rows = []
    for k, v in sorted(values.items(), key=lambda kv: list(reg.items).index(kv[0]) if kv[0] in reg else 999):
        a = reg.items.get(k)
        rows.append({tr("scenarios.col_assumption"): field(a, "label", L) if a else k,
                     tr("scenarios.col_value"): fmt_num(v, L),
                     tr("scenarios.col_default"): fmt_num(a.default, L) if a else "–",
                     tr("scenarios.col_unit"): unit_of(a) if a else ""})
    return rows


def values_table(values: dict):
    """The values as a table, to Arrow from its cells (tables.rows_table: no pandas table on a move)."""
    return rows_table(values_rows(values))


def values_markdown(values: dict) -> str:
    """The values as a Markdown table, every cell shown as text. The current scenario's values appear with
    the first lever move away from the defaults: as Markdown they need no code the page has not loaded,
    where a table element (st.dataframe, st.table) made that move fetch and start Arrow's and the grid's
    code in the browser (0.9 MB for st.table, 24 files for a data grid): 0.8-2.8 s from key to repaint
    instead of about 0.3 on a loaded machine."""
    rows = values_rows(values)
    head = list(rows[0]) if rows else []
    out = ["| " + " | ".join(safe.table_cell(h) for h in head) + " |", "|---|--:|--:|---|"]
    out += ["| " + " | ".join(safe.table_cell(c, 400) or " " for c in r.values()) + " |" for r in rows]
    return "\n".join(out)


def save(name: str, author: str, note: str, values: dict, overwrite: bool = False, where: str = "save") -> None:
    """Save (a callback: runs before the next run draws anything); on a taken name keep the request
    so that the user can overwrite or save as new."""
    if not auth.can_edit():             # the same right for a new name, an overwrite and a delete
        ui.flash("error", tr("scenarios.save_not_allowed"), where)
        st.session_state.pop("_gn_pending_save", None)
        return
    if not str(name).strip():
        ui.flash("error", tr("scenarios.bad_name_empty"), where)
        return
    vid, h = ui.current_data_ref()
    try:
        saved = ui.store().save_scenario(plan_id, name, values, author=author, note=note, data_version=vid,
                                         data_hash=h, overwrite=overwrite)
    except NameTaken as exc:
        st.session_state["_gn_pending_save"] = {"name": name, "author": author, "note": note, "values": values,
                                                "suggestion": exc.suggestion, "existing": exc.existing.name,
                                                "where": where}
        return
    except BadInput as exc:
        key = f"scenarios.bad_{exc.field}_{exc.reason}"
        from giamngheo.i18n import catalogue
        ui.flash("error", tr(key) if key in catalogue() else tr("scenarios.bad_values"), where)
        return
    except StoreError as exc:
        ui.flash("error", ui.store_problem(exc), where)
        return
    st.session_state.pop("_gn_pending_save", None)
    st.session_state["_gn_author"] = author
    st.session_state["scenario_name"] = saved.name
    st.session_state[ui.ORIGIN] = {"kind": "saved", "id": saved.id, "name": saved.name, "values": dict(saved.values)}
    st.session_state["_gn_pick_saved"] = saved.id
    st.session_state["_gn_save_name"] = saved.name
    ui.flash("success", tr("scenarios.overwritten" if overwrite else "scenarios.saved", name=ui.md(saved.name)), where)


def submit_form() -> None:
    save(st.session_state.get("_gn_save_name", ""), st.session_state.get("_gn_save_author", ""),
         st.session_state.get("_gn_save_note", ""), scenario().as_dict())


def resolve_pending(choice: str) -> None:
    p = st.session_state.pop("_gn_pending_save", None)
    if not p or choice == "cancel":
        return
    if choice == "overwrite":
        save(p["name"], p["author"], p["note"], p["values"], overwrite=True, where=p.get("where", "save"))
    else:
        save(p["suggestion"], p["author"], p["note"], p["values"], where=p.get("where", "save"))


def duplicate(sid: str, name: str) -> None:
    if not auth.can_edit():
        ui.flash("error", tr("scenarios.save_not_allowed"), "list")
        return
    try:
        copy = ui.store().duplicate_scenario(sid, tr("scenarios.copy_name", name=name)[:MAX_NAME])
    except StoreError as exc:
        ui.flash("error", ui.store_problem(exc), "list")
        return
    st.session_state["_gn_pick_saved"] = copy.id
    ui.flash("success", tr("scenarios.duplicated", name=ui.md(copy.name)), "list")


def delete(sid: str, name: str) -> None:
    st.session_state.pop("_gn_confirm_delete", None)
    if not can_delete(notice=False):
        ui.flash("error", tr("scenarios.delete_not_allowed"), "list")
        return
    try:
        ok = ui.store().delete_scenario(sid)
    except StoreError as exc:
        ui.flash("error", ui.store_problem(exc), "list")
        return
    if ok:
        st.session_state.pop("_gn_pick_saved", None)
        ui.flash("success", tr("scenarios.deleted", name=ui.md(name)), "list")


def set_state(key: str, value) -> None:
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


# ------------------------------------------------------------------------------ the current scenario
cur = scenario()
headings.header(tr("scenarios.current"))
st.markdown(ui.current_label())
if cur.values:
    st.markdown(values_markdown(cur.as_dict()))
else:
    st.caption(tr("scenarios.all_defaults"))
st.markdown(tr("scenarios.copy_link"))
st.code(ui.share_url(reg.to_query(cur)), language=None, wrap_lines=True)

st.markdown(f"**{tr('scenarios.presets')}**")
presets = load_presets()
cols = st.columns(max(len(presets), 1))
for col, p in zip(cols, presets):
    col.button(p.name(L), key=f"gn_preset_{p.id}", on_click=ui.open_preset, args=(p.id,), help=p.about(L),
               width="stretch")

# ------------------------------------------------------------------------------ save
headings.header(tr("scenarios.save_header"))
if "_gn_save_name" not in st.session_state:
    o = ui.origin() or {}
    st.session_state["_gn_save_name"] = o.get("name", "") if o.get("kind") in ("saved", "import") else ""
if "_gn_save_author" not in st.session_state:
    st.session_state["_gn_save_author"] = st.session_state.get("_gn_author", "")
may_save = auth.can_edit()
if auth.mode() != "open":                # who is signed in (and sign-out), or the sign-in box
    if not may_save:
        st.info(tr("scenarios.save_needs_editor"), icon="🔒")
    may_save = auth.panel("gn_save_auth")
with st.form("gn_save_form", clear_on_submit=False):
    st.text_input(tr("scenarios.name"), key="_gn_save_name", max_chars=MAX_NAME,
                  placeholder=tr("scenarios.name_placeholder"))
    st.text_input(tr("scenarios.author"), key="_gn_save_author", max_chars=MAX_AUTHOR)
    st.text_area(tr("scenarios.note"), key="_gn_save_note", max_chars=MAX_NOTE, height=80)
    st.form_submit_button(tr("scenarios.save"), type="primary", on_click=submit_form, disabled=not may_save)

ui.show_flash("save")


def pending_choice() -> None:
    """A save that met a taken name: overwrite, save under the free name, or cancel."""
    pending = st.session_state.get("_gn_pending_save")
    if not pending:
        return
    st.warning(tr("scenarios.name_taken", name=ui.md(pending["existing"]), suggestion=ui.md(pending["suggestion"])))
    c1, c2, c3 = st.columns([1, 2, 1])
    c1.button(tr("scenarios.overwrite"), key="gn_overwrite", on_click=resolve_pending, args=("overwrite",),
              width="stretch", disabled=not auth.can_edit())
    c2.button(tr("scenarios.save_as_new", name=ui.md(pending["suggestion"])), key="gn_save_new",
              on_click=resolve_pending, args=("new",), width="stretch")
    c3.button(tr("scenarios.cancel"), key="gn_cancel_save", on_click=resolve_pending, args=("cancel",),
              width="stretch")


if st.session_state.get("_gn_pending_save", {}).get("where") == "save":
    pending_choice()

# ------------------------------------------------------------------------------ saved scenarios
headings.header(tr("scenarios.saved_header"))
try:
    saved_list = saved_scenarios(db, plan_id)     # read again after a save here, else at most every 2 s
except StoreError as exc:
    st.error(ui.store_problem(exc))
    saved_list = []
if not saved_list:
    ui.show_flash("list")
    st.info(tr("scenarios.none_saved"))
else:
    by_id = {s.id: s for s in saved_list}
    vid_now, hash_now = ui.current_data_ref()
    table = rows_table([{
        tr("scenarios.col_name"): safe.plain(s.name, MAX_NAME),
        tr("scenarios.col_author"): safe.plain(s.author, MAX_AUTHOR),
        tr("scenarios.col_note"): safe.plain(s.note, 300),
        tr("scenarios.col_changed"): len([k for k in s.values if k in reg and s.values[k] != reg[k].default]),
        tr("scenarios.col_data"): ui.data_label(s.data_version, s.data_hash, db)
        + ("" if (s.data_hash == hash_now or (s.data_version is not None and s.data_version == vid_now)) else " ⚠"),
        tr("scenarios.col_saved_at"): fmt_time(s.updated_at, L),
        tr("scenarios.col_id"): s.id,
    } for s in saved_list])
    st.dataframe(table, hide_index=True, width="stretch")
    if st.session_state.get("_gn_pick_saved") not in by_id:
        st.session_state["_gn_pick_saved"] = saved_list[0].id
    sid = st.selectbox(tr("scenarios.pick"), list(by_id), key="_gn_pick_saved",
                       format_func=lambda i: f"{safe.plain(by_id[i].name, MAX_NAME)} · {fmt_time(by_id[i].updated_at, L)}")
    sel = by_id[sid]
    c1, c2, c3, c4 = st.columns(4)
    c1.button(tr("scenarios.open"), key="gn_open", on_click=ui.open_saved, args=(sel.id,), type="primary",
              width="stretch")
    c2.button(tr("scenarios.duplicate"), key="gn_duplicate", width="stretch", on_click=duplicate,
              args=(sel.id, sel.name), disabled=not auth.can_edit())
    c3.button(tr("scenarios.delete"), key="gn_delete", width="stretch", on_click=set_state,
              args=("_gn_confirm_delete", sel.id))
    # the CLI's --scenario format, with the values this version knows (an unknown id would stop the CLI)
    c4.download_button(tr("scenarios.export"), data=ui.lenient(reg, sel.values, sel.name)[0].to_json().encode("utf-8"),
                       file_name=f"{ui.slug(sel.name)}.json", mime="application/json", key="gn_export",
                       on_click="ignore", width="stretch")
    if st.session_state.get("_gn_confirm_delete") == sel.id:
        allowed = can_delete()
        st.warning(tr("scenarios.confirm_delete", name=ui.md(sel.name)))
        if not allowed:                 # deleting needs an editor: the sign-in box, where one is configured
            allowed = auth.panel("gn_delete_auth")
        d1, d2, _ = st.columns([1, 1, 2])
        d1.button(tr("scenarios.delete_yes"), key="gn_delete_yes", type="primary", disabled=not allowed,
                  on_click=delete, args=(sel.id, sel.name))
        d2.button(tr("scenarios.cancel"), key="gn_delete_no", on_click=set_state, args=("_gn_confirm_delete", None))
    ui.show_flash("list")
    st.markdown(tr("scenarios.short_link"))
    st.code(ui.share_url({"scenario": sel.id}), language=None, wrap_lines=True)
    drift = ui.drift_of(sel)
    if drift:
        st.info(ui.drift_text(drift))
    with st.expander(tr("scenarios.details")):
        st.table(values_table(sel.values), hide_index=True)

# ------------------------------------------------------------------------------ import
headings.header(tr("scenarios.import_header"))
st.caption(tr("scenarios.import_help"))
up = st.file_uploader(tr("scenarios.import"), type=["json"], key="gn_import", max_upload_size=1)
if up is not None:
    raw_bytes = up.getvalue()
    problem = None
    obj = None
    if len(raw_bytes) > MAX_JSON_BYTES:
        problem = tr("scenarios.json_too_big", kb=fmt_num(MAX_JSON_BYTES / 1000, L, 0))
    else:
        try:
            if raw_bytes[:2] in (b"\xff\xfe", b"\xfe\xff"):
                text = raw_bytes.decode("utf-16")
            else:
                text = raw_bytes.decode("utf-8-sig")
            depth = json_depth(text)
            if depth > MAX_JSON_DEPTH:
                problem = tr("scenarios.json_too_deep", depth=MAX_JSON_DEPTH)
            else:
                obj = json_loads(text)
        except JsonNumberError as exc:
            problem = tr("scenarios.json_number_too_long", n=fmt_num(exc.n, L, 0), limit=MAX_NUMBER_CHARS)
        except RecursionError:
            problem = tr("scenarios.json_too_deep", depth=MAX_JSON_DEPTH)
        except UnicodeDecodeError:
            problem = tr("scenarios.json_encoding")
        except json.JSONDecodeError as exc:
            problem = tr("scenarios.json_syntax", line=exc.lineno, col=exc.colno, msg=exc.msg)
    imported = None
    if problem is None:
        try:
            imported = scenario_from_json_obj(obj, reg)
            if not isinstance(obj.get("name", ""), str):
                raise ValueError("name")
        except ScenarioError as exc:
            a = reg.items.get(exc.id)
            problem = tr(f"scenarios.json_{exc.code}", id=ui.md(exc.id), value=ui.md(str(exc.value)[:40]),
                         lo=fmt_num(a.min, L) if a else "", hi=fmt_num(a.max, L) if a else "")
        except (ValueError, AttributeError, TypeError):
            problem = tr("scenarios.json_shape")
    if problem:
        st.error(tr("scenarios.json_error", file=ui.md(up.name)) + " " + problem)
    elif imported is not None:
        given = imported.name.strip() or up.name.rsplit(".", 1)[0]
        iname = safe.plain(given, MAX_NAME) or tr("scenarios.json_unnamed")   # no bidi controls, at most 80
        st.success(tr("scenarios.json_ok", name=ui.md(iname), n=len(imported.values)))
        if iname != " ".join(given.split()):
            st.info(tr("scenarios.json_name_cleaned", n=MAX_NAME))
        if imported.values:
            st.table(values_table(imported.as_dict()), hide_index=True)
        i1, i2, _ = st.columns([1, 1, 2])
        i1.button(tr("scenarios.open"), key="gn_import_open", on_click=ui.open_values,
                  args=(imported.as_dict(), iname))
        i2.button(tr("scenarios.import_save"), key="gn_import_save", on_click=save,
                  args=(iname, st.session_state.get("_gn_author", ""), tr("scenarios.imported_note", file=safe.plain(up.name, 80)),
                        imported.as_dict()), kwargs={"where": "import"})
ui.show_flash("import")
if st.session_state.get("_gn_pending_save", {}).get("where") == "import":
    pending_choice()
