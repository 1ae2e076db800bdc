"""Báo cáo: a scenario (the one on screen or a saved one) as an Excel workbook and a Word report (the
progress review or the final review of the plan period), in Vietnamese or English, with the
probability of each projected target; who issues the report is a setting an editor changes here."""
import streamlit as st

from giamngheo.i18n import LANGS, t
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import export
from giamngheo.report import issuer as issuer_mod
from giamngheo.report.board import board, summary
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import StoreError
from giamngheo.ui import agreed, auth, headings, safe, tables
from giamngheo.ui.session import context, issuer_in_force, lang, mc_results, saved_scenarios, scenario, sd_overrides, store, tr

ctx = context()
reg = ctx.registry

try:
    db = store()        # asked once a run: the saved scenarios below, the issuer's settings, the form's saving
except StoreError:
    db = None
try:
    # read again after a save here, else at most every 2 s (not on every lever move)
    saved = {s.id: s for s in saved_scenarios(db, ctx.plan.id)} if db is not None else {}
except StoreError:
    saved = {}

headings.title(tr("report.title"))
st.caption(tr("report.intro"))

c1, c2 = st.columns([1, 2])
with c1:
    L = st.radio(tr("report.language"), LANGS, index=LANGS.index(lang()), key="report_lang", horizontal=True,
                 format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])
    kind = st.radio(tr("reports.kind"), export.KINDS, key="report_kind",
                    format_func=lambda k: tr(f"reports.kind_{k}", a=ctx.plan.period[0], b=ctx.plan.period[1]))
    current = scenario()
    # the labels depend on the language: one widget per language keeps the choice valid
    labels = {"": tr("report.scenario_current"), **{k: safe.plain(v.name, 80) for k, v in saved.items()}}
    pick = st.selectbox(tr("report.scenario"), list(labels), key=f"report_scenario_{lang()}", format_func=labels.get)
if pick:
    s_saved = saved[pick]
    sc = Scenario.of(s_saved.name, {k: reg[k].clamp(v) for k, v in s_saved.values.items() if k in reg})
    mc = monte_carlo_cached(ctx, sc, overrides=sd_overrides())
    defaults = export.ReportMeta.of_saved(s_saved, lang())
else:
    sc = current
    mc = mc_results()
    defaults = export.ReportMeta(scenario_name=current.name)
proj, verdicts = mc.projection, mc.verdicts
changed = export.changed_values(ctx, sc, lang())
with c1:
    st.caption(tr("report.changed", n=len(changed)) + ("; ".join(f"{a}: {b}" for a, b in changed) if changed else ""))
with c2:
    # keyed by the scenario picked, so picking another one fills in its own name, author and note
    name = st.text_input(tr("report.name"), value=defaults.scenario_name, key=f"report_name_{pick}", max_chars=120)
    author = st.text_input(tr("report.author"), value=defaults.author, key=f"report_author_{pick}", max_chars=80)
    note = st.text_area(tr("report.note"), value=defaults.note, key=f"report_note_{pick}", max_chars=2000, height=68)

meta = export.ReportMeta(scenario_name=name, author=author, note=note, saved_at=defaults.saved_at,
                         data_version=defaults.data_version)
stamp = meta.generated

iss = issuer_in_force(db)     # read again after a save of the form, else at most every 2 s

b1, b2 = st.columns(2)
b1.download_button(tr("report.download_xlsx"), data=lambda: export.workbook_bytes(ctx, sc, L, meta, proj, verdicts, issuer=iss),
                   file_name=export.file_name(ctx.plan, "xlsx", stamp, L), mime=export.XLSX_MIME, key="dl_xlsx",
                   on_click="ignore", icon=":material/table_chart:", type="primary")
b2.download_button(tr("report.download_docx"),
                   data=lambda: export.docx_bytes(ctx, sc, L, meta, proj, verdicts, kind=kind, issuer=iss,
                                                  follow_up=agreed.measurement()),   # the adopted path, if any
                   file_name=export.file_name(ctx.plan, "docx", stamp, L, report=kind), mime=export.DOCX_MIME,
                   key="dl_docx", on_click="ignore", icon=":material/description:", type="primary")
b2.caption(tr("report.docx_slow"))

# what the files hold; names and contents in the report's language
rows = board(ctx.plan, ctx.indicators, verdicts, L)
s = summary(rows)
headings.subheader(tr("report.inside"))
i1, i2 = st.columns(2)
with i1:
    st.markdown(tr("report.xlsx_head") + "\n" + "\n".join(
        f"- **{n}** — {t('export.sheet_' + k + '_desc', L)}" for k, n in zip(export.SHEETS, export.sheet_names(L))))
with i2:
    st.markdown(tr("report.docx_head") + "\n" + tr(
        f"reports.parts_{kind}", issuer=safe.text(iss.get("body", L), 200),
        header=tr(f"reports.header_{iss.kind}"),
        place=safe.text(f"{iss.get('place', L)}, {export.date_words(stamp, L)}", 200),
        headline=t("export.headline", L, good=s["good"], total=s["total"]), areas=len(ctx.plan.areas),
        charts=export.key_chart_count(ctx, proj), a=ctx.plan.period[0], b=ctx.plan.period[1], h=ctx.plan.horizon))


# -- who issues the report: shown to everyone, changed by an editor (a new version in the store)
ISSUER_FIELDS = ("body_vi", "body_en", "above_vi", "above_en", "place_vi", "place_en", "number", "symbol",
                 "signer_for_vi", "signer_for_en", "signer_title_vi", "signer_title_en", "signer_name",
                 "plan_issuer_vi", "plan_issuer_en")


