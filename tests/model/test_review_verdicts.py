"""The end-of-year review goes in and the verdicts follow, in the same process (issue 12 §4): the
form filled for the six communes with figures made up here, uploaded as an office would, turns named
verdicts from «awaiting data» into decided ones, and re-bases the 2030 targets on the first review on
the new standard. The sums are checked by hand in tests/data/test_review_form.py (FIGURES)."""
from __future__ import annotations

import io

import openpyxl
import pytest

from giamngheo.data import ingest as ig
from giamngheo.data.observations import load_observations
from giamngheo.data.versions import DataVersions
from giamngheo.model.engine import make_context, run
from giamngheo.plan.targets import load_plan
from giamngheo.report import explain
from giamngheo.scenario.scenario import Scenario
from tests.data.test_review_form import filled_form

# FIGURES add up to 40,500 households, 1,000 poor and 1,510 near-poor in the six communes
H, P, N = 40500, 1000, 1510


def _form(year: int) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(filled_form()))
    ws = wb.active
    for row in ws.iter_rows(min_row=7, max_row=12):
        row[1].value = year
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(db, year: int):
    res = ig.check_file(_form(year), f"ra-soat-{year}.xlsx")
    assert res.problems == [] and res.n_valid == 6
    mapped = ig.review_to_rows(res, "review", f"BC rà soát {year}")
    dv = DataVersions(db, base_note="gốc")
    base_id, base = dv.base()
    out = dv.save(ig.merge(base, mapped.rows).rows, author="Chị Lan", note=f"rà soát {year}", base_id=base_id)
    district, _ = ig.version_frames(db.get_data_version(out.version.id).csv_text)
    return make_context(load_plan(), district, current_year=2026)


def _verdicts(ctx):
    return {v.target: v for v in run(ctx, Scenario())[1]}


def test_the_end_2025_review_decides_t01(db):
    before = _verdicts(make_context(load_plan(), load_observations(), current_year=2026))
    assert before["T01"].status == "awaiting_data"
    ctx = _upload(db, 2025)
    after = _verdicts(ctx)
    # end-2021 8.42 % (sourced estimate); end-2025 1,000 / 40,500 = 2.469 %: (8.42 − 2.469) / 4 = 1.488 ≥ 1.0
    r25 = 100 * P / H
    assert ctx.obs.series("poor_rate")[2025] == pytest.approx(r25)
    assert (after["T01"].status, after["T01"].basis) == ("achieved", "actual")
    assert after["T01"].value == pytest.approx((8.42 - r25) / 4)
    assert after["T01"].data_quality == "estimate"          # the worst of the two: the 2021 estimate
    # the near-poor base of 2021 is still unknown: T03 waits, and now hinges on it: ≥ 3.728 + 4 × 1.0
    assert after["T03"].status == "awaiting_data" and after["T03"].condition.code == "avg_base"
    assert dict(after["T03"].condition.params)["v"] == pytest.approx(100 * N / H + 4.0)


def test_the_first_review_on_the_new_standard_rebases_the_2030_targets(db):
    ctx = _upload(db, 2026)
    assert ctx.poverty.start_year == 2026            # the model starts from the review: no re-basing
    proj, verdicts = run(ctx, Scenario())
    by = {v.target: v for v in verdicts}
    assert proj.get("poor_rate", "all", 2026) == pytest.approx(100 * P / H)
    assert proj.path("poor_rate", "all").basis(2026) == "actual"
    assert by["T24"].value == pytest.approx(proj.get("poor_rate", "all", 2030) / (100 * P / H))
    assert by["T25"].value == pytest.approx(proj.get("near_poor_households", "all", 2030) / N)
    # the page says where the base comes from
    assert "rà soát năm 2026" in explain.base_note(ctx, Scenario(), "vi")
    assert "2026 review" in explain.base_note(ctx, Scenario(), "en")
