"""The goal-seek table's current-value column shows a lever as its slider and number box do."""
from __future__ import annotations

import re

from giamngheo.i18n import field
from giamngheo.model.engine import default_context, run
from giamngheo.report.what_it_takes import requirement_records
from giamngheo.scenario.scenario import Scenario


def test_current_value_has_the_sliders_decimals_and_unit():
    ctx = default_context()
    sc = Scenario.of("", {"poor_fall": 47.3, "near_poor_fall": 20.6})
    _, verdicts = run(ctx, sc)
    rows = requirement_records(ctx, sc, verdicts, "vi")
    cur = [list(r.values())[2] for r in rows]          # the "current value" column, in the table's order
    levers = [list(r.values())[1] for r in rows]
    by_label = dict(zip(levers, cur))
    # by hand: 47,3 (step 0,1 → one decimal), never 47,30
    pace = ctx.registry["poor_fall"]
    got = by_label[field(pace, "label", "vi")]
    assert got.startswith("47,3 ") and not got.startswith("47,30"), got
    near = ctx.registry["near_poor_fall"]
    assert by_label[field(near, "label", "vi")].startswith("20,6 "), by_label[field(near, "label", "vi")]
    # no current cell of a 0,1-step lever carries a second decimal
    assert not any(re.match(r"^\d+,\d\d ", c) for c in cur), cur