def save_issuer_form() -> None:
    """The form's values, checked, as a new version of the settings (editors only, decided here)."""
    ss = st.session_state
    if not auth.can_edit() or db is None:
        ss["_gn_issuer_msg"] = ("error", tr("reports.issuer_read_only"))
        return
    raw = {"kind": ss.get("issuer_kind", iss.kind),
           **{f: ss.get(f"issuer_{f}", getattr(iss, f)) for f in ISSUER_FIELDS},
           "recipients_vi": ss.get("issuer_recipients_vi", "\n".join(iss.recipients_vi)),
           "recipients_en": ss.get("issuer_recipients_en", "\n".join(iss.recipients_en))}
    # what was sent and not saved is kept out of the widgets' state: Streamlit drops that state on the first run with
    # the box folded, and the entries to mend would be gone when it is opened again
    ss["_gn_issuer_draft"] = raw
    try:
        issuer_mod.save_issuer(db, issuer_mod.parse_issuer(raw), author=auth.editor_name())
    except issuer_mod.IssuerError as exc:
        ss["_gn_issuer_msg"] = ("error", tr(f"reports.issuer_err_{exc.reason}", field=tr(f"reports.issuer_f_{exc.field}")))
        return
    except StoreError as exc:
        ss["_gn_issuer_msg"] = ("error", tr("report.error", error=safe.plain(exc, 200)))
        return
    ss.pop("_gn_issuer_draft", None)
    ss["_gn_issuer_msg"] = ("success", tr("reports.issuer_saved"))


headings.subheader(tr("reports.issuer_title"))
st.caption(tr("reports.issuer_intro"))
st.markdown("\n".join([
    f"- {tr('reports.issuer_f_kind')}: {tr('reports.kind_name_' + iss.kind)}",
    f"- {tr('reports.issuer_f_body_vi')}: {safe.text(iss.body_vi, 200)}"
    + (f" ({tr('reports.issuer_f_above_vi')}: {safe.text(iss.above_vi, 200)})" if iss.above_vi else ""),
    f"- {tr('reports.issuer_f_symbol')}: {safe.text((iss.number or '…') + ' · ' + iss.symbol, 100)}",
    f"- {tr('reports.issuer_f_place_vi')}: {safe.text(iss.place_vi, 200)}",
    f"- {tr('reports.issuer_f_signer_for_vi')}: {safe.text(iss.signer_for_vi + ' · ' + iss.signer_title_vi, 200)}",
]))
msg = st.session_state.pop("_gn_issuer_msg", None)
if msg:
    (st.error if msg[0] == "error" else st.success)(msg[1])
# the form (its sign-in, 15 text boxes, 2 text areas) is drawn only while its box is open: the box tracks whether it
# is (opening it reruns the page with it), so a lever move with the box folded sends none of them; React draws a
# folded expander's content too, and every text box is a widget Streamlit registers on every run
issuer_box = st.expander(tr("reports.issuer_edit"), key="gn_issuer_open", on_change="rerun")
if issuer_box.open:
    with issuer_box:
        may_edit = auth.panel("gn_issuer_auth") if auth.mode() != "open" else auth.can_edit()
        # a send that was refused comes back as it was sent, also after the box was folded; else the saved settings
        draft = st.session_state.get("_gn_issuer_draft") or {}
        kind = draft.get("kind", iss.kind)
        with st.form("gn_issuer_form", clear_on_submit=False):
            st.radio(tr("reports.issuer_f_kind"), issuer_mod.KINDS,
                     index=issuer_mod.KINDS.index(kind if kind in issuer_mod.KINDS else iss.kind),
                     key="issuer_kind", horizontal=True, format_func=lambda k: tr(f"reports.kind_name_{k}"))
            cols = st.columns(2)
            for i, f in enumerate(ISSUER_FIELDS):
                cols[i % 2].text_input(tr(f"reports.issuer_f_{f}"), value=draft.get(f, getattr(iss, f)),
                                       key=f"issuer_{f}", max_chars=issuer_mod.MAX_TEXT)
            cols = st.columns(2)
            for i, f in enumerate(("recipients_vi", "recipients_en")):
                cols[i].text_area(tr(f"reports.issuer_f_{f}"), value=draft.get(f, "\n".join(getattr(iss, f))),
                                  key=f"issuer_{f}", height=110,
                                  max_chars=issuer_mod.MAX_TEXT * issuer_mod.MAX_RECIPIENTS)
            st.form_submit_button(tr("reports.issuer_save"), type="primary", on_click=save_issuer_form,
                                  disabled=not may_edit)

headings.subheader(tr("report.preview"))
# the rows go to Arrow as they are (tables.rows_table), not through a pandas table made on every move; the
# column names looked up once, not once per row
c_num, c_target, c_latest, c_goal, c_status, c_prob, c_basis = (
    t(k, L) for k in ("board.col_number", "board.col_target", "board.col_latest", "board.col_goal",
                      "export.col_status", "export.col_probability", "export.col_basis"))
preview = [{c_num: r.number, c_target: r.text, c_latest: r.latest, c_goal: r.goal, c_status: r.status_label,
            c_prob: export.fmt_pct(r.probability * 100, L, 0) if r.probability is not None else "",
            c_basis: t(f"basis.{r.basis}", L) if r.basis else ""} for r in rows]
preview_cols = (c_num, c_target, c_latest, c_goal, c_status, c_prob, c_basis)
# the element kept by what it shows (its cells and columns): a lever move that leaves every verdict and chance as
# it was sends it as it was, without making it again
tables.dataframe(("report:preview", preview_cols, tuple(tuple(p.values()) for p in preview)),
                 lambda: tables.rows_table(preview), hide_index=True, width="stretch", row_height=tables.ROW_WRAP,
                 height=tables.height(len(rows)),
                 column_config=tables.widths(preview_cols, {c_num: 40, c_target: 250, c_prob: 90, c_basis: 80}))
