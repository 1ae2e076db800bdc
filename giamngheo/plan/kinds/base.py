"""What every target kind has: its fields (typed and checked when the plan loads), how it measures a
target on a value getter, how it compares, the yearly change that would just meet it, the condition
that would settle it when its figures are missing, and its goal and result in words (through i18n).

A kind is one module in this package with one :class:`Kind` subclass registered in ``__init__``,
plus its strings in ``giamngheo/locales/kinds.toml``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np

from giamngheo.i18n import fmt_num, fmt_pct, fmt_signed, fmt_value, t, unit_suffix

if TYPE_CHECKING:   # pragma: no cover
    from giamngheo.plan.indicators import Indicator
    from giamngheo.plan.targets import Plan, Target

Getter = Callable[[int], Any]
SENSES = (">=", "<=", "<")
EPS = 1e-9


@dataclass
class Measure:
    q: Any                      # the tested quantity (float or array)
    threshold: float
    sense: str                  # ">=", "<=", "<"
    years: tuple[int, ...]      # the years the test reads
    level: Any = None           # the indicator level at the target year (float or array)
    target_level: Any = None    # the level that just meets the target (float or array)
    base_level: Any = None      # the level the progress share starts from
    base_year: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    flow: bool = False          # a sum over years (required change = per remaining year)

    def met(self) -> Any:
        return compare(self.q, self.sense, self.threshold)

    def margin(self) -> np.ndarray:
        """How far the tested quantity is on the meeting side of the threshold (≥ 0: met, bar ties)."""
        q = np.asarray(self.q, float)
        d = q - self.threshold if self.sense == ">=" else self.threshold - q
        return np.nan_to_num(np.atleast_1d(d), nan=-1e12, posinf=1e12, neginf=-1e12)


def compare(q: Any, sense: str, threshold: float) -> Any:
    """The one place that turns a comparison code into a test (floats or arrays)."""
    if sense == ">=":
        return q >= threshold - EPS
    if sense == "<=":
        return q <= threshold + EPS
    if sense == "<":
        return q < threshold
    raise ValueError(f"unknown comparison {sense!r}")


class Missing(Exception):
    """A year the test needs has no value."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(year)


def mean_of(x: Any) -> float:
    """``float(np.mean(x))``: the mean of draws, or of a single number (a Python float or a numpy double) worked
    out without numpy's reduction: the number plus numpy's sum's starting 0.0 (which makes −0.0 0.0), over 1."""
    t = type(x)
    return float(x) + 0.0 if t is float or t is np.float64 else float(np.mean(x))


def need(get: Getter, year: int) -> Any:
    v = get(year)
    if v is None:
        raise Missing(year)
    return v


def span(a: int, b: int) -> tuple[int, ...]:
    return tuple(range(a, b + 1))


@dataclass(frozen=True)
class FieldSpec:
    type: str                         # "year" | "int" | "number" | "choice" | "year_or_break"
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """What would settle a target that awaits data: a message key of ``kinds.toml`` and its values
    (numbers stay numbers, formatted in the reader's language)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str, ind: "Indicator | None" = None) -> str:
        p = {}
        for k, v in self.params:
            if isinstance(v, float) and k == "pct":
                p[k] = fmt_pct(100 * v, lang, 0)
            elif isinstance(v, float) and ind is not None and k.startswith("v"):
                p[k] = fmt_value(ind, v, lang)
            elif isinstance(v, float):
                p[k] = fmt_num(v, lang)
            elif isinstance(v, (list, tuple)):
                p[k] = years_text(v, lang)
            else:
                p[k] = v
        p.setdefault("indicator", ind_name(ind, lang))
        return t(f"cond.{self.code}", lang, **p)


def ind_name(ind: "Indicator | None", lang: str) -> str:
    """The indicator's name as it reads inside a sentence (first letter in lower case)."""
    if ind is None:
        return ""
    name = getattr(ind, f"name_{lang}", "") or ind.name_vi
    return name[:1].lower() + name[1:]


def years_text(years: Any, lang: str) -> str:
    ys = sorted(int(y) for y in years)
    parts, i = [], 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        parts.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(parts)


