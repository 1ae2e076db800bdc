"""The registry of adjustable assumptions: each assumption's bounds, default and evidence, and the
start's constants; built from ``data/assumptions.toml`` (parsed and checked when it loads: an
unknown field, code or id is an error naming it) plus one ``<indicator>_change`` (or
``<indicator>_per_year``) for every other indicator a target tests, whose default is its own trend.

Defaults: a number; ``plan:<target>`` (that target's number); ``history:<rule>`` (from the data);
``calibrated`` (the poverty model's pace on the record, given by the engine).
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from giamngheo.data.observations import Observations
from giamngheo.paths import DATA_DIR
from giamngheo.plan.indicators import Indicator
from giamngheo.plan.kinds import kind_of
from giamngheo.plan.targets import Plan
from giamngheo.scenario.scenario import Scenario, ScenarioError, value_number
from giamngheo.stats import ols_slope

SECTIONS = ("headline", "poverty", "channels", "shock", "standard", "indicators")
# indicators the poverty and labour models project themselves (no generic change assumption)
MODELLED = {"poor_rate", "near_poor_rate", "poor_households", "near_poor_households", "households",
            "jobs_created", "workers_abroad", "workers_abroad_ethnic"}


@dataclass(frozen=True)
class Assumption:
    id: str
    section: str
    label_vi: str
    label_en: str
    unit: str
    min: float
    max: float
    step: float
    default: float
    help_vi: str = ""
    help_en: str = ""
    sd: float = 0.0                 # one standard deviation for the Monte Carlo
    indicator: str | None = None    # the indicator it drives, if any
    group: str = "all"
    integer: bool = False
    default_basis: str = "plan"     # official | estimate | calibrated | plan | history | assumed
    source: str = ""                # a source id behind the evidence
    evidence_vi: str = ""
    evidence_en: str = ""
    # its role (assumptions.toml): the model input it feeds (levers of one channel add up), the indicators
    # whose targets it is the main lever of, the lever it is a part of (never more than it), its gap group
    channel: str = ""
    serves: tuple[str, ...] = ()
    part_of: str = ""
    gap_group: str = ""

    @property
    def decimals(self) -> int:
        """The decimals a value of this lever is shown with: its step's (at least one), none for whole numbers.
        The slider, its number box and every table that shows the lever's current value use it."""
        if self.integer:
            return 0
        step = f"{self.step:.6f}".rstrip("0")
        return max(1, len(step.split(".")[1])) if "." in step else 0

    def clamp(self, v: float) -> float:
        v = min(max(v, self.min), self.max)
        return float(round(v)) if self.integer else float(v)


