"""Báo cáo: a scenario (the one on screen or a saved one) as an Excel workbook and a Word report,
in Vietnamese or English, with the probability of each projected target."""
import streamlit as st

from giamngheo.i18n import LANGS, t
from giamngheo.i18n import field as data_field
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import export
from giamngheo.report.board import board, summary
from giamngheo.scenario.assumptions import Scenario
from giamngheo.store import StoreError
from giamngheo.ui import safe, tables
from giamngheo.ui.state import context, lang, mc_results, scenario, sd_overrides, store, tr

ctx = context()
reg = ctx.registry

try:
    saved = {s.id: s for s in store().list_scenarios(ctx.plan.id)}
except StoreError:
    saved = {}

st.title(tr("report.title"))
st.caption(tr("report.intro"))

c1, c2 = st.columns([1, 2])
with c1:
    L = st.radio(tr("report.language"), LANGS, index=LANGS.index(lang()), key="report_lang", horizontal=True,
                 format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])
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

b1, b2 = st.columns(2)
b1.download_button(tr("report.download_xlsx"), data=lambda: export.workbook_bytes(ctx, sc, L, meta, proj, verdicts),
                   file_name=export.file_name(ctx.plan, "xlsx", stamp, L), mime=export.XLSX_MIME, key="dl_xlsx",
                   on_click="ignore", icon=":material/table_chart:", type="primary")
b2.download_button(tr("report.download_docx"), data=lambda: export.docx_bytes(ctx, sc, L, meta, proj, verdicts),
                   file_name=export.file_name(ctx.plan, "docx", stamp, L), mime=export.DOCX_MIME, key="dl_docx",
                   on_click="ignore", icon=":material/description:", type="primary")
b2.caption(tr("report.docx_slow"))

# what the files hold; names and contents in the report's language
rows = board(ctx.plan, ctx.indicators, verdicts, L)
s = summary(rows)
st.subheader(tr("report.inside"))
i1, i2 = st.columns(2)
with i1:
    st.markdown(tr("report.xlsx_head") + "\n" + "\n".join(
        f"- **{n}** — {t('export.sheet_' + k + '_desc', L)}" for k, n in zip(export.SHEETS, export.sheet_names(L))))
with i2:
    st.markdown(tr("report.docx_head") + "\n" + tr(
        "report.docx_parts", issuer=data_field(ctx.plan, "issuer", L), place=export.place_date(ctx.plan, stamp, L),
        headline=t("export.headline", L, good=s["good"], total=s["total"]), areas=len(ctx.plan.areas),
        charts=export.key_chart_count(ctx, proj)))

st.subheader(tr("report.preview"))
st.dataframe([{t("board.col_number", L): r.number, t("board.col_target", L): r.text, t("board.col_latest", L): r.latest,
               t("board.col_goal", L): r.goal, t("export.col_status", L): r.status_label,
               t("export.col_probability", L): export.fmt_pct(r.probability * 100, L, 0) if r.probability is not None
               else "", t("export.col_basis", L): t(f"basis.{r.basis}", L) if r.basis else ""} for r in rows],
             hide_index=True, width="stretch", row_height=tables.ROW_WRAP, height=tables.height(len(rows)),
             column_config=tables.widths([t("board.col_number", L), t("board.col_target", L), t("board.col_latest", L),
                                          t("board.col_goal", L), t("export.col_status", L),
                                          t("export.col_probability", L), t("export.col_basis", L)],
                                         {t("board.col_number", L): 40, t("board.col_target", L): 250,
                                          t("export.col_probability", L): 90,
                                          t("export.col_basis", L): 80}))