class Kind:
    """A target kind. Subclasses set ``name`` and ``fields`` and implement :meth:`measure`."""

    name: ClassVar[str] = ""
    fields: ClassVar[dict[str, FieldSpec]] = {}
    # what the rest of the code knows of a kind (nothing outside plan/kinds/ reads a kind's name):
    order: ClassVar[int] = 100          # its place in lists (the plan format's order)
    chart: ClassVar[str] = "line"       # how a chart and an export draw it: "line" (its level marked on the
    #                                     indicator's line), "bars" (yearly amounts as bars), "bars_rule" (bars
    #                                     with the yearly value as a rule), "none" (not drawn: a milestone)
    yearly: ClassVar[bool] = False      # its value is an amount for every year (a lever's default can be it)
    steady_change: ClassVar[bool] = False   # its value is the level's change every year: a straight path from the base
    relative: ClassVar[bool] = False    # its goal is a share of its own base (required change starts from that base)

    @property
    def draws_bars(self) -> bool:
        return self.chart in ("bars", "bars_rule")

    def is_every_year(self, tg: "Target") -> bool:
        """A target that must hold in each year of its span (missed once an actual year fails)."""
        return False

    # ----------------------------------------------------------------- the plan file
    def check(self, tg: "Target") -> list[tuple[str, str]]:
        """Cross-field problems: (field, message) pairs."""
        return []

    def target_year(self, tg: "Target") -> int:
        return int(tg.year)

    def base_year(self, plan: "Plan", tg: "Target") -> int | None:
        return None

    def read_years(self, plan: "Plan", tg: "Target") -> tuple[int, ...]:
        """The years the test reads."""
        return (self.target_year(tg),)

    # ----------------------------------------------------------------- the test
    def measure(self, plan: "Plan", tg: "Target", get: Getter, base: tuple[int, Any] | None) -> Measure:
        raise NotImplementedError

    def holds_in_year(self, tg: "Target", v: float) -> bool:
        """For an every-year target: does one year's value meet it?"""
        return bool(compare(v, self.year_sense(tg), float(tg.value)))

    def year_sense(self, tg: "Target") -> str:
        """For an every-year target: how one year's value is compared with ``value``."""
        return ">="

    def settled_early(self, tg: "Target", m: Measure, as_of: int) -> bool | None:
        """A kind that can be decided before all its years are read (None: the default rule)."""
        return None

    def required_change(self, plan: "Plan", tg: "Target", m: Measure, known: dict[int, float],
                        start: tuple[int, float] | None) -> tuple[float | None, int | None]:
        """The yearly change in level from ``start`` (year, value) that just meets the target."""
        if m.target_level is None or start is None:
            return None, None
        y0, v0 = start
        Y = self.target_year(tg)
        if Y <= y0:
            return None, None
        return (mean_of(m.target_level) - v0) / (Y - y0), y0

    def condition(self, plan: "Plan", tg: "Target", known: dict[int, float],
                  nowcast: Getter) -> Condition:
        """What would settle the target, given its real figures (``known``) and the nowcast."""
        missing = [y for y in self.read_years(plan, tg) if y not in known]
        return Condition("need_years", (("years", missing),))

    # ----------------------------------------------------------------- words
    def goal_text(self, plan: "Plan", tg: "Target", ind: "Indicator", lang: str) -> str:
        raise NotImplementedError

    def result_text(self, tg: "Target", ind: "Indicator", v: Any, lang: str) -> str:
        return fmt_value(ind, v.value, lang)

    def required_text(self, tg: "Target", ind: "Indicator", v: Any, lang: str) -> str:
        if v.required_change is None:
            return ""
        if ind.unit == "percent":
            return f"{fmt_signed(v.required_change, lang, 2)} {t('unit.pp_year', lang)}"
        dec = 0 if ind.kind in ("count", "flow") and abs(v.required_change) >= 10 else 2
        return f"{fmt_signed(v.required_change, lang, dec)}{unit_suffix(ind, lang)}{t('board.per_year', lang)}"


def sense_symbol(sense: str) -> str:
    return {">=": "≥", "<=": "≤", "<": "<"}[sense]
