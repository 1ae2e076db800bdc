"""Projections: the household stock–flow for poverty, assumption-driven paths for the rest, trends."""
