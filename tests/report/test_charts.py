"""Chart specs (giamngheo/report/charts.py, giamngheo/ui/chart.py): Vietnamese numbers through Vega's
number locale in every chart, templates built once, the fan from the draws, the leader's main chart,
and (issue 11 §6) no core result cached in the UI: a new data version changes the overview at once.

Rendered text comes from vl-convert's SVG (the same Vega that draws the page), so what is checked is
what a user reads, not the spec's wording.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from streamlit.testing.v1 import AppTest

from giamngheo.model.engine import default_context, run
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import charts, commune_charts, views, what_it_takes
from giamngheo.scenario.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def ctx():
    # the demo dataset: every chart kind has data to draw there (labour, schools, services)
    return default_context(dataset="demo")


@pytest.fixture(scope="module")
def mc(ctx):
    return monte_carlo_cached(ctx, Scenario.of("", {"jobs": 5000}))


def svg_texts(spec: dict) -> list[str]:
    svg = vlc.vegalite_to_svg(charts.spec_records(spec))
    return [re.sub(r"&[a-z#0-9]+;", " ", s) for s in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def english_numbers(texts: list[str]) -> list[str]:
    """Numbers written the English way, given that the charts show at most 2 decimals: a point
    followed by other than exactly 3 digits (1.5, 2.33), or a comma followed by exactly 3 digits
    (1,234)."""
    bad = []
    for s in texts:
        if re.search(r"\d\.(\d{1,2}|\d{4,})(?!\d)", s) or re.search(r"\d,\d{3}(?!\d)", s):
            bad.append(s)
    return bad


def all_charts(ctx, mc, lang: str) -> dict[str, dict]:
    """Every kind of chart the app draws, built as the pages build them."""
    from giamngheo.model import goalseek
    proj, verdicts = mc.projection, mc.verdicts
    plan, brk = ctx.plan, ctx.plan.standard.break_year
    groups = ["all"] + ctx.groups
    out: dict[str, dict] = {}
    for ind in ("poor_rate", "near_poor_rate"):
        df = charts.path_frame(proj, [(ind, g, g) for g in groups], lang, break_year=brk, from_year=plan.period[0],
                               bands=True)
        marks = [m for g in groups for m in views.target_marks(plan, verdicts, ind, g, lang)]
        out[ind] = charts.line_chart(df, "Tỷ lệ (%)", lang, targets=marks, break_year=brk)
    df = charts.path_frame(proj, [("trained_labour_rate", "all", "x"), ("certified_labour_rate", "all", "y")], lang,
                           from_year=plan.period[0], bands=True)
    out["trained"] = charts.line_chart(df, "%", lang, targets=[m for i in ("trained_labour_rate", "certified_labour_rate")
                                                               for m in views.target_marks(plan, verdicts, i, "all", lang)])
    df = charts.path_frame(proj, [("jobs_created", "all", "jobs")], lang, from_year=plan.period[0], bands=True,
                           percent=False).drop_duplicates(["year"])
    out["jobs"] = charts.bar_fan_chart(df, "workers", lang, rule=3000, rule_label="Mục tiêu: 3.000")
    df = charts.path_frame(proj, [("national_standard_upper_secondary_new", "all", "T16")], lang,
                           from_year=plan.period[0]).drop_duplicates(["year"])
    out["T16"] = charts.bar_chart(df, "year", "value", "basis_label", "", lang, height=180)
    cdf = views.channel_frame(proj, lang)
    out["flows"] = charts.flow_balance_chart(cdf[cdf["year"] > ctx.as_of], "hộ", lang)
    sc = Scenario.of("", {"jobs": 5000})
    for att in goalseek.gap_attribution(ctx, sc)[:1]:
        out["gap"] = charts.gap_chart(what_it_takes.attribution_frame(att, lang), "gap", lang, threshold=100 * att.threshold,
                                      threshold_label="ngưỡng")
    tn = goalseek.tornado(ctx, sc)
    g = tn.bars[0][0]
    base, _ = tn.for_group(g)
    out["tornado"] = charts.tornado_chart(what_it_takes.tornado_frame(ctx, tn, g, lang), "x", lang, base=base)
    runs = [("A", proj), ("B", run(ctx, Scenario())[0])]
    out["compare"] = charts.compare_chart(charts.compare_frame(runs, "poor_rate", "all", lang, from_year=2021,
                                                               break_year=brk), "p", lang, break_year=brk)
    out["main"] = charts.main_chart(views.main_chart_frame(ctx, sc, mc, lang=lang), lang, break_year=brk)
    rk = pd.DataFrame({"unit": [f"Xã {i}" for i in range(6)], "poor_rate": [1.25, 2.5, 0.75, 3.125, 1.0, 1234.5],
                       "above": [False, True, False, True, False, True]})
    rk["label"] = rk["poor_rate"].map(lambda v: charts.value_label(v, lang, True))
    out["communes"] = commune_charts.ranking_chart(rk, "poor_rate", "x", lang, rule=1.5, rule_label="t")
    return out


def test_every_chart_reads_vietnamese_numbers(ctx, mc):
    specs = all_charts(ctx, mc, "vi")
    for name, spec in specs.items():
        assert "replace(" not in str({k: v for k, v in spec.items() if k != "datasets"}), name   # no regex rewriting
        assert spec["config"]["locale"]["number"]["decimal"] == ",", name
        texts = svg_texts(spec)
        assert texts, name
        assert english_numbers(texts) == [], (name, english_numbers(texts))
    # a decimal comma where a rate has decimals, and the thousands dot where a count is large
    assert any(re.fullmatch(r"\d+,\d%", s) for s in svg_texts(specs["poor_rate"]))
    assert "1.234,5%" in svg_texts(specs["communes"])


def test_the_same_charts_read_english_numbers_in_english(ctx, mc):
    specs = all_charts(ctx, mc, "en")
    texts = svg_texts(specs["poor_rate"])
    assert any(re.fullmatch(r"\d+\.\d%", s) for s in texts)
    assert "1,234.5%" in svg_texts(specs["communes"])


def test_no_mixed_formats_in_labels_and_integer_axis_for_counts(ctx, mc):
    # a 99,8% target is "99,8%", not "99,80"
    lab = views.target_marks(ctx.plan, [v for v in mc.verdicts], "primary_enrolment_rate", "all", "vi")
    tg = next(t for t in ctx.plan.targets if t.indicator == "primary_enrolment_rate")
    if lab:
        assert lab[0]["label"].endswith(f"{str(tg.value).replace('.', ',')}%")
    assert charts.value_label(99.8, "vi", True) == "99,8%"
    assert charts.value_label(70.1, "en", True) == "70.1%"
    # a count of schools: the axis ticks are whole numbers (never "1, 1, 0")
    df = pd.DataFrame({"year": [2021, 2022, 2023], "value": [0.0, 1.0, 1.0], "basis_label": ["thực tế"] * 3,
                       "label": ["0", "1", "1"]})
    texts = svg_texts(charts.bar_chart(df, "year", "value", "basis_label", "", "vi", height=180))
    ticks = [s for s in texts if re.fullmatch(r"[\d.,]+", s) and not re.fullmatch(r"20\d\d", s)]
    assert ticks and all(re.fullmatch(r"\d+", s) for s in ticks), ticks
    assert len(set(ticks)) == len(ticks)


def test_a_made_template_is_read_while_another_thread_builds_one():
    """A session reading a template already made does not wait for the lock another thread holds while it
    builds a different one (the background warm-up builds eight, about half a second each)."""
    import threading

    import altair as alt
    made = charts.template(("t-lockfree",), lambda: alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), "vi")
    held, release = threading.Event(), threading.Event()

    def builder() -> None:
        with charts._LOCK:            # as a build holds it
            held.set()
            release.wait(10)
    th = threading.Thread(target=builder)
    th.start()
    try:
        assert held.wait(5)
        t0 = time.perf_counter()
        got = charts.template(("t-lockfree",), lambda: pytest.fail("must not build again"), "vi")
        waited = time.perf_counter() - t0
    finally:
        release.set()
        th.join()
    assert got is made
    assert waited < 1.0                # with the lock taken for the read it would wait the full 10 s


def test_templates_are_built_once_and_only_the_data_change(ctx):
    sc1, sc2 = Scenario.of("", {"jobs": 1000}), Scenario.of("", {"jobs": 7000})
    specs = []
    for sc in (sc1, sc2):
        mc = monte_carlo_cached(ctx, sc)
        df = charts.path_frame(mc.projection, [("poor_rate", "all", "a")], "vi", break_year=ctx.plan.standard.break_year,
                               from_year=2021, bands=True)
        n = len(charts._TEMPLATES)
        specs.append(charts.line_chart(df, "t-once", "vi", break_year=ctx.plan.standard.break_year))
    assert len(charts._TEMPLATES) == n                  # the second chart built no new template
    a, b = specs
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    assert a["layer"] is b["layer"]                    # the very same template, not rebuilt
    assert a["datasets"]["main"] != b["datasets"]["main"]


def test_fan_percentiles_are_those_of_the_draws(ctx, mc):
    df = charts.path_frame(mc.projection, [("poor_rate", "all", "a")], "vi", from_year=2021, bands=True)
    p = mc.projection.path("poor_rate", "all")
    for y, d in p.draws.items():
        row = df[(df["year"] == y) & (df["basis"] == "projected")].iloc[0]
        s = pd.Series(np.asarray(d))      # an independent route: pandas' quantile, year by year
        for q in (10, 25, 75, 90):
            assert row[f"p{q}"] == pytest.approx(float(s.quantile(q / 100)), rel=1e-12, abs=1e-12)


def test_main_chart_frame_and_spec(ctx):
    sc = Scenario.of("", {"jobs": 8000, "overseas": 1500})
    mc = monte_carlo_cached(ctx, sc)
    fr = views.main_chart_frame(ctx, sc, mc, lang="vi")
    brk = ctx.plan.standard.break_year
    cur = fr[fr["role"] == "scenario"]
    assert set(cur["group"]) == {"all", *ctx.groups}
    assert cur["year"].min() == ctx.plan.period[0] and cur["year"].max() == ctx.horizon
    # segments follow the plan's break year (never a hard-coded year)
    assert ((cur["year"] >= brk) == (cur["segment"] == "new")).all()
    # the actual years are the observed values; the projection carries its band
    p = mc.projection.path("poor_rate", "all")
    for _, r in cur[(cur["group"] == "all")].iterrows():
        assert r["value"] == pytest.approx(p.values[r["year"]])
    assert cur.loc[cur["basis"] == "projected", "p10"].notna().any()
    # the baseline is the default scenario's projection
    base = fr[fr["role"] == "baseline"]
    dp = run(ctx, Scenario())[0].path("poor_rate", "all")
    ball = base[base["group"] == "all"]
    assert len(ball) and all(r["value"] == pytest.approx(dp.values[r["year"]]) for _, r in ball.iterrows())
    # the targets are those of the plan on the poor rate
    tg = fr[fr["role"] == "target"]
    expected = {(m["year"], round(m["value"], 9)) for g in ["all", *ctx.groups]
                for m in views.target_marks(ctx.plan, mc.verdicts, "poor_rate", g, "vi")}
    assert {(int(r["year"]), round(r["value"], 9)) for _, r in tg.iterrows()} == expected
    # the default scenario has no baseline of its own
    fd = views.main_chart_frame(ctx, Scenario(), monte_carlo_cached(ctx, Scenario()), lang="vi")
    assert not (fd["role"] == "baseline").any()
    spec = charts.main_chart(fr, "vi", break_year=brk)
    # one y-axis for the years before and after the break (no second scale that could put 1,28 % above 1,8 %)
    assert "resolve" not in spec
    texts = svg_texts(spec)
    assert "Kịch bản mặc định" in texts
    # the break's label on two lines, narrow enough for a small plot (one line ran past the axis at 1024 px)
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", vlc.vegalite_to_svg(charts.spec_records(spec)))
    assert "Chuẩn nghèo" in lines and "mới →" in lines
    assert charts.break_text("vi") == "Chuẩn nghèo|mới" and charts.break_text("en") == "New poverty|standard"
    assert any(s.startswith("Mục tiêu 2030") for s in texts)


# ------------------------------------------------------------------------------------------ AppTests

def page(name: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=120)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def test_a_page_whose_data_do_not_move_does_no_chart_work(demo_dataset):
    # the demo dataset: the services page has a chart per indicator there
    from giamngheo.ui import chart as ui_chart
    at = page("4_dich_vu_xa_hoi.py")
    assert not at.exception
    n_specs, n_tpl = len(ui_chart._SPECS), len(charts._TEMPLATES)
    first = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(first) >= 10
    at.session_state["jobs"] = 6500       # the headline slider: no service indicator depends on it
    at.run()
    assert not at.exception
    assert (len(ui_chart._SPECS), len(charts._TEMPLATES)) == (n_specs, n_tpl)
    assert [c.proto.spec for c in at.get("vega_lite_chart")] == first


def test_a_page_whose_data_move_rebuilds_only_the_data():
    from giamngheo.ui import chart as ui_chart
    at = page("2_giam_ngheo.py")
    assert not at.exception
    n_tpl = len(charts._TEMPLATES)
    keys = set(ui_chart._SPECS.keys())
    at.run()                                  # nothing changed: nothing built
    assert set(ui_chart._SPECS.keys()) == keys
    at.session_state["jobs"] = 6100
    at.run()
    assert not at.exception
    assert len(set(ui_chart._SPECS.keys()) - keys) == 3       # three charts with new data …
    assert len(charts._TEMPLATES) == n_tpl              # … and no template built again


def test_a_new_data_version_changes_the_overview_in_the_same_process(db):
    """Issue 11 §6: the overview's verdicts come from the core's cache keyed by the data in use."""
    db.save_data_version(EMBEDDED, note="gốc", parent_id=None)
    at = page("1_tong_quan.py")
    assert not at.exception
    before = "\n".join(h.value for h in at.html if "gn-board" in h.value)
    assert before
    # the 2024 poor households four times what they were: the 2030 projection starts elsewhere
    line = next(ln for ln in EMBEDDED.splitlines() if ln.startswith("poor_households,all,2024,"))
    n = int(line.split(",")[3])
    changed = EMBEDDED.replace(line, line.replace(f",{n},", f",{4 * n},", 1))
    assert changed != EMBEDDED
    db.save_data_version(changed, note="sửa 2025")
    time.sleep(2.1)                            # the latest version id is re-read every 2 s
    at.run()
    assert not at.exception
    after = "\n".join(h.value for h in at.html if "gn-board" in h.value)
    assert after and after != before


def test_meeting_mode_chart_text_grows_with_its_box(ctx, mc):
    """Meeting mode sizes the chart's box from the screen (40 % of its height); the chart's type follows
    the plot: every text of the chart is larger in a plot 1.8× as large, no smaller than 14 px (read from the back of a room),
    and a narrow plot keeps the smallest type."""
    items = [("poor_rate", g, g) for g in ["all", *ctx.groups]]
    rows = charts.path_rows(mc.projection, items, "vi", break_year=ctx.plan.standard.break_year, from_year=2021,
                            bands=True)
    spec = charts.scaled_type(charts.line_chart(rows, "y", "vi", break_year=ctx.plan.standard.break_year))

    def sizes(h: int, w: int) -> set[float]:
        svg = vlc.vegalite_to_svg(charts.spec_records(dict(spec, height=h, width=w)))
        return {float(x) for x in re.findall(r'<text[^>]*font-size="([0-9.]+)px"', svg)}
    small, large = sizes(280, 1300), sizes(480, 2000)
    assert small and large and min(small) >= 14
    assert min(large) > max(small)          # all of the text, not only the axis labels
    # no element here (vl-convert): the plot's height × 1.3 stands in for the box's, / 22
    assert max(small) == pytest.approx(280 * 1.3 / 22) and max(large) == pytest.approx(min(26, 480 * 1.3 / 22))
    assert max(sizes(400, 240)) == pytest.approx(14)       # a narrow plot: width × 1.2 / 30 < 14, kept at 14


def test_the_warm_up_builds_every_main_chart_template_a_slider_move_needs(ctx):
    """app.py warms the process up (in a background thread): afterwards the first slider move, in either
    language and on the overview or in meeting mode, builds no template of its own."""
    from giamngheo.ui import main_chart
    main_chart.warm_up(ctx)
    n = len(charts._TEMPLATES)
    sc = Scenario.of("", {"jobs": 4321, "overseas": 777})
    mc = monte_carlo_cached(ctx, sc)
    for lang in ("vi", "en"):
        for stretch in (False, True):
            main_chart.main_chart_specs(ctx, sc, mc, lang, 300 if stretch else main_chart.OVERVIEW_CHART_HEIGHT,
                                        stretch)
    assert len(charts._TEMPLATES) == n


def test_the_commune_ranking_draws_the_largest_first():
    """Bars from the largest rate down, whatever the rows' order (the names' order in the drawn chart)."""
    rk = pd.DataFrame({"unit": ["An", "Bình", "Châu", "Định"], "poor_rate": [1.0, 3.5, 2.25, 0.5],
                       "above": [False, True, True, False]})
    rk["label"] = rk["poor_rate"].map(lambda v: charts.value_label(v, "vi", True))
    spec = commune_charts.ranking_chart(rk, "poor_rate", "x", "vi", rule=1.5, rule_label="mục tiêu")
    svg = vlc.vegalite_to_svg(charts.spec_records(spec))
    names = re.findall(r'<text[^>]*translate\(-?[0-9.]+,([0-9.]+)\)[^>]*>(An|Bình|Châu|Định)</text>', svg)
    assert [n for _, n in sorted(names, key=lambda t: float(t[0]))] == ["Bình", "Châu", "An", "Định"]


def test_the_exit_channels_add_up_to_all_exits(ctx):
    """The poverty page's flow chart: every exit channel of the model is drawn (the general pace, jobs,
    work abroad, and the households with nobody able to work), and each projected year's channels add up
    to the model's own total of exits; the inflows are the model's new, returning and shock figures."""
    proj, _ = run(ctx, Scenario.of("", {"jobs": 5000, "overseas": 900}))
    cdf = views.channel_frame(proj, "vi")
    out = cdf[cdf["side"] == "Thoát nghèo"]
    assert set(out["flow"]) == {"Thoát nghèo: các chính sách khác", "Thoát nghèo: việc làm mới",
                                "Thoát nghèo: đi làm việc ở nước ngoài",
                                "Thoát nghèo: hộ không có người có khả năng lao động"}
    total = proj.path("poor_exits", "all")
    years = [y for y in total.values if y not in total.actual and y > ctx.lever_from - 1]
    assert years
    for y in years:
        assert out[out["year"] == y]["value"].sum() == pytest.approx(total.values[y], rel=1e-9, abs=1e-9)
    jobs = out[(out["flow"] == "Thoát nghèo: việc làm mới") & (out["year"] == years[-1])]["value"].iloc[0]
    assert jobs > 0


def _main_rows(actual: dict, projected_old: dict, projected_new: dict, targets: dict) -> pd.DataFrame:
    """A main chart's frame written by hand: one series, actual and projected years on both standards."""
    def row(y, v, basis, seg):
        return dict(role="scenario", role_label="Hiện tại", series="Toàn huyện", group="all", year=y, value=v,
                    basis=basis, basis_label="số liệu" if basis == "actual" else "dự báo", segment=seg, label=f"{v}")
    rows = [row(y, v, "actual", "old") for y, v in actual.items()]
    rows += [row(y, v, "projected", "old") for y, v in projected_old.items()]
    rows += [row(y, v, "projected", "new") for y, v in projected_new.items()]
    rows += [dict(role="target", role_label="Mục tiêu", series="", group="all", year=y, value=v, basis="",
                  basis_label="", segment="new" if y >= 2026 else "old", label=f"Mục tiêu {y}: {v}%")
             for y, v in targets.items()]
    return pd.DataFrame(rows)


