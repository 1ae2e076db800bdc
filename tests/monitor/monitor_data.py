"""Data for the agreed-path tests: the embedded data plus the end-2025 and end-2026 reviews (so that a
path can be adopted as of 2026), and, on demand, later figures."""
from __future__ import annotations

from pathlib import Path

from giamngheo.data.observations import parse_observations

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8")
# made-up review figures for the tests (status "review": real figures, as a district would enter)
REVIEWS = [
    ("households", "all", 2025, 43730), ("poor_households", "all", 2025, 650), ("near_poor_households", "all", 2025, 1000),
    ("households", "all", 2026, 43900), ("poor_households", "all", 2026, 1500), ("near_poor_households", "all", 2026, 1450),
]


def rows_text(rows, status: str = "review") -> str:
    return "".join(f"{i},{g},{y},{v},,{status},test-review,\n" for i, g, y, v in rows)


def make_obs(extra=(), status: str = "official", reviews=REVIEWS):
    text = BASE.rstrip("\n") + "\n" + rows_text(reviews) + rows_text(extra, status)
    return parse_observations(text, "test.csv", sources=None)


def write_csv(path: Path, extra=(), status: str = "official", reviews=REVIEWS) -> Path:
    """A data file with its sources (the embedded ones and the tests' review)."""
    sources = (ROOT / "data" / "sources.toml").read_text(encoding="utf-8")
    (path.parent / "sources.toml").write_text(sources + '\n[test-review]\ntitle = "Test review"\nissuer = "test"\n',
                                              encoding="utf-8")
    path.write_text(BASE.rstrip("\n") + "\n" + rows_text(reviews) + rows_text(extra, status), encoding="utf-8")
    return path
