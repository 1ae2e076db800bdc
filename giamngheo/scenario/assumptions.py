"""The registry of adjustable assumptions and the immutable Scenario.

The registry is data (``data/assumptions.toml``) plus one ``<indicator>_change`` (or
``<indicator>_per_year`` for yearly flows) for every other indicator a target tests, whose default
is the indicator's own recent trend. Defaults named ``plan:<target>`` take that target's number;
``history:<rule>`` come from the observations. A Scenario holds values for some ids; the rest take
their defaults. Scenarios are immutable and hashable, so results can be cached by scenario.
"""
from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from giamngheo.plan.indicators import Indicator
from giamngheo.model.trend import ols_slope
from giamngheo.data.observations import Observations
from giamngheo.paths import DATA_DIR
from giamngheo.plan.targets import Plan

SECTIONS = ("headline", "poverty", "channels", "shock", "standard", "indicators")
URL_VERSION = 1
RESERVED_PARAMS = ("v", "lang", "scenario", "page", "as_of", "embed", "embed_options")
# ids renamed since earlier link versions: {version: {old id: new id}}
RENAMED: dict[int, dict[str, str]] = {}
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
    default_basis: str = "plan"     # plan | history | stated

    def clamp(self, v: float) -> float:
        v = min(max(v, self.min), self.max)
        return float(round(v)) if self.integer else float(v)


class ScenarioError(ValueError):
    """Raised for an unknown id or an out-of-range value; ``id`` names the assumption."""

    def __init__(self, id: str, code: str, value: Any = None, **params: Any):
        self.id, self.code, self.value, self.params = id, code, value, params
        super().__init__(f"{id}: {code}" + (f" ({value!r})" if value is not None else "")
                         + (f" {params}" if params else ""))


@dataclass(frozen=True)
class Scenario:
    """A named set of assumption values (only those that differ from the defaults)."""

    name: str = ""
    values: tuple[tuple[str, float], ...] = ()

    @staticmethod
    def of(name: str = "", values: Mapping[str, float] | None = None) -> "Scenario":
        return Scenario(name, tuple(sorted((k, float(v)) for k, v in (values or {}).items())))

    def as_dict(self) -> dict[str, float]:
        return dict(self.values)

    def get(self, id: str, default: float | None = None) -> float | None:
        return self.as_dict().get(id, default)

    def with_values(self, **changes: float) -> "Scenario":
        d = self.as_dict()
        d.update({k: float(v) for k, v in changes.items()})
        return Scenario.of(self.name, d)

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "values": {k: _plain(v) for k, v in self.values}},
                          ensure_ascii=False, indent=2)