def test_the_main_chart_has_one_axis_before_and_after_the_break():
    """After a review upload the new-standard years sit low (1,28 % in 2030) and the old ones high (8,4 % in
    2021): on one axis, 1,28 % is drawn below 1,8 % (a second axis from 0 to 2 % drew it above); the axis
    labels appear once; every target has the same mark, whichever targets the data put on the chart."""
    fr = _main_rows({2021: 8.4, 2022: 2.3, 2023: 1.9, 2024: 1.8}, {2025: 1.6},
                    {2026: 1.9, 2027: 1.7, 2028: 1.55, 2029: 1.4, 2030: 1.28}, {2025: 4.42, 2030: 0.95})
    svg = vlc.vegalite_to_svg(charts.spec_records(charts.main_chart(fr, "vi", break_year=2026)))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts.count("0,0%") == 1 and texts.count("2,0%") == 1            # one y-axis
    assert re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)[:2] == ["Chuẩn nghèo", "mới →"]
    ys = {int(m.group(1)): float(m.group(2)) for m in re.finditer(
        r'aria-label="Năm: (\d{4}); Tỷ lệ hộ nghèo[^"]*; series: Toàn huyện"[^>]*aria-roledescription="point" '
        r'transform="translate\([-0-9.]+,([-0-9.]+)\)"',
        svg)}
    tgt = re.findall(r'aria-label="Năm: (\d{4}); value: [^"]*; text: Mục tiêu[^"]*"[^>]*d="([^"]+)"', svg)
    assert {y for y, _ in tgt} == {"2025", "2030"} and len({d for _, d in tgt}) == 1      # one shape
    # y grows downwards on screen: 1,28 % (2030) lower than 1,8 % (2024), 8,4 % (2021) highest
    assert ys[2030] > ys[2024] > ys[2021]
    # the same targets' marks with only the 2030 target loaded: still the same shape
    only = fr[~((fr["role"] == "target") & (fr["year"] == 2025))]
    svg2 = vlc.vegalite_to_svg(charts.spec_records(charts.main_chart(only, "vi", break_year=2026)))
    tgt2 = re.findall(r'aria-label="Năm: (\d{4}); value: [^"]*; text: Mục tiêu[^"]*"[^>]*d="([^"]+)"', svg2)
    assert [y for y, _ in tgt2] == ["2030"] and tgt2[0][1] == tgt[0][1]


