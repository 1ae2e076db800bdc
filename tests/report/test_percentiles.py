"""The fan's percentiles (report/charts.py ``_linear_percentiles``) are np.percentile's, bit for bit."""
import numpy as np
import pytest

from giamngheo.model.engine import default_context
from giamngheo.model.uncertainty import monte_carlo_cached
from giamngheo.report import charts
from giamngheo.scenario.registry import Scenario


def _same(v: np.ndarray) -> None:
    ref = np.percentile(v, charts.QS, axis=1).T
    got = charts._linear_percentiles(v)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    assert got.tobytes() == ref.tobytes(), (v.shape, v.dtype)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")       # inf - inf, as numpy's own
def test_the_percentiles_are_numpys_bit_for_bit_on_every_kind_of_table():
    rng = np.random.default_rng(20261207)
    for trial in range(1500):
        rows = int(rng.integers(1, 30))
        n = int(rng.choice([1, 2, 3, 4, 5, 7, 10, 11, 99, 100, 101, 999, 1000, 1001]))
        dt = (np.float32, np.float64)[trial % 2]
        kind = trial % 6
        if kind == 0:
            v = rng.random((rows, n))
        elif kind == 1:                                      # many ties
            v = rng.integers(-3, 3, (rows, n)).astype(float)
        elif kind == 2:                                      # 0.0 and -0.0 side by side: numpy's partition
            v = rng.integers(-1, 2, (rows, n)) * 0.0 * rng.choice([-1.0, 1.0], (rows, n))
        elif kind == 3:                                      # only +0.0 among the values: the sort
            v = np.where(rng.random((rows, n)) < 0.3, 0.0, rng.random((rows, n)))
        elif kind == 4:
            v = rng.standard_normal((rows, n)) * 1e30
        else:                                                # infinities
            v = rng.lognormal(size=(rows, n))
            v[rng.random(v.shape) < 0.02] = np.inf
            v[rng.random(v.shape) < 0.02] = -np.inf
        _same(v.astype(dt))


def test_a_nan_or_a_table_of_whole_numbers_is_left_to_numpy():
    v = np.array([[1.0, np.nan, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]])
    _same(v)
    _same(np.arange(40).reshape(4, 10))                      # integers: numpy itself
    assert np.isnan(charts._linear_percentiles(v)[0]).all()


def test_the_fan_of_a_real_monte_carlo_is_the_same_as_with_np_percentile():
    ctx = default_context()
    for jobs in (ctx.registry["jobs"].default, ctx.registry["jobs"].default + 137):
        proj = monte_carlo_cached(ctx, Scenario.of("", {"jobs": jobs})).projection
        for ind in ("poor_rate", "near_poor_rate"):
            arrays = [np.asarray(p.draws[y]) for g in ["all"] + ctx.groups if (p := proj.path(ind, g)) is not None
                      for y in sorted(p.draws) if p.draws.get(y) is not None and np.ndim(p.draws[y])]
            assert len(arrays) >= 4
            _same(np.vstack(arrays))
