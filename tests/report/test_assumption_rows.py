"""The method page's table of assumptions (views.assumption_records): the scenario's value of each
assumption beside its label, default, unit, basis and help, which are made once per context and language."""
from giamngheo.model.engine import default_context
from giamngheo.report import views
from giamngheo.scenario.scenario import Scenario


def test_each_assumption_with_the_scenarios_value_and_its_default():
    ctx = default_context()
    jobs = ctx.registry["jobs"]
    base = views.assumption_records(ctx, Scenario(), "vi")
    moved = views.assumption_records(ctx, Scenario.of("", {"jobs": 5000.0}), "vi")
    assert [r["Mã"] for r in base] == [a.id for a in ctx.registry]
    row = next(r for r in moved if r["Mã"] == jobs.id)
    cols = list(row)
    assert cols[:4] == ["Mã", "Giả định", "Giá trị", "Mặc định"] and len(cols) == 7   # the value third, as always
    assert row["Giá trị"] == "5.000" and row["Mặc định"] == f"{jobs.default:,.0f}".replace(",", ".")
    # only the value moved; every other cell is the one made before, and another language has its own
    before = next(r for r in base if r["Mã"] == jobs.id)
    assert before["Giá trị"] == row["Mặc định"]
    assert {k: v for k, v in row.items() if k != "Giá trị"} == {k: v for k, v in before.items() if k != "Giá trị"}
    assert views.assumption_records(ctx, Scenario(), "en")[0] != base[0]