class Registry:
    """Every assumption of one plan and data version, with resolved defaults."""

    def __init__(self, items: Iterable[Assumption], constants: Mapping[str, "Constant"] | None = None,
                 spec_digest: str = ""):
        self.items: dict[str, Assumption] = {a.id: a for a in items}
        self.constants: dict[str, Constant] = dict(constants or {})
        self.digest = (spec_digest, tuple((a.id, a.default, a.sd, a.min, a.max) for a in self.items.values()))

    def __contains__(self, id: str) -> bool:
        return id in self.items

    def __getitem__(self, id: str) -> Assumption:
        return self.items[id]

    def __iter__(self):
        return iter(self.items.values())

    def section(self, name: str) -> list[Assumption]:
        return [a for a in self.items.values() if a.section == name]

    def parts(self) -> list[Assumption]:
        """The levers that are a part of another (``part_of``): never more than it."""
        return [a for a in self if a.part_of in self]

    def channels(self, vals: Mapping[str, Any]) -> dict[str, Any]:
        """The model's inputs from the levers' values: each channel the sum of its levers (``channel`` in
        assumptions.toml), a whole never less than its parts (``part_of``). Values may be arrays of draws."""
        out = dict(vals)
        members, parts = self._channel_plan()
        for ch, ids in members:
            out[ch] = sum((vals[i] for i in ids[1:]), vals[ids[0]]) if len(ids) > 1 else vals[ids[0]]
        for whole, part in parts:
            out[whole] = np.maximum(out[whole], out[part])
        return out

    def _channel_plan(self) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, str], ...]]:
        """Each channel's levers, and each (whole, part) pair, in the registry's order: read from the assumptions
        once (a registry's assumptions never change once it is made: its digest is made of them), not on each of
        the dozen calls of a move."""
        plan = self.__dict__.get("_channels")
        if plan is None:
            members: dict[str, list[str]] = {}
            for a in self:
                if a.channel:
                    members.setdefault(a.channel, []).append(a.id)
            plan = (tuple((ch, tuple(ids)) for ch, ids in members.items()),
                    tuple((self[a.part_of].channel or a.part_of, a.channel or a.id) for a in self.parts()))
            self._channels = plan
        return plan

    def flows(self) -> dict[str, str]:
        """Indicator → channel: the yearly amounts a channel's levers are of (jobs created, placements)."""
        out: dict[str, str] = {}
        for a in self:
            if a.channel and a.indicator and a.section != "indicators":
                out.setdefault(a.indicator, a.channel)
        return out

    def gap_groups(self) -> list[tuple[str, tuple[str, ...]]]:
        """The gap attribution's levers: (group name, its assumption ids), in the file's order."""
        groups: dict[str, list[str]] = {}
        for a in self:
            if a.gap_group:
                groups.setdefault(a.gap_group, []).append(a.id)
        return [(g, tuple(ids)) for g, ids in groups.items()]

    def resolve(self, scenario: Scenario) -> dict[str, float]:
        """Every id's value in the scenario (given or default), and the start constants."""
        out = self.defaults()
        for k, v in scenario.values:
            if k in out:
                out[k] = v
        return out

    def defaults(self) -> dict[str, float]:
        out = {a.id: a.default for a in self.items.values()}
        out.update({c.id: c.value for c in self.constants.values()})
        return out

    def validate(self, values: Mapping[str, Any], name: str = "") -> Scenario:
        """A strict check (CLI, JSON import): unknown ids and out-of-range values are errors."""
        clean: dict[str, float] = {}
        for k, raw in values.items():
            a = self.items.get(k)
            if a is None:
                raise ScenarioError(k, "unknown_id")
            v = value_number(raw)
            if v is None:
                raise ScenarioError(k, "not_number", raw)
            if not (a.min <= v <= a.max):
                raise ScenarioError(k, "out_of_range", raw, min=a.min, max=a.max)
            if a.integer and not float(v).is_integer():
                raise ScenarioError(k, "not_whole", raw)
            if v != a.default:
                clean[k] = v
        sc = Scenario.of(name, clean)
        _check_consistency(self, sc)
        return sc

    # the URL codec lives in giamngheo.scenario.link; these keep the registry's old entry points
    def migrate(self, raw: Mapping[str, Any]) -> dict[str, float]:
        from giamngheo.scenario.link import migrate
        return migrate(self, raw)

    def from_link(self, raw: Mapping[str, Any]) -> dict[str, float]:
        from giamngheo.scenario.link import from_link
        return from_link(self, raw)

    def link_report(self, raw: Mapping[str, Any], actual: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
        from giamngheo.scenario.link import link_report
        return link_report(self, raw, actual)

    def to_query(self, scenario: "Scenario") -> dict[str, str]:
        from giamngheo.scenario.link import to_query
        return to_query(self, scenario)



def _check_consistency(reg: Registry, sc: Scenario) -> None:
    vals = reg.resolve(sc)
    for a in reg:
        if a.part_of in reg and vals[a.id] > vals[a.part_of]:
            raise ScenarioError(a.id, "more_than_total", vals[a.id])


# ----------------------------------------------------------------------------- building the registry

def _history(rule: str, obs: Observations, as_of: int) -> tuple[float | None, float | None]:
    """(default, sd) for a history rule, or None where the data are too thin."""
    parts = rule.split(":")
    name = parts[0]
    group = parts[1] if len(parts) > 1 else "all"
    if name == "household_growth":
        s = obs.series("households", "all", as_of)
        ys = sorted(s)
        if len(ys) >= 2:
            g = [(s[b] / s[a]) ** (1 / (b - a)) - 1 for a, b in zip(ys, ys[1:])]
            return round(100 * float(np.mean(g)), 2), None
        return None, None
    if name in ("new_poor_rate", "returning_poor_rate", "near_new_rate"):
        flow = {"new_poor_rate": "poor_new", "returning_poor_rate": "poor_returning",
                "near_new_rate": "near_poor_new"}[name]
        f = obs.series(flow, group, as_of)
        H, P, N = (obs.series(x, group, as_of) for x in ("households", "poor_households", "near_poor_households"))
        rates = []
        for y, v in f.items():
            if y - 1 in P and y - 1 in N and (name == "returning_poor_rate" or y - 1 in H):
                den = N[y - 1] if name == "returning_poor_rate" else H[y - 1] - P[y - 1] - N[y - 1]  # others
                if den > 0:
                    rates.append(100 * v / den)
        return (round(float(np.mean(rates[-3:])), 3) if rates else None), None
    # an indicator: the spread of its own yearly changes (sd) and its trend (default)
    s = obs.series(name, group, as_of)
    ys = sorted(s)
    if len(ys) >= 3:
        v = np.array([s[y] for y in ys], float)
        ch = np.diff(v) / np.diff(ys)
        if name.endswith("_rate") and np.all(v[:-1] > 0):
            # a rate's yearly changes shrink with its level (4 points a year at 8 %, half a point at
            # 2 %): take the spread of the relative changes and scale it to the latest level
            return None, float(np.std(ch / v[:-1], ddof=1) * v[-1])
        return None, float(np.std(ch, ddof=1))
    return None, None


def _plan_value(plan: Plan, tid: str, applies: Mapping[str, str]) -> float | None:
    """The number of target ``tid``; for another plan without that id, the value of a target on the
    same indicator and group (a fall, a yearly amount); None when the plan states none."""
    try:
        tg = plan.target(tid)
        if tg.value is not None:
            return float(tg.value)
    except KeyError:
        pass
    for tg in plan.targets:
        if (tg.indicator == applies.get("indicator") and tg.group == applies.get("group", "all")
                and kind_of(tg).yearly and tg.value is not None):
            return float(tg.value)
    return None


def _generic(ind: Indicator, group: str, obs: Observations, as_of: int) -> Assumption | None:
    s = obs.series(ind.id, group, as_of)
    if not s or ind.kind == "flag":
        return None
    ys = sorted(s)
    window = ys[-5:]
    slope = ols_slope(window, [s[y] for y in window])[0] if len(window) >= 2 else 0.0
    sd = float(np.std(np.diff([s[y] for y in ys]) / np.diff(ys), ddof=1)) if len(ys) >= 3 else 0.0
    suffix = "" if group == "all" else f"_{group}"
    if ind.kind == "flow":
        mean = float(np.mean([s[y] for y in window]))
        hi = max(10.0, math.ceil(3 * max(mean, 1)))
        integer = ind.unit in ("schools", "workers", "households", "communes")
        vals = [s[y] for y in ys]
        return Assumption(id=f"{ind.id}{suffix}_per_year", section="indicators",
                          label_vi=f"{ind.name_vi} (mỗi năm)", label_en=f"{ind.name_en} (a year)", unit=ind.unit,
                          min=0.0, max=float(hi), step=1.0 if integer else 0.1,
                          default=float(round(mean)) if integer else round(mean, 2),
                          sd=float(np.std(vals, ddof=1)) if len(vals) >= 2 else 0.0, indicator=ind.id, group=group,
                          integer=integer, default_basis="history",
                          help_vi="Mặc định: bình quân các năm gần nhất trong dữ liệu.",
                          help_en="Default: the average of the latest years in the data.")
    if ind.kind == "rate":
        lo, hi, step = -5.0, 5.0, 0.05
    elif ind.kind in ("count",):
        lo, hi, step = -3.0, 5.0, 1.0
    else:
        lo, hi, step = -3.0, 3.0, 0.05
    default = min(max(round(slope, 2) if step < 1 else float(round(slope)), lo), hi)
    return Assumption(id=f"{ind.id}{suffix}_change", section="indicators",
                      label_vi=f"{ind.name_vi}: thay đổi mỗi năm", label_en=f"{ind.name_en}: change a year",
                      unit="pp_year" if ind.kind == "rate" else ind.unit, min=lo, max=hi, step=step, default=default,
                      sd=sd, indicator=ind.id, group=group, integer=step >= 1, default_basis="history",
                      help_vi="Mặc định: xu hướng bình phương nhỏ nhất của các năm gần nhất trong dữ liệu.",
                      help_en="Default: the least-squares trend of the latest years in the data.")


SPEC_FIELDS = {"section", "label_vi", "label_en", "unit", "min", "max", "step", "default", "fallback", "sd", "basis",
               "source", "help_vi", "help_en", "evidence_vi", "evidence_en", "applies_to",
               "channel", "serves", "part_of", "gap_group"}
SPEC_REQUIRED = ("section", "label_vi", "label_en", "unit", "min", "max", "step", "default")
BASES = ("official", "estimate", "calibrated", "plan", "history", "assumed")
HISTORY_RULES = ("household_growth",)
START_FIELDS = {"value", "basis", "source", "label_vi", "label_en", "evidence_vi", "evidence_en"}


class AssumptionFileError(ValueError):
    """A problem in the assumptions file: ``id`` and ``field`` say where."""

    def __init__(self, file: str, id: str, field_name: str | None, message: str):
        self.file, self.id, self.field, self.message = file, id, field_name, message
        super().__init__(f"{file}: [{id}]" + (f" field {field_name!r}" if field_name else "") + f": {message}")


@dataclass(frozen=True)
class Default:
    """A parsed ``default`` code: kind number | plan | history | calibrated, with its argument."""

    kind: str
    arg: Any = None


@dataclass(frozen=True)
class Constant:
    """A constant of the model's start (not a slider), with its evidence."""

    id: str
    value: float
    basis: str
    source: str = ""
    label_vi: str = ""
    label_en: str = ""
    evidence_vi: str = ""
    evidence_en: str = ""


def _parse_default(file: str, aid: str, raw: Any) -> Default:
    if isinstance(raw, bool):
        raise AssumptionFileError(file, aid, "default", f"must be a number or a code, got {raw!r}")
    if isinstance(raw, (int, float)):
        return Default("number", float(raw))
    if isinstance(raw, str):
        if raw == "calibrated":
            return Default("calibrated")
        if raw.startswith("plan:") and len(raw) > 5:
            return Default("plan", raw[5:])
        if raw.startswith("history:") and raw[8:] in HISTORY_RULES:
            return Default("history", raw[8:])
    raise AssumptionFileError(file, aid, "default", f"unknown code {raw!r}: a number, \"plan:<target>\", "
                              f"\"history:<{'|'.join(HISTORY_RULES)}>\" or \"calibrated\"")


def _parse_sd(file: str, aid: str, raw: Any, indicators: Mapping[str, Indicator] | None) -> float | str:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw < 0:
            raise AssumptionFileError(file, aid, "sd", "must not be negative")
        return float(raw)
    if isinstance(raw, str) and raw.startswith("history:"):
        ind = raw[8:].split(":")[0]
        if indicators is not None and ind not in indicators:
            raise AssumptionFileError(file, aid, "sd", f"unknown indicator {ind!r} in {raw!r}")
        return raw
    raise AssumptionFileError(file, aid, "sd", f"must be a number or \"history:<indicator>[:<group>]\", got {raw!r}")


@dataclass(frozen=True)
class Spec:
    """The assumptions file, parsed and checked."""

    items: dict[str, dict[str, Any]]
    constants: dict[str, Constant]
    digest: str


@lru_cache(maxsize=4)
def _spec(path: str) -> Spec:
    import hashlib
    file = Path(path).name
    raw_bytes = Path(path).read_bytes()
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AssumptionFileError(file, "-", None, f"not valid TOML: {exc}") from None
    indicators = None
    try:
        from giamngheo.plan.indicators import load_indicators
        indicators = load_indicators()
    except Exception:  # noqa: BLE001 - checked again where the registry is built
        indicators = None
    items: dict[str, dict[str, Any]] = {}
    constants: dict[str, Constant] = {}
    for aid, d in raw.items():
        if aid == "_start":
            for cid, c in d.items():
                extra = set(c) - START_FIELDS
                if extra:
                    raise AssumptionFileError(file, f"_start.{cid}", sorted(extra)[0], "is not a field of a start constant")
                if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
                    raise AssumptionFileError(file, f"_start.{cid}", "value", "must be a number")
                if c.get("basis", "assumed") not in BASES:
                    raise AssumptionFileError(file, f"_start.{cid}", "basis", f"must be one of {BASES}")
                constants[cid] = Constant(cid, float(c["value"]), c.get("basis", "assumed"), c.get("source", ""),
                                          c.get("label_vi", ""), c.get("label_en", ""), c.get("evidence_vi", ""),
                                          c.get("evidence_en", ""))
            continue
        if not isinstance(d, dict):
            raise AssumptionFileError(file, aid, None, "must be a table")
        for f in SPEC_REQUIRED:
            if f not in d:
                raise AssumptionFileError(file, aid, f, "is missing")
        extra = set(d) - SPEC_FIELDS
        if extra:
            raise AssumptionFileError(file, aid, sorted(extra)[0], "is not a field of an assumption")
        if d["section"] not in SECTIONS[:-1]:
            raise AssumptionFileError(file, aid, "section", f"must be one of {SECTIONS[:-1]}, got {d['section']!r}")
        for f in ("min", "max", "step"):
            if not isinstance(d[f], (int, float)) or isinstance(d[f], bool):
                raise AssumptionFileError(file, aid, f, "must be a number")
        if not d["min"] < d["max"] or d["step"] <= 0:
            raise AssumptionFileError(file, aid, "max", "needs min < max and step > 0")
        dflt = _parse_default(file, aid, d["default"])
        if dflt.kind in ("calibrated", "history") and "fallback" not in d:
            raise AssumptionFileError(file, aid, "fallback", f"is required with default {d['default']!r}")
        basis = d.get("basis", "calibrated" if dflt.kind == "calibrated" else ("plan" if dflt.kind == "plan" else "assumed"))
        if basis not in BASES:
            raise AssumptionFileError(file, aid, "basis", f"must be one of {BASES}, got {basis!r}")
        sd = _parse_sd(file, aid, d.get("sd", 0.0), indicators)
        items[aid] = {**d, "_default": dflt, "_sd": sd, "basis": basis}
    return Spec(items, constants, hashlib.sha1(raw_bytes).hexdigest()[:16])


def build_registry(plan: Plan, obs: Observations, indicators: dict[str, Indicator], as_of: int,
                   path: Path | str | None = None, calibrated: Mapping[str, float] | None = None) -> Registry:
    """The registry of a plan and data version. ``calibrated``: the calibrated defaults (id → value);
    without them a "calibrated" default takes its stated fallback."""
    spec = _spec(str(path or DATA_DIR / "assumptions.toml"))
    file = Path(str(path or DATA_DIR / "assumptions.toml")).name
    items: list[Assumption] = []
    calibrated = calibrated or {}
    for aid, d in spec.items.items():
        dflt: Default = d["_default"]
        basis = d["basis"]
        applies = d.get("applies_to", {})
        if dflt.kind == "plan":
            default = _plan_value(plan, dflt.arg, applies)
            if default is None:
                if not any(t.id == dflt.arg for t in plan.targets) and not applies:
                    raise AssumptionFileError(file, aid, "default", f"target {dflt.arg!r} is not in the plan")
                default, basis = float(d.get("fallback", d["min"])), "assumed"
        elif dflt.kind == "history":
            default, _ = _history(dflt.arg, obs, as_of)
            if default is None:
                default, basis = float(d["fallback"]), "assumed"
            else:
                basis = "history" if basis == "assumed" else basis
        elif dflt.kind == "calibrated":
            if aid in calibrated:
                default = float(calibrated[aid])
            else:
                default, basis = float(d["fallback"]), "assumed"
        else:
            default = float(dflt.arg)
        sd = d["_sd"]
        if isinstance(sd, str):
            _, hist_sd = _history(sd[8:], obs, as_of)
            sd = hist_sd if hist_sd is not None else float(d["step"] * 5)
        integer = all(isinstance(d[k], int) for k in ("min", "max", "step"))
        items.append(Assumption(
            id=aid, section=d["section"], label_vi=d["label_vi"], label_en=d["label_en"], unit=d["unit"],
            min=float(d["min"]), max=float(d["max"]), step=float(d["step"]),
            default=min(max(float(default), float(d["min"])), float(d["max"])),
            help_vi=d.get("help_vi", ""), help_en=d.get("help_en", ""), sd=float(sd),
            indicator=applies.get("indicator"), group=applies.get("group", "all"), integer=integer,
            default_basis=basis, source=d.get("source", ""), evidence_vi=d.get("evidence_vi", ""),
            evidence_en=d.get("evidence_en", ""), channel=str(d.get("channel", "")),
            serves=tuple(d.get("serves", [applies["indicator"]] if "channel" in d and applies.get("indicator") else [])),
            part_of=str(d.get("part_of", "")), gap_group=str(d.get("gap_group", ""))))
    # a named group's own pace exists only where the plan has that group
    groups = set(plan.extra.get("model", {}).get("groups", []))
    items = [a for a in items if not (a.id.endswith("_poor_fall") and a.id not in ("poor_fall", "near_poor_fall")
                                      and a.id[: -len("_poor_fall")] not in groups)]
    seen = set()
    for tg in plan.targets:
        key = (tg.indicator, tg.group)
        if tg.indicator in MODELLED or key in seen:
            continue
        seen.add(key)
        ind = indicators[tg.indicator]
        a = _generic(ind, tg.group, obs, as_of)
        if a is not None and a.id not in {i.id for i in items}:
            items.append(a)
    return Registry(items, spec.constants, spec.digest)