def test_the_screens_main_chart_keeps_its_spec_across_the_first_move_and_its_picture(ctx):
    """On screen the main chart keeps the baseline's layer at the defaults (no rows): the spec, all but its
    data, and the datasets' names are those of a moved scenario, so the browser updates the chart's data
    instead of embedding a new chart (Streamlit embeds anew when the spec or the datasets' names change). Its
    picture (vl-convert) is drawn without the empty layer: the same pixels as the spec built without it, at
    the defaults and moved, in both languages."""
    import io
    import json

    from PIL import Image, ImageChops

    from giamngheo.report import export_png
    from giamngheo.ui.chart import _arrow
    brk = ctx.plan.standard.break_year
    moved = Scenario.of("", {"jobs": ctx.registry["jobs"].default + 100})

    def structure(spec: dict) -> str:
        return json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)

    def png(spec: dict) -> Image.Image:
        return Image.open(io.BytesIO(export_png.chart_png(spec))).convert("RGB")

    for lang in ("vi", "en"):
        specs = {}
        for name, sc in (("default", Scenario()), ("moved", moved)):
            rows = views.main_chart_rows(ctx, sc, monte_carlo_cached(ctx, sc), lang=lang)
            specs[name] = (charts.main_chart(rows, lang, break_year=brk, keep_baseline_layer=True),
                           charts.main_chart(rows, lang, break_year=brk))
        (kd, od), (km, om) = specs["default"], specs["moved"]
        assert structure(kd) == structure(km) and list(kd["datasets"]) == list(km["datasets"])
        assert structure(od) != structure(km)                    # without the kept layer the spec changed
        assert not kd["datasets"]["baseline"]["year"] and km["datasets"]["baseline"]["year"]
        # the picture: the empty layer dropped (its legend would sit at an infinite offset in vl-convert)
        dropped = charts.drop_empty_layers(_arrow(kd))
        assert "baseline" not in dropped["datasets"] and "data('baseline')" not in structure(dropped)
        assert len(dropped["layer"]) == len(od["layer"]) == len(kd["layer"]) - 1
        assert charts.drop_empty_layers(km) is km
        for keep, old in ((kd, od), (_arrow(kd), od), (km, om)):
            a, b = png(keep), png(old)
            assert a.size == b.size and ImageChops.difference(a, b).getbbox() is None


