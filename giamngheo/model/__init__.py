"""Projections: the household stock–flow for poverty, assumption-driven paths for the rest, trends."""
from .projection import Projection, SeriesPath  # noqa: F401
from .trend import trend_projection  # noqa: F401