def _plain(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


class Registry:
    """Every assumption of one plan and data version, with resolved defaults."""

    def __init__(self, items: Iterable[Assumption]):
        self.items: dict[str, Assumption] = {a.id: a for a in items}

    def __contains__(self, id: str) -> bool:
        return id in self.items

    def __getitem__(self, id: str) -> Assumption:
        return self.items[id]

    def __iter__(self):
        return iter(self.items.values())

    def section(self, name: str) -> list[Assumption]:
        return [a for a in self.items.values() if a.section == name]

    def defaults(self) -> dict[str, float]:
        return {a.id: a.default for a in self.items.values()}

    def resolve(self, scenario: Scenario) -> dict[str, float]:
        """Every id's value in the scenario (given or default)."""
        out = self.defaults()
        for k, v in scenario.values:
            if k in out:
                out[k] = v
        return out

    def validate(self, values: Mapping[str, Any], name: str = "") -> Scenario:
        """A strict check (CLI, JSON import): unknown ids and out-of-range values are errors."""
        clean: dict[str, float] = {}
        for k, raw in values.items():
            a = self.items.get(k)
            if a is None:
                raise ScenarioError(k, "unknown_id")
            v = _number(raw)
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

    def migrate(self, raw: Mapping[str, Any]) -> dict[str, float]:
        """Values of a link made by an older version whose ids have since been renamed: {new id: value}."""
        out: dict[str, float] = {}
        for old, new in renames_for(raw).items():
            if old in raw and new in self.items:
                v = _number(_first(raw[old]))
                if v is not None:
                    out[new] = self.items[new].clamp(v)
        return out

    def from_link(self, raw: Mapping[str, Any]) -> dict[str, float]:
        """The values a link sets, as the sliders will take them: numbers within bounds under their
        current ids (renamed ids carried over). Out-of-range and non-numbers are left to the defaults,
        as the URL-bound sliders do; :meth:`link_report` says so."""
        out = self.migrate(raw)
        for k, v in raw.items():
            a = self.items.get(k)
            if a is None or _repeated(v):
                continue
            num = _strict_number(_first(v))
            if num is None or not (a.min <= num <= a.max) or (a.integer and not num.is_integer()):
                continue
            out[k] = num
        return out

    def link_report(self, raw: Mapping[str, Any], actual: Mapping[str, Any]) -> list[tuple[str, str, Any, Any]]:
        """What became of each parameter of a link, given the values the widgets ended up with.

        ``raw`` maps a parameter to its value or its list of values (a repeated parameter). Returns
        (param, code, raw value, value used) for every parameter not taken as given:
        ``ignored_unknown``, ``ignored_not_number``, ``ignored_repeated``, ``ignored_out_of_range``
        (the default was kept), ``clamped`` (the nearest bound was used) or ``rounded`` (to the step).
        Ethnic placements above all placements are said live by the sidebar, not here.
        """
        out: list[tuple[str, str, Any, Any]] = []
        renames = renames_for(raw)
        for k, v in raw.items():
            if k in RESERVED_PARAMS:
                continue
            raw1 = _first(v)
            kid = renames.get(k, k)
            a = self.items.get(kid)
            if a is None:
                out.append((k, "ignored_unknown", raw1, None))
                continue
            used = actual.get(kid, a.default)
            if _repeated(v):
                out.append((k, "ignored_repeated", raw1, used))
                continue
            num = _strict_number(raw1)
            if num is None:
                out.append((k, "ignored_not_number", raw1, used))
            elif abs(float(used) - num) > 1e-9:
                if a.min <= num <= a.max:
                    code = "rounded"
                elif float(used) == a.default:
                    code = "ignored_out_of_range"
                else:
                    code = "clamped"
                out.append((k, code, raw1, used))
        return out

    def to_query(self, scenario: Scenario) -> dict[str, str]:
        q = {k: _fmt_query(v) for k, v in scenario.values if k in self.items and v != self.items[k].default}
        if q:
            q["v"] = str(URL_VERSION)
        return q


def renames_for(params: Mapping[str, Any]) -> dict[str, str]:
    """The id renames that apply to a link of the version it carries (``v``; no ``v``: version 1)."""
    version = _number(_first(params.get("v", 1))) or 1
    renames: dict[str, str] = {}
    for ver, table in sorted(RENAMED.items()):
        if version < ver:
            renames.update(table)
    return renames


def _check_consistency(reg: Registry, sc: Scenario) -> None:
    if "overseas_ethnic" in reg and "overseas" in reg:
        vals = reg.resolve(sc)
        if vals["overseas_ethnic"] > vals["overseas"]:
            raise ScenarioError("overseas_ethnic", "more_than_total", vals["overseas_ethnic"])


def _repeated(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 1


def _strict_number(raw: Any) -> float | None:
    """A number as a link carries it: a decimal point, or one decimal comma as Vietnamese users write
    it (``0,8``); no thousands separators."""
    text = str(raw).strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _first(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return v[0] if v else None
    return v


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        v = float(raw)
    else:
        try:
            v = float(str(raw).strip().replace(",", "."))
        except (TypeError, ValueError):
            return None
    return v if math.isfinite(v) else None


def _fmt_query(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(round(v, 6))


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
                and tg.kind in ("average_change", "yearly_flow") and tg.value is not None):
            return float(tg.value)
    return None


def _history_default(obs: Observations, applies: Mapping[str, str], as_of: int) -> float | None:
    """The data's own recent pace for an assumption that drives an indicator: a fall in points a year
    for a rate, the recent yearly average for a flow."""
    ind, group = applies.get("indicator"), applies.get("group", "all")
    if not ind:
        return None
    s = obs.series(ind, group, as_of)
    ys = sorted(s)[-5:]
    if not ys:
        return None
    if ind.endswith("_rate"):
        return max(-ols_slope(ys, [s[y] for y in ys])[0], 0.0) if len(ys) >= 2 else None
    return float(np.mean([s[y] for y in ys]))


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


@lru_cache(maxsize=1)
def _spec(path: str) -> dict[str, dict[str, Any]]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def build_registry(plan: Plan, obs: Observations, indicators: dict[str, Indicator], as_of: int,
                   path: Path | str | None = None) -> Registry:
    spec = _spec(str(path or DATA_DIR / "assumptions.toml"))
    items: list[Assumption] = []
    for aid, d in spec.items():
        raw_default = d["default"]
        basis = "stated"
        sd = d.get("sd", 0.0)
        hist_default, hist_sd = (None, None)
        applies = d.get("applies_to", {})
        if isinstance(raw_default, str) and raw_default.startswith("plan:"):
            default = _plan_value(plan, raw_default[5:], applies)
            basis = "plan"
            if default is None:
                default = _history_default(obs, applies, as_of)
                basis = "history"
            if default is None:
                default, basis = float(d.get("fallback", d["min"])), "stated"
        elif isinstance(raw_default, str) and raw_default.startswith("history:"):
            hist_default, _ = _history(raw_default[8:], obs, as_of)
            default = hist_default if hist_default is not None else float(d.get("fallback", d["min"]))
            basis = "history"
        else:
            default = float(raw_default)
        if isinstance(sd, str):
            _, hist_sd = _history(sd[8:], obs, as_of)
            sd = hist_sd if hist_sd is not None else float(d.get("sd_fallback", d["step"] * 5))
        integer = all(isinstance(d[k], int) for k in ("min", "max", "step"))
        items.append(Assumption(
            id=aid, section=d["section"], label_vi=d["label_vi"], label_en=d["label_en"], unit=d["unit"],
            min=float(d["min"]), max=float(d["max"]), step=float(d["step"]),
            default=min(max(float(default), float(d["min"])), float(d["max"])),
            help_vi=d.get("help_vi", ""), help_en=d.get("help_en", ""), sd=float(sd),
            indicator=applies.get("indicator"), group=applies.get("group", "all"), integer=integer,
            default_basis=basis))
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
    return Registry(items)


def load_scenario_file(path: Path | str, registry: Registry) -> Scenario:
    """Read a scenario JSON ``{"name": ..., "values": {...}}``; raises ScenarioError or ValueError."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{Path(path).name}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return scenario_from_json_obj(raw, registry)


def scenario_from_json_obj(raw: Any, registry: Registry) -> Scenario:
    if not isinstance(raw, dict) or not isinstance(raw.get("values", {}), dict):
        raise ValueError('a scenario is {"name": "...", "values": {"id": number, ...}}')
    return registry.validate(raw.get("values", {}), name=str(raw.get("name", "")))