def test_the_tornado_draws_its_bars_in_rank_order_from_one_template():
    """The widest bar on top, whatever the rows' order; a new order of the assumptions builds no new template
    (the order is read from the data's rank). Positions read from the drawn chart."""
    def frame(names: list[str]) -> pd.DataFrame:
        rows = []
        for rank, nm in enumerate(names):
            for end, v in (("thấp", 10.0 - rank), ("cao", 12.0 + rank)):
                rows.append({"assumption": nm, "rank": rank, "end": end, "value": v, "range": "r", "label": "l"})
        return pd.DataFrame(rows[::-1])          # rows in reverse: the order comes from rank alone

    def drawn(spec: dict) -> list[str]:
        svg = vlc.vegalite_to_svg(charts.spec_records(spec))
        names = re.findall(r'<text[^>]*translate\(-?[0-9.]+,([0-9.]+)\)[^>]*>(An|Bình|Châu)</text>', svg)
        return [n for _, n in sorted(names, key=lambda t: float(t[0]))]

    a = charts.tornado_chart(frame(["An", "Bình", "Châu"]), "t-rank", "vi", base=11.0)
    n = len(charts._TEMPLATES)
    b = charts.tornado_chart(frame(["Châu", "An", "Bình"]), "t-rank", "vi", base=11.0)
    assert len(charts._TEMPLATES) == n and a["layer"] is b["layer"]
    assert drawn(a) == ["An", "Bình", "Châu"]
    assert drawn(b) == ["Châu", "An", "Bình"]


