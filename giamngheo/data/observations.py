"""The indicator time series with provenance: load, validate, derive.

Every row carries a status: ``official`` (published), ``review`` (entered from the district's own
annual review; a real figure, like official), ``estimate`` (our arithmetic on official
figures), ``illustrative`` (a placeholder until the district enters its own) and, added here,
``derived`` (a rate the core computed from its counts; the note names the inputs).
"""
from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from giamngheo.i18n import t
from giamngheo.paths import alternatives_path, context_path, get_dataset, sources_path
from giamngheo.plan.indicators import Indicator, load_indicators

# ``note`` is Vietnamese (the default language), ``note_en`` its English (optional; i18n.field picks)
COLUMNS = ("indicator", "group", "year", "value", "unit", "status", "source", "note", "note_en")
# How far to trust a figure, best first; a derived figure is as good as its weakest input.
QUALITY_ORDER = ("official", "review", "estimate", "derived", "illustrative")
REQUIRED_COLUMNS = ("indicator", "group", "year", "value", "status", "source")
STATUSES = ("official", "review", "estimate", "illustrative")
# the figures that may decide a verdict: published, entered from a review, or simple arithmetic on them
REAL_QUALITIES = ("official", "review", "estimate")
ALL_STATUSES = STATUSES + ("derived",)
# What a verdict may rest on, and all the default dataset and the other readings may hold.
REAL_STATUSES = ("official", "estimate")
YEAR_RANGE = (1990, 2100)
LINE_KEY = "_line"   # read_csv_rows: the line of the file a row starts on (header = line 1)


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where (file, row, column), what (value) and why (a message key)."""

    file: str
    row: int | None
    column: str | None
    value: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "vi") -> str:
        reason = t(f"problem.{self.code}", lang, **dict(self.params))
        where = t("problem.where", lang, file=self.file, row=self.row if self.row is not None else "–",
                  column=self.column or "–")
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "…"
        return f"{where}: «{shown}» — {reason}" if self.value != "" else f"{where}: {reason}"


class ObservationError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message("en") for p in problems[:20]))


def load_sources(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    path = Path(path) if path else sources_path()
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _to_float(s: str) -> float | None:
    try:
        v = float(s.strip())
    except (ValueError, AttributeError):
        return None
    return v if math.isfinite(v) else None


def validate_rows(rows: Iterable[dict[str, str]], file: str, indicators: dict[str, Indicator],
                  sources: dict[str, Any] | None, first_row: int = 2) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check observation rows; return the clean rows and every problem found (row = line in the file)."""
    clean: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, int], int] = {}
    for i, r in enumerate(rows):
        rowno = int(r[LINE_KEY]) if r.get(LINE_KEY) else first_row + i
        bad = len(problems)

        def err(col: str, code: str, **params: Any) -> None:
            problems.append(Problem(file, rowno, col, str(r.get(col, "") or ""), code, tuple(params.items())))

        ind_id = (r.get("indicator") or "").strip()
        group = (r.get("group") or "").strip() or "all"
        ind = indicators.get(ind_id)
        if not ind_id:
            err("indicator", "empty")
        elif ind is None:
            err("indicator", "unknown_indicator")
        year_s = (r.get("year") or "").strip()
        year_f = _to_float(year_s)
        year = None
        if year_f is None or year_f != int(year_f):
            err("year", "not_year")
        elif not (YEAR_RANGE[0] <= year_f <= YEAR_RANGE[1]):
            err("year", "year_range", lo=YEAR_RANGE[0], hi=YEAR_RANGE[1])
        else:
            year = int(year_f)
        value = _to_float(r.get("value") or "")
        if value is None:
            err("value", "not_number")
        elif ind is not None:
            if ind.kind == "rate" and not (0 <= value <= 100):
                err("value", "rate_range")
            elif ind.kind == "flag" and value not in (0, 1):
                err("value", "flag_range")
            elif value < 0:
                err("value", "negative")
            elif ind.kind in ("count", "flow") and value != int(value):
                err("value", "not_whole")
        status = (r.get("status") or "").strip()
        if status not in STATUSES:
            err("status", "bad_status", allowed=", ".join(STATUSES))
        source = (r.get("source") or "").strip()
        if not source:
            err("source", "empty")
        elif sources is not None and source not in sources:
            err("source", "unknown_source")
        if ind is not None and year is not None:
            key = (ind_id, group, year)
            if key in seen:
                err("year", "duplicate", first=seen[key])
            else:
                seen[key] = rowno
        if len(problems) == bad:
            clean.append({"indicator": ind_id, "group": group, "year": year, "value": float(value),  # type: ignore[arg-type]
                          "unit": (r.get("unit") or ind.unit).strip(), "status": status, "source": source,  # type: ignore[union-attr]
                          "note": (r.get("note") or "").strip(), "note_en": (r.get("note_en") or "").strip(),
                          "_row": rowno})
    problems.extend(cross_checks(clean, file))
    return clean, problems


