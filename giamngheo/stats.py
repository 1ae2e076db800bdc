"""Small numerical helpers shared by the model and the assumptions registry; they import nothing of the project."""
from __future__ import annotations

import numpy as np


def ols_slope(years: list[int], values: list[float]) -> tuple[float, float]:
    """Least-squares line through the points: (slope per year, value of the line at the last year)."""
    x = np.asarray(years, float)
    y = np.asarray(values, float)
    xm, ym = x.mean(), y.mean()
    sxx = ((x - xm) ** 2).sum()
    slope = float(((x - xm) * (y - ym)).sum() / sxx) if sxx > 0 else 0.0
    return slope, float(ym + slope * (x[-1] - xm))