def test_meeting_mode_names_each_target_with_its_number_short_name_level_and_verdict():
    """Meeting mode's legend: every target on the chart reads its number and short name, then its level and its
    verdict, on two lines, nothing cut. On the real data the 2025 mark is target 1's: the end-2021 rate 8,42 %
    (estimate) less 4 yearly falls of 1,0 point = 4,42 %; no end-2025 review has been published, so it awaits
    data. Target 24's level is half the start of 2026–2030, and its word is its verdict's."""
    real = default_context()
    sc = Scenario()
    mcr = monte_carlo_cached(real, sc)
    by = {v.target: v for v in mcr.verdicts}
    t24 = by["T24"]
    word = {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}[t24.status]
    level = f"{t24.target_level:.2f}".replace(".", ",").rstrip("0").rstrip(",")
    marks = views.target_marks(real.plan, mcr.verdicts, "poor_rate", "all", "vi", detailed=True)
    assert [m["label"] for m in marks] == [
        "1. Giảm tỷ lệ nghèo/năm\nMục tiêu 2025: 4,42% · Chờ số liệu",
        f"24. Tỷ lệ hộ nghèo 2030\nMục tiêu 2030: {level}% · {word}"]
    assert by["T01"].status == "awaiting_data"
    en = views.target_marks(real.plan, mcr.verdicts, "poor_rate", "all", "en", detailed=True)
    assert en[0]["label"] == "1. Poor rate fall a year\nTarget 2025: 4.42% · Awaiting data"
    # drawn in two lines each, in full (the SVG's lines, no "…")
    from giamngheo.ui import main_chart
    spec = charts.spec_records(dict(main_chart.main_chart_specs(real, sc, mcr, "vi", 300, True), width=330))
    svg = vlc.vegalite_to_svg(spec)
    lines = [re.sub(r"&[a-z#0-9]+;", " ", x) for x in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)]
    assert "1. Giảm tỷ lệ nghèo/năm" in lines and "Mục tiêu 2025: 4,42% · Chờ số liệu" in lines
    assert f"Mục tiêu 2030: {level}% · {word}" in lines
    assert "…" not in svg


