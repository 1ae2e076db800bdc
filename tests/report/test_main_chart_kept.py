"""The main chart's rows: the default scenario's rows kept from an earlier move are the rows made afresh, for
every scenario moved away from the defaults, in both languages."""
from __future__ import annotations

import pytest

from giamngheo.model.engine import default_context
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import views
from giamngheo.scenario.scenario import Scenario


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_kept_baseline_rows_are_the_rows_made_afresh(lang):
    ctx = default_context()
    scenarios = [Scenario.of("", {"jobs": 5200.0}), Scenario.of("", {"poor_fall": 12.0}), Scenario(),
                 Scenario.of("", {"jobs": 5200.0, "overseas": 300.0})]
    kept = [views.main_chart_rows(ctx, sc, monte_carlo_cached(ctx, sc), lang=lang) for sc in scenarios]
    fresh = []
    for sc in scenarios:
        views._BASELINE_ROWS.clear()
        fresh.append(views.main_chart_rows(ctx, sc, monte_carlo_cached(ctx, sc), lang=lang))
    assert kept == fresh
    assert any(r["role"] == "baseline" for r in kept[0]) and not any(r["role"] == "baseline" for r in kept[2])