# stocks that are parts of the households of the same group and year
PARTS_OF_HOUSEHOLDS = ("poor_households", "near_poor_households", "poor_households_no_work_capacity",
                       "near_poor_households_no_work_capacity", "middle_income_households")


def cross_checks(clean: list[dict[str, Any]], file: str) -> list[Problem]:
    """Checks across rows: a part of the households never exceeds them (nor do the poor and near-poor
    together), and a group's count never exceeds the same count for all households."""
    idx = {(r["indicator"], r["group"], r["year"]): r for r in clean}
    out: list[Problem] = []
    for (ind, group, year), r in idx.items():
        h = idx.get(("households", group, year))
        if ind in PARTS_OF_HOUSEHOLDS and h is not None and r["value"] > h["value"]:
            out.append(Problem(file, r.get("_row"), "value", _num_text(r["value"]), "exceeds_households",
                               (("households", _num_text(h["value"])), ("row", h.get("_row")))))
        if ind == "near_poor_households" and h is not None:
            p = idx.get(("poor_households", group, year))
            if p is not None and p["value"] + r["value"] > h["value"] and p["value"] <= h["value"] >= r["value"]:
                out.append(Problem(file, r.get("_row"), "value", _num_text(r["value"]), "poor_near_exceed",
                                   (("households", _num_text(h["value"])), ("poor", _num_text(p["value"])))))
        if group != "all" and ":" not in group:
            whole = idx.get((ind, "all", year))
            if whole is not None and r["value"] > whole["value"] and not ind.endswith("_rate"):
                out.append(Problem(file, r.get("_row"), "value", _num_text(r["value"]), "group_exceeds_all",
                                   (("all", _num_text(whole["value"])), ("row", whole.get("_row")))))
    return out


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def read_csv_rows(text: str, file: str) -> tuple[list[dict[str, str]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [Problem(file, 1, c, "", "missing_column") for c in missing]
    reader.fieldnames = header
    rows = []
    for r in reader:
        # the line the record starts on: blank lines are skipped and a quoted field may span lines
        embedded = sum(v.count("\n") for v in r.values() if isinstance(v, str))
        rows.append({**r, LINE_KEY: reader.line_num - embedded})
    return rows, []


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(COLUMNS) + ["inputs", "quality"])  # drops helper keys like _row
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df["inputs"] = df["inputs"].astype(object).fillna("")
    df["quality"] = df["quality"].astype(object).fillna(df["status"])
    return df.sort_values(["indicator", "group", "year"], kind="stable").reset_index(drop=True)


def worst_quality(statuses: Iterable[str]) -> str:
    ranks = [QUALITY_ORDER.index(s) for s in statuses if s in QUALITY_ORDER]
    return QUALITY_ORDER[max(ranks)] if ranks else "official"


def _ratio_note(indicators: dict[str, Indicator], ind: Indicator, lang: str) -> str:
    """«= Số hộ nghèo / Tổng số hộ × 100»: how a derived rate was worked out, in the language's words."""
    from giamngheo.i18n import field

    def name(i: str) -> str:
        return field(indicators[i], "name", lang) if i in indicators else i
    return f"= {name(ind.numerator)} / {name(ind.denominator)} × 100"


def derive(df: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """Add the rates the data lack but their counts give (status ``derived``, inputs named)."""
    idx = {(r.indicator, r.group, r.year): r for r in df.itertuples(index=False)}
    added = []
    for ind in indicators.values():
        if not (ind.numerator and ind.denominator):
            continue
        for (i, g, y), num in list(idx.items()):
            if i != ind.numerator or (ind.id, g, y) in idx:
                continue
            den = idx.get((ind.denominator, g, y))
            if den is None or den.value <= 0:
                continue
            added.append({
                "indicator": ind.id, "group": g, "year": y, "value": num.value / den.value * 100.0,
                "unit": ind.unit, "status": "derived", "source": f"{num.source}+{den.source}" if num.source != den.source else num.source,
                "note": _ratio_note(indicators, ind, "vi"), "note_en": _ratio_note(indicators, ind, "en"),
                "inputs": f"{ind.numerator} {y} ({num.status}); {ind.denominator} {y} ({den.status})",
                "quality": worst_quality([num.quality, den.quality]),
            })
    if not added:
        return df
    return frame(df.to_dict("records") + added)


def _frame_digest(df: pd.DataFrame) -> str:
    """A short fingerprint of the data's content: same figures, same digest."""
    import hashlib
    cols = [c for c in ("indicator", "group", "year", "value", "status", "quality") if c in df.columns]
    text = df[cols].to_csv(index=False) if len(df) else ""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class Observations:
    """The observations of one data version, with lookups the engine needs."""

    def __init__(self, df: pd.DataFrame, sources: dict[str, Any] | None = None, label: str = "",
                 dataset: str | None = None):
        self.df = df
        self.sources = sources or {}
        self.label = label
        self.digest = _frame_digest(df)
        self.dataset = dataset     # the embedded dataset's name (paths.DATASETS), None for other files
        self._series: dict[tuple[str, str], dict[int, float]] = {}
        self._rows: dict[tuple[str, str, int], dict[str, Any]] = {}
        for r in df.to_dict("records"):
            self._series.setdefault((r["indicator"], r["group"]), {})[int(r["year"])] = float(r["value"])
            self._rows[(r["indicator"], r["group"], int(r["year"]))] = r

    def series(self, indicator: str, group: str = "all", as_of: int | None = None) -> dict[int, float]:
        s = self._series.get((indicator, group), {})
        if as_of is not None:
            s = {y: v for y, v in s.items() if y <= as_of}
        return dict(sorted(s.items()))

    def row(self, indicator: str, group: str, year: int) -> dict[str, Any] | None:
        return self._rows.get((indicator, group, year))

    def status(self, indicator: str, group: str, year: int) -> str | None:
        r = self._rows.get((indicator, group, year))
        return r["status"] if r else None

    def real(self, indicator: str, group: str, year: int) -> bool:
        """Whether the figure may decide a verdict (official, review, estimate; derived from such)."""
        return self.quality(indicator, group, year) in REAL_QUALITIES

    def real_series(self, indicator: str, group: str = "all", as_of: int | None = None) -> dict[int, float]:
        """The series without the figures that may not decide a verdict (illustrative ones)."""
        return {y: v for y, v in self.series(indicator, group, as_of).items() if self.real(indicator, group, y)}

    def quality(self, indicator: str, group: str, year: int) -> str | None:
        """The status that says how far to trust the figure (a derived one: its weakest input)."""
        r = self._rows.get((indicator, group, year))
        return r["quality"] if r else None

    @property
    def last_year(self) -> int:
        return int(self.df["year"].max())

    def keys(self) -> list[tuple[str, str]]:
        return list(self._series)

    def until(self, as_of: int, keep: tuple[str, ...] = ()) -> "Observations":
        """The data known at the end of ``as_of`` (and every year of the indicators in ``keep``)."""
        mask = (self.df["year"] <= as_of) | self.df["indicator"].isin(list(keep))
        return Observations(self.df[mask].reset_index(drop=True), self.sources, self.label, self.dataset)


def parse_observations(text: str, file: str, indicators: dict[str, Indicator] | None = None,
                       sources: dict[str, Any] | None = None) -> Observations:
    """Parse and validate CSV text; raises ObservationError listing every problem."""
    indicators = indicators if indicators is not None else load_indicators()
    rows, problems = read_csv_rows(text, file)
    if problems:
        raise ObservationError(problems)
    clean, problems = validate_rows(rows, file, indicators, sources)
    if problems:
        raise ObservationError(problems)
    if not clean:
        raise ObservationError([Problem(file, None, None, "", "no_rows")])
    return Observations(derive(frame(clean), indicators), sources)


def load_observations(path: Path | str | None = None, sources_file: Path | str | None = None, *,
                      dataset: str | None = None) -> Observations:
    """Observations from a file, or from an embedded dataset by name (``default``, ``demo``; see
    ``giamngheo.paths.DATASETS``). Without either: the server's choice, normally ``default``."""
    if path is not None and dataset is not None:
        raise ValueError("give a path or a dataset, not both")
    name = None
    if path is None:
        ds = get_dataset(dataset)
        path, name = ds.path, ds.name
    path = Path(path)
    src = Path(sources_file) if sources_file else (path.with_name("sources.toml") if path.with_name("sources.toml").exists() else sources_path())
    try:
        key = (str(path), path.stat().st_mtime_ns, str(src), src.stat().st_mtime_ns)
    except OSError:
        raise ObservationError([Problem(path.name, None, None, "", "file_not_found")]) from None
    obs = _load_cached(*key)
    if name is None:
        return obs
    return Observations(obs.df, obs.sources, obs.label, name)


@lru_cache(maxsize=8)
def _load_cached(path: str, _m: int, src: str, _m2: int) -> Observations:
    sources = load_sources(src)
    text = Path(path).read_text(encoding="utf-8-sig")
    return parse_observations(text, Path(path).name, load_indicators(), sources)


# ---------------------------------------------------------------------------------- other readings

ALTERNATIVE_COLUMNS = COLUMNS + ("alternative_to", "why_not_used", "why_not_used_en")


def _key_text(indicator: str, group: str, year: int) -> str:
    return f"{indicator}/{group}/{year}"


def load_alternatives(path: Path | str | None = None, observations: Observations | None = None,
                      sources_file: Path | str | None = None) -> pd.DataFrame:
    """Other readings of figures in the default data (``data/alternatives.csv``): each row is an
    official figure or estimate the verdicts do not use, ``alternative_to`` names the used row as
    ``indicator/group/year`` and ``why_not_used`` says why. Adds ``used_value`` and ``used_status``
    from the observations. Raises ObservationError naming row and column on a bad row."""
    path = Path(path) if path else alternatives_path()
    if not path.exists():
        raise ObservationError([Problem(path.name, None, None, "", "file_not_found")])
    sources = load_sources(sources_file)
    obs = observations if observations is not None else load_observations(dataset="default")
    rows, problems = read_csv_rows(path.read_text(encoding="utf-8-sig"), path.name)
    for col in ("alternative_to", "why_not_used"):
        if rows and col not in rows[0]:
            problems.append(Problem(path.name, 1, col, "", "missing_column"))
    if problems:
        raise ObservationError(problems)
    indicators = load_indicators()
    out: list[dict[str, Any]] = []
    for r in rows:
        clean, ps = validate_rows([r], path.name, indicators, sources)
        problems.extend(ps)
        line = int(r[LINE_KEY])
        status = (r.get("status") or "").strip()
        if status in STATUSES and status not in REAL_STATUSES:    # another reading is a real figure too
            problems.append(Problem(path.name, line, "status", status, "bad_status",
                                    (("allowed", ", ".join(REAL_STATUSES)),)))
            clean = []
        to = (r.get("alternative_to") or "").strip()
        parts = to.split("/")
        used = None
        if len(parts) == 3 and parts[2].strip().isdigit():
            used = obs.row(parts[0].strip(), parts[1].strip(), int(parts[2]))
        if used is None or used["status"] == "derived":
            problems.append(Problem(path.name, line, "alternative_to", to, "no_used_row"))
        why = (r.get("why_not_used") or "").strip()
        if not why:
            problems.append(Problem(path.name, line, "why_not_used", "", "empty"))
        if clean and used is not None:
            c = {k: v for k, v in clean[0].items() if k != "_row"}
            out.append({**c, "alternative_to": to, "why_not_used": why,
                        "why_not_used_en": (r.get("why_not_used_en") or "").strip(),
                        "used_value": float(used["value"]), "used_status": used["status"]})
    if problems:
        raise ObservationError(problems)
    return pd.DataFrame(out, columns=list(ALTERNATIVE_COLUMNS) + ["used_value", "used_status"])


# ---------------------------------------------------------------------------------- context figures

CONTEXT_COLUMNS = ("area", "indicator", "group", "year", "value", "unit", "status", "source", "note", "note_en")


def load_context(path: Path | str | None = None, sources_file: Path | str | None = None) -> pd.DataFrame:
    """Province, merged-province and national figures (``data/context.csv``), for comparison beside
    the district and never part of its series. Every row needs an area, an indicator, a whole year, a
    number, an official or estimate status and a source listed in sources.toml."""
    path = Path(path) if path else context_path()
    if not path.exists():
        raise ObservationError([Problem(path.name, None, None, "", "file_not_found")])
    sources = load_sources(sources_file)
    rows, problems = read_csv_rows(path.read_text(encoding="utf-8-sig"), path.name)
    if rows and "area" not in rows[0]:
        problems.append(Problem(path.name, 1, "area", "", "missing_column"))
    if problems:
        raise ObservationError(problems)
    out: list[dict[str, Any]] = []
    for r in rows:
        line = int(r[LINE_KEY])
        bad = len(problems)

        def err(col: str, code: str, **params: Any) -> None:
            problems.append(Problem(path.name, line, col, str(r.get(col, "") or ""), code, tuple(params.items())))

        for col in ("area", "indicator"):
            if not (r.get(col) or "").strip():
                err(col, "empty")
        year = _to_float(r.get("year") or "")
        if year is None or year != int(year):
            err("year", "not_year")
        value = _to_float(r.get("value") or "")
        if value is None:
            err("value", "not_number")
        status = (r.get("status") or "").strip()
        if status not in REAL_STATUSES:
            err("status", "bad_status", allowed=", ".join(REAL_STATUSES))
        source = (r.get("source") or "").strip()
        if not source:
            err("source", "empty")
        elif source not in sources:
            err("source", "unknown_source")
        if len(problems) == bad:
            out.append({"area": r["area"].strip(), "indicator": r["indicator"].strip(),
                        "group": (r.get("group") or "").strip() or "all", "year": int(year),  # type: ignore[arg-type]
                        "value": float(value), "unit": (r.get("unit") or "").strip(),  # type: ignore[arg-type]
                        "status": status, "source": source, "note": (r.get("note") or "").strip(),
                        "note_en": (r.get("note_en") or "").strip()})
    if problems:
        raise ObservationError(problems)
    return pd.DataFrame(out, columns=list(CONTEXT_COLUMNS))