def test_a_narrow_range_never_repeats_an_axis_label():
    """The electricity rate on the real data: 99,92 % (2023) against the 99,65 % target, drawn with one decimal:
    ticks 0,05 apart read 99,8 % three times; the ticks keep at least the labels' 0,1 apart, each label once."""
    real = default_context()
    proj, verdicts = run(real, Scenario())
    df = charts.path_frame(proj, [("electricity_rate", "all", "x")], "vi", from_year=real.plan.period[0])
    spec = charts.line_chart(df, "", "vi", targets=views.target_marks(real.plan, verdicts, "electricity_rate", "all", "vi"),
                             percent=True, height=180, y_format=",.1f", zero=False)
    labels = [s for s in svg_texts(spec) if re.fullmatch(r"\d+,\d%", s)]
    assert len(labels) >= 3 and len(labels) == len(set(labels)), labels


def test_a_charts_columns_hold_each_value_as_the_cell_by_cell_conversion_gives_it():
    """``columns`` converts a column only when it holds a value to convert; what it gives must be what the
    conversion of every cell gives (NaN and pandas' missing values as None, numpy numbers as Python numbers of
    the same value, everything else as it is), with the same Python types (Arrow types follow them)."""
    rows = [{"s": "a", "i": 1, "f": 1.5, "b": True, "n": None, "nan": float("nan"), "np": np.float64(2.5),
             "ni": np.int64(3), "na": pd.NA, "mix": 1},
            {"s": "b", "i": 2, "f": float("nan"), "b": False, "n": None, "nan": 0.5, "np": 3.0,
             "ni": 4, "na": "x", "mix": np.int32(7)},
            {"s": None, "i": 3, "f": 2.0, "b": None, "n": "t", "nan": 1.0, "np": None, "ni": None, "na": None}]
    got = charts.columns(rows)
    assert list(got) == ["s", "i", "f", "b", "n", "nan", "np", "ni", "na", "mix"]
    assert got["s"] == ["a", "b", None] and got["i"] == [1, 2, 3] and got["b"] == [True, False, None]
    assert got["f"] == [1.5, None, 2.0] and got["nan"] == [None, 0.5, 1.0] and got["na"] == [None, "x", None]
    assert got["np"] == [2.5, 3.0, None] and [type(v) for v in got["np"]] == [float, float, type(None)]
    assert got["ni"] == [3, 4, None] and [type(v) for v in got["ni"]] == [int, int, type(None)]
    assert got["mix"] == [1, 7, None] and [type(v) for v in got["mix"]] == [int, int, type(None)]
    assert charts.columns(rows, ["i", "zz"]) == {"i": [1, 2, 3], "zz": [None, None, None]}
    assert charts.columns([]) == {}


