"""Where the embedded data lives (overridable by the GIAMNGHEO_DATA environment variable)."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GIAMNGHEO_DATA", PACKAGE_DIR.parent / "data"))


def default_plan_path() -> Path:
    plans = sorted((DATA_DIR / "plans").glob("*.toml"))
    if not plans:
        raise FileNotFoundError(f"no plan file under {DATA_DIR / 'plans'}")
    return plans[0]


def indicators_path() -> Path:
    return DATA_DIR / "indicators.toml"


def observations_path() -> Path:
    return DATA_DIR / "observations.csv"


def sources_path() -> Path:
    return DATA_DIR / "sources.toml"
