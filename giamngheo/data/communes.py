"""The district's communes and towns: the 17 units before 1 July 2025 and the 6 communes after the merger.

Per-commune figures live in the same long table as the district's (``indicator, group, year, …``);
the ``group`` names the unit and the era, so that one data version holds both and the district's
engine never mixes them with its own series:

    xa:<slug>            a unit of the 17 before 1 July 2025   (``xa:tt-dinh-an``, ``xa:dinh-an``)
    xa2025:<slug>        one of the 6 communes after the merger (``xa2025:dai-an``)
    …:khmer              the Khmer households of that unit     (``xa:ham-tan:khmer``)

The two eras need separate names because five new communes carry the name of an old one ("Đại An"
after the merger is the old Đại An plus Định An and the town of Định An).

District totals from communes: a year's sum is a district total only when every unit of one era
has a figure (17 of 17, or 6 of 6); otherwise it is a partial sum and is shown as one.
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from giamngheo.paths import DATA_DIR
from giamngheo.plan.kinds import kind_of

OLD, NEW = "xa", "xa2025"          # the group prefixes of the two eras
ERAS = (OLD, NEW)
KHMER = "khmer"
# Indicators that add up over communes (rates are recomputed from their counts, never summed).
ADDITIVE = ("households", "poor_households", "near_poor_households", "poor_exits", "poor_returning", "poor_new",
            "near_poor_exits", "near_poor_new", "population")


def fold(s: Any) -> str:
    """Lower case, no diacritics (đ → d), punctuation as single spaces: how names and headers are compared."""
    s = unicodedata.normalize("NFD", str(s or "")).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^0-9a-z%]+", " ", s).strip()


def slugify(name: str) -> str:
    return fold(name).replace("%", "").strip().replace(" ", "-")


_TOWN_PREFIXES = ("thi tran ", "tt ")
_COMMUNE_PREFIXES = ("xa ",)


def _bare(folded: str) -> tuple[str, bool]:
    """(name without its "xã"/"thị trấn" prefix, whether the prefix said town)."""
    for p in _TOWN_PREFIXES:
        if folded.startswith(p):
            return folded[len(p):].strip(), True
    for p in _COMMUNE_PREFIXES:
        if folded.startswith(p):
            return folded[len(p):].strip(), False
    return folded, False


@dataclass(frozen=True)
class Unit:
    """A commune or town of one era."""

    name: str                 # as written in communes.csv ("Thị trấn Định An", "Hàm Giang")
    era: str                  # OLD or NEW
    kind: str                 # "commune" | "town"
    slug: str
    merged_into: str = ""     # OLD units: the name of the NEW commune they became part of
    poor_rate_2024: float | None = None
    note: str = ""

    @property
    def group(self) -> str:
        return f"{self.era}:{self.slug}"

    def khmer_group(self) -> str:
        return f"{self.group}:{KHMER}"

    @property
    def full_key(self) -> str:
        bare, _ = _bare(fold(self.name))
        return ("thi tran " if self.kind == "town" else "") + bare

    @property
    def bare_key(self) -> str:
        return _bare(fold(self.name))[0]


@dataclass(frozen=True)
class Communes:
    old: tuple[Unit, ...]
    new: tuple[Unit, ...]
    merged_on: str = ""               # the merger's date (communes.csv ``merged_on``, ISO: "2025-07-01")
    reference_year: int | None = None  # the year of the reference rates (the column ``poor_rate_<year>``)

    @property
    def merger_year(self) -> int | None:
        """The first year whose end-of-year review is on the new communes (the merger's year)."""
        return int(self.merged_on[:4]) if self.merged_on[:4].isdigit() else None

    def units(self, era: str) -> tuple[Unit, ...]:
        return self.old if era == OLD else self.new

    def by_group(self) -> dict[str, Unit]:
        return {u.group: u for u in self.old + self.new}

    def new_of(self, old: Unit) -> Unit | None:
        return next((u for u in self.new if u.name == old.merged_into), None)

    def members(self, new: Unit) -> list[Unit]:
        return [u for u in self.old if u.merged_into == new.name]

    def resolve(self, name: Any, era: str) -> Unit | None:
        """The unit of ``era`` a written name means: the full name first ("TT Định An" is the town,
        "Định An" the commune), then the bare name when only one unit has it ("Trà Cú" → the town)."""
        f = fold(name)
        if not f:
            return None
        bare, town = _bare(f)
        full = ("thi tran " if town else "") + bare
        units = self.units(era)
        for u in units:
            if u.full_key == full:
                return u
        if town:                     # "Thị trấn X" is a town or nothing (there are no towns after the merger)
            return None
        same = [u for u in units if u.bare_key == bare]
        return same[0] if len(same) == 1 else None

    def mapping(self) -> pd.DataFrame:
        """Old → new: one row per unit before 1 July 2025."""
        return pd.DataFrame([{"old": u.name, "kind": u.kind, "new": u.merged_into, "note": u.note} for u in self.old])


def communes_path() -> Path:
    return DATA_DIR / "communes.csv"


class CommuneFileError(ValueError):
    pass


def load_communes(path: Path | str | None = None) -> Communes:
    p = Path(path) if path else communes_path()
    try:
        key = (str(p), p.stat().st_mtime_ns)
    except OSError as exc:
        raise CommuneFileError(f"{p.name}: file not found") from exc
    return _load(*key)


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Communes:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    ref_col = next((c for c in header if re.fullmatch(r"poor_rate_\d{4}", c)), "poor_rate_2024")
    dates = {(r.get("merged_on") or "").strip() for r in rows} - {""}
    if len(dates) > 1:
        raise CommuneFileError(f"{Path(path).name}: merged_on: more than one date ({', '.join(sorted(dates))})")
    old: list[Unit] = []
    for i, r in enumerate(rows, start=2):
        name = (r.get("commune") or "").strip()
        if not name:
            raise CommuneFileError(f"{Path(path).name}: row {i}: empty commune")
        kind = (r.get("kind") or "commune").strip()
        rate_s = (r.get(ref_col) or "").strip()
        try:
            rate = float(rate_s) if rate_s else None
        except ValueError:
            raise CommuneFileError(f"{Path(path).name}: row {i}: {ref_col} {rate_s!r} is not a number") from None
        bare = _bare(fold(name))[0]
        slug = ("tt-" if kind == "town" else "") + bare.replace(" ", "-")
        old.append(Unit(name, OLD, kind, slug, (r.get("merged_into_2025") or "").strip(), rate,
                        (r.get("note") or "").strip()))
    new_names: list[str] = []
    for u in old:
        if u.merged_into and u.merged_into not in new_names:
            new_names.append(u.merged_into)
    new = tuple(Unit(n, NEW, "commune", slugify(n)) for n in new_names)
    return Communes(tuple(old), new, merged_on=next(iter(dates), ""), reference_year=int(ref_col[-4:]))


# ------------------------------------------------------------------------------------------ groups


def parse_group(group: str) -> tuple[str, str, bool] | None:
    """``xa:ham-tan:khmer`` → ("xa", "ham-tan", True); None for a district group (``all``, ``khmer``)."""
    parts = str(group).split(":")
    if len(parts) < 2 or parts[0] not in ERAS or not parts[1]:
        return None
    return parts[0], parts[1], len(parts) > 2 and parts[2] == KHMER


def is_commune_group(group: str) -> bool:
    return parse_group(group) is not None


def split_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(district rows, commune rows) of an observations frame."""
    mask = df["group"].astype(str).map(is_commune_group)
    return df[~mask].reset_index(drop=True), df[mask].reset_index(drop=True)


def plan_groups(plan: Any = None) -> tuple[str, ...]:
    """The district groups the plan's model knows besides ``all`` (``[model] groups`` in the plan file;
    default: the embedded plan's)."""
    if plan is None:
        from giamngheo.plan.targets import load_plan
        plan = load_plan()
    model = (getattr(plan, "extra", None) or {}).get("model", {}) or {}
    return tuple(str(g) for g in model.get("groups", ()))


def group_problem(group: str, communes: "Communes", groups: Iterable[str]) -> tuple[str, dict[str, Any]] | None:
    """Why a group is not in the registry (a message key ``problem.<code>`` and its parameters), or None.

    Known: ``all``, the plan's model groups (``groups``), and for each unit of data/communes.csv its
    group (``xa:<slug>`` before 1 July 2025, ``xa2025:<slug>`` after) and, when Khmer is a model
    group, ``…:khmer``."""
    g = str(group).strip()
    named = tuple(groups)
    if g == "all" or g in named:
        return None
    district = ", ".join(("all",) + named)
    parts = g.split(":")
    if parts[0] not in ERAS:
        return "in_unknown_group", {"known": district}
    units = communes.by_group()
    unit = units.get(":".join(parts[:2])) if len(parts) >= 2 else None
    if unit is None:
        era = parts[0]
        return "in_unknown_commune_group", {
            "known": ", ".join(f"{era}:{u.slug}" for u in communes.units(era))}
    if len(parts) == 2 or (len(parts) == 3 and parts[2] in named):
        return None
    return "in_unknown_group", {"known": f"{unit.group}, " + ", ".join(f"{unit.group}:{x}" for x in named)}


def unknown_groups(df: pd.DataFrame, communes: "Communes", groups: Iterable[str]) -> list[str]:
    """The groups of an observations frame that the registry does not know (sorted)."""
    if not len(df):
        return []
    named = tuple(groups)
    return sorted(g for g in set(df["group"].astype(str)) if group_problem(g, communes, named) is not None)


def era_of_year(year: int, communes: "Communes | None" = None) -> str:
    """The era of a year's review: the new communes from the merger's year on (communes.csv ``merged_on``)."""
    merger = (communes or load_communes()).merger_year
    return NEW if merger is not None and year >= merger else OLD


# ------------------------------------------------------------------------------------------ tables


def commune_table(df: pd.DataFrame, communes: Communes, year: int, era: str | None = None) -> pd.DataFrame:
    """One row per unit of the era (default: the era with data that year, else by the year):
    households, poor, near-poor and their rates, Khmer counts. Units without data get NaN."""
    sub = df[df["year"] == year] if len(df) else df
    parsed = [parse_group(g) for g in sub["group"]] if len(sub) else []
    if era is None:
        eras = {p[0] for p in parsed if p}
        era = era_of_year(year) if not eras or len(eras) > 1 else eras.pop()
    values: dict[tuple[str, str, bool], float] = {}
    quality: dict[str, set[str]] = {}
    for (ind, v, q), p in zip(sub[["indicator", "value", "quality" if "quality" in sub else "status"]].itertuples(index=False),
                               parsed):
        if p and p[0] == era:
            values[(p[1], ind, p[2])] = float(v)
            quality.setdefault(p[1], set()).add(str(q))
    out = []
    for u in communes.units(era):
        g = lambda ind, kh=False: values.get((u.slug, ind, kh), math.nan)
        H, P, N = g("households"), g("poor_households"), g("near_poor_households")
        rate = g("poor_rate")
        if math.isnan(rate) and H > 0 and not math.isnan(P):
            rate = P / H * 100
        nrate = g("near_poor_rate")
        if math.isnan(nrate) and H > 0 and not math.isnan(N):
            nrate = N / H * 100
        Hk, Pk = g("households", True), g("poor_households", True)
        krate = g("poor_rate", True)
        if math.isnan(krate) and Hk > 0 and not math.isnan(Pk):
            krate = Pk / Hk * 100
        out.append({"unit": u.name, "slug": u.slug, "group": u.group, "merged_into": u.merged_into,
                    "households": H, "poor": P, "near_poor": N, "poor_rate": rate, "near_poor_rate": nrate,
                    "households_khmer": Hk, "poor_khmer": Pk, "poor_rate_khmer": krate,
                    "exits": g("poor_exits"), "returning": g("poor_returning"), "new": g("poor_new"),
                    "status": _worst(quality.get(u.slug, set()))})
    return pd.DataFrame(out)


def _worst(qs: Iterable[str]) -> str:
    order = ("official", "review", "estimate", "derived", "illustrative")
    ranks = [order.index(q) for q in qs if q in order]
    return order[max(ranks)] if ranks else ""


def years_with_data(df: pd.DataFrame) -> list[int]:
    if not len(df):
        return []
    mask = df["group"].astype(str).map(is_commune_group)
    return sorted({int(y) for y in df.loc[mask, "year"]})


def rank(table: pd.DataFrame, target_rate: float | None = None) -> pd.DataFrame:
    """Units with a poor rate, highest first; ``gap`` = rate − target (points; > 0: above the target)."""
    t = table[table["poor_rate"].notna()].copy()
    t["gap"] = t["poor_rate"] - target_rate if target_rate is not None else math.nan
    t = t.sort_values(["poor_rate", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)
    t["rank"] = range(1, len(t) + 1)
    return t


def reference_table(communes: Communes) -> pd.DataFrame:
    """The reference poor rates of 2024 in communes.csv (a secondary source; some units only)."""
    return pd.DataFrame([{"unit": u.name, "slug": u.slug, "group": u.group, "merged_into": u.merged_into,
                          "poor_rate": u.poor_rate_2024 if u.poor_rate_2024 is not None else math.nan,
                          "note": u.note} for u in communes.old])


# ------------------------------------------------------------------------------------------ totals


@dataclass(frozen=True)
class Total:
    indicator: str
    khmer: bool
    year: int
    era: str
    units_with_data: int
    units_total: int
    commune_sum: float
    district: float | None          # the district's own figure (group all / khmer), if any

    @property
    def complete(self) -> bool:
        return self.units_with_data == self.units_total

    @property
    def difference(self) -> float | None:
        return None if self.district is None else self.commune_sum - self.district

    @property
    def agrees(self) -> bool | None:
        """None when there is nothing to compare (no district figure, or not every unit has data)."""
        if self.district is None or not self.complete:
            return None
        return abs(self.commune_sum - self.district) < 0.5


def totals(df: pd.DataFrame, communes: Communes, indicators: Iterable[str] = ADDITIVE) -> list[Total]:
    """For each additive indicator and year with commune data: the sum over units and the district's own figure."""
    if not len(df):
        return []
    want = set(indicators)
    acc: dict[tuple[str, bool, int, str], list[float]] = {}
    seen: dict[tuple[str, bool, int, str], set[str]] = {}
    district: dict[tuple[str, str, int], float] = {}
    for ind, grp, year, val in df[["indicator", "group", "year", "value"]].itertuples(index=False):
        p = parse_group(grp)
        if p is None:
            if grp in ("all", KHMER):
                district[(ind, grp, int(year))] = float(val)
            continue
        if ind not in want:
            continue
        key = (ind, p[2], int(year), p[0])
        acc.setdefault(key, []).append(float(val))
        seen.setdefault(key, set()).add(p[1])
    out = []
    for (ind, kh, year, era), vals in sorted(acc.items()):
        n_total = len(communes.units(era))
        out.append(Total(ind, kh, year, era, len(seen[(ind, kh, year, era)]), n_total, float(sum(vals)),
                         district.get((ind, KHMER if kh else "all", year))))
    return out


def target_rate(plan: Any, obs_series: dict[int, float], year: int) -> tuple[float, str] | None:
    """The district's poor rate on the plan's minimum path in ``year``: the base-year rate minus the
    plan's yearly fall times the years since, for the plan's overall poor-rate target (e.g. T01).

    Returns (rate, target id) or None when the plan has no such target, the base year has no rate,
    or ``year`` lies on the other side of a change of poverty standard."""
    for tg in getattr(plan, "targets", ()):
        if tg.indicator != "poor_rate" or tg.group != "all" or not kind_of(tg).steady_change or tg.value is None:
            continue
        base_year = plan.resolved_base_year(tg)
        if base_year is None or base_year not in obs_series:
            continue
        if plan.standard and (year >= plan.standard.break_year) != (base_year >= plan.standard.break_year):
            return None
        sign = -1.0 if (tg.direction or "decrease") == "decrease" else 1.0
        y = min(year, tg.target_year)
        return max(0.0, obs_series[base_year] + sign * float(tg.value) * (y - base_year)), tg.id
    return None


def households_to_target(table: pd.DataFrame, target_rate: float) -> pd.Series:
    """Poor households that would have to leave poverty for the unit to be at the target rate
    (poor − target × households / 100, never below 0; NaN without counts)."""
    need = table["poor"] - target_rate / 100.0 * table["households"]
    return need.where(need.isna(), need.clip(lower=0).round())


# ------------------------------------------------------------------------------------------ shares of the poor


@dataclass(frozen=True)
class PoorShares:
    """Each unit's share of the area's poor households in a year (percent, NaN without the unit's count), and
    what it is a share of: ``basis`` "communes" (the sum over every unit of the era: the shares add up to
    100 %) or "area" (the area's own figure for that year, when not every unit has a count), with its
    ``total``, ``year`` and ``sources``."""
    shares: pd.Series
    total: float
    basis: str
    year: int
    sources: tuple[str, ...]


def poor_shares(table: pd.DataFrame, df: pd.DataFrame, year: int) -> PoorShares | None:
    """The shares of a :func:`commune_table` (real counts only, never a rate times a guessed count): over the
    communes' own sum when every unit has a count, else over the area's own poor households that year; None
    when neither exists (or the total is 0)."""
    poor = table["poor"]
    if not len(table) or poor.isna().all():
        return None
    sub = df[df["year"] == year] if len(df) else df
    groups = set(table["group"])
    if poor.notna().all():
        total, basis = float(poor.sum()), "communes"
        rows = sub[(sub["indicator"] == "poor_households") & sub["group"].isin(groups)]
    else:
        rows = sub[(sub["indicator"] == "poor_households") & (sub["group"] == "all")]
        if not len(rows):
            return None
        total, basis = float(rows["value"].iloc[0]), "area"
    if not total > 0:
        return None
    sources = tuple(sorted({str(s) for s in rows.get("source", pd.Series(dtype=str)) if str(s) and str(s) != "nan"}))
    return PoorShares(poor / total * 100.0, total, basis, int(year), sources)