def test_the_fans_percentiles_of_several_series_at_once_are_those_of_each_series_alone():
    """``path_rows`` asks numpy for the percentiles of every series' years in one call: each year's figures must be
    exactly those of a call for its series alone (the route taken before); series whose draws differ in length
    or type are worked out one by one."""
    rng = np.random.default_rng(7)
    alike = [[rng.normal(size=500) for _ in range(5)], [], [rng.gamma(2.0, size=500) for _ in range(3)]]
    mixed = [[rng.normal(size=500) for _ in range(2)], [rng.normal(size=300).astype(np.float32) for _ in range(2)]]
    for blocks in (alike, mixed):
        got = charts._percentiles(blocks)
        assert len(got) == len(blocks)
        for b, g in zip(blocks, got):
            alone = np.percentile(np.vstack(b), charts.QS, axis=1).T.tolist() if b else []
            assert g == alone                       # the same floats, bit for bit
            assert all(type(x) is float for row in g for x in row)


def test_a_picture_drops_only_the_kept_empty_baseline_not_an_empty_layer_of_its_own():
    """drop_empty_layers acts on the screen's kept-empty datasets (the main chart's baseline) alone: a chart
    whose own bars have no rows keeps them (its axes and legend as built), beside a rule that has a row."""
    spec = {"layer": [{"data": {"name": "main"}, "mark": "bar"}, {"data": {"name": "rule"}, "mark": "rule"}],
            "datasets": {"main": [], "rule": [{"v": 1}]}}
    assert charts.drop_empty_layers(spec) is spec
    with_base = {**spec, "layer": [*spec["layer"], {"data": {"name": "baseline"}, "mark": "line"}],
                 "datasets": {**spec["datasets"], "baseline": []}}
    out = charts.drop_empty_layers(with_base)
    assert [x["data"]["name"] for x in out["layer"]] == ["main", "rule"] and set(out["datasets"]) == {"main", "rule"}


