"""Where the embedded data lives (overridable by the GIAMNGHEO_DATA environment variable).

Two observation datasets ship with the app, chosen explicitly by name:

* ``default`` (``data/observations.csv``): official figures and sourced estimates only. The app
  opens on it.
* ``demo`` (``data/demo/observations.csv``): the same rows plus illustrative placeholders, to show
  every chart; pages and exports carry a banner while it is in use (``Dataset.banner``).

The server may set ``GIAMNGHEO_DATASET=demo`` to start on the demo data; anything else means default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GIAMNGHEO_DATA", PACKAGE_DIR.parent / "data"))

DEFAULT_DATASET = "default"


@dataclass(frozen=True)
class Dataset:
    """One embedded observation dataset: its name, its file and whether a banner must mark it."""

    name: str
    relpath: str      # under DATA_DIR
    banner: bool      # True: not for reporting (illustrative rows), every page and export says so

    @property
    def path(self) -> Path:
        return DATA_DIR / self.relpath


DATASETS: dict[str, Dataset] = {
    "default": Dataset("default", "observations.csv", banner=False),
    "demo": Dataset("demo", "demo/observations.csv", banner=True),
}


def get_dataset(name: str | None = None) -> Dataset:
    """The dataset of that name; ``None`` means the server's choice (GIAMNGHEO_DATASET) or default."""
    if name is None:
        name = os.environ.get("GIAMNGHEO_DATASET", "").strip() or DEFAULT_DATASET
        if name not in DATASETS:
            name = DEFAULT_DATASET
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]


def is_demo(dataset: str | None = None) -> bool:
    """True when that dataset carries illustrative figures (a banner must mark every page and export)."""
    return get_dataset(dataset).banner


def default_plan_path() -> Path:
    plans = sorted((DATA_DIR / "plans").glob("*.toml"))
    if not plans:
        raise FileNotFoundError(f"no plan file under {DATA_DIR / 'plans'}")
    return plans[0]


def indicators_path() -> Path:
    return DATA_DIR / "indicators.toml"


def observations_path(dataset: str | None = None) -> Path:
    """The observations file of a dataset (``None``: the server's choice, normally ``default``)."""
    return get_dataset(dataset).path


def alternatives_path() -> Path:
    """Other readings of figures in the default data, with why the verdicts do not use them."""
    return DATA_DIR / "alternatives.csv"


def context_path() -> Path:
    """Province, merged-province and national figures, for comparison beside the district."""
    return DATA_DIR / "context.csv"


def sources_path() -> Path:
    return DATA_DIR / "sources.toml"