def test_meeting_modes_chart_sets_the_sizes_streamlits_theme_gives_in_rem():
    """Streamlit's theme gives a chart's axis and legend paddings in rem, turned into px by the page's root font
    size when the browser reads the spec; meeting mode sets its root size from the screen, so its chart sets
    them in its own spec (from the same root size as a Vega expression): the spec, and the browser's chart, do
    not depend on when the page's style was applied. A size the spec sets itself is kept."""
    from giamngheo.ui.main_chart import meeting_root_css, meeting_root_expr
    spec = {"mark": "line", "config": {"legend": {"padding": 2, "rowPadding": 9}}}
    out = charts.root_sized(spec, meeting_root_expr())
    assert out["config"]["legend"]["rowPadding"] == 9 and out["config"]["legend"]["padding"] == 2
    assert out["config"]["axis"]["labelPadding"] == {"expr": f"({meeting_root_expr()}) * 1"}
    assert out["config"]["legend"]["symbolStrokeWidth"] == {"expr": f"({meeting_root_expr()}) * 0.25"}
    assert spec["config"] == {"legend": {"padding": 2, "rowPadding": 9}}          # the input is not changed
    # the expression is the page's CSS: clamp(14px, min(1.82vh, 1.37vw), 30px) at 1366x768 and 1920x1080
    assert meeting_root_css() == "clamp(14px, min(1.82vh, 1.37vw), 30px)"
    assert meeting_root_expr() == "clamp(min((windowSize()[1] || 0) * 0.0182, (windowSize()[0] || 0) * 0.0137), 14, 30)"
    # where there is no window (a picture), the smallest root size: the chart is drawn with 14 px paddings
    svg = vlc.vegalite_to_svg({"data": {"values": [{"x": 1, "y": 1}, {"x": 2, "y": 3}]}, "mark": "line",
                               "encoding": {"x": {"field": "x", "type": "quantitative"},
                                            "y": {"field": "y", "type": "quantitative"}},
                               "config": charts.root_sized({}, meeting_root_expr())["config"]})
    plain = vlc.vegalite_to_svg({"data": {"values": [{"x": 1, "y": 1}, {"x": 2, "y": 3}]}, "mark": "line",
                                 "encoding": {"x": {"field": "x", "type": "quantitative"},
                                              "y": {"field": "y", "type": "quantitative"}},
                                 "config": {"axis": {"labelPadding": 14, "titlePadding": 14, "labelSeparation": 3.5}}})
    assert svg == plain
