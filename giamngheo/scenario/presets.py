"""Preset scenarios as data (``data/presets.toml``): "Kế hoạch", "Xu hướng", "Tích cực", "Thận trọng".

Each preset names a rule per assumption (see the file's header); :func:`resolve` turns the rules into
a Scenario for one plan and data version, and says for every value how it was obtained, so the
method page can show the arithmetic. Assumptions a preset does not name keep their defaults.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from giamngheo.data.observations import worst_quality
from giamngheo.i18n import field as i18n_field
from giamngheo.i18n import fmt_num, t
from giamngheo.paths import DATA_DIR
from giamngheo.scenario.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from giamngheo.model.engine import Context

DEFAULT_WINDOW = 3


class PresetError(ValueError):
    pass


@dataclass(frozen=True)
class Preset:
    id: str
    order: int
    name_vi: str
    name_en: str
    about_vi: str = ""
    about_en: str = ""
    window: int = DEFAULT_WINDOW
    rules: tuple[tuple[str, Any], ...] = ()

    def name(self, lang: str) -> str:
        return i18n_field(self, "name", lang)

    def about(self, lang: str) -> str:
        return i18n_field(self, "about", lang)


@dataclass(frozen=True)
class PresetValue:
    """One value of a resolved preset and how it was obtained."""

    id: str
    value: float
    rule: str                 # number | default | times | target | fall | mean
    params: dict[str, Any] = field(default_factory=dict)
    fallback: bool = False    # too little data: the default was kept
    clamped: bool = False     # outside the slider's bounds: the nearest bound was used

    def explain(self, lang: str) -> str:
        p = {k: (fmt_num(v, lang) if isinstance(v, float) else v) for k, v in self.params.items()}
        if self.fallback:
            s = t("scenarios.rule_fallback", lang, **p)
        else:
            s = t(f"scenarios.rule_{self.rule}", lang, **p)
        if self.clamped:
            s += " " + t("scenarios.rule_clamped", lang, lo=p.get("lo", ""), hi=p.get("hi", ""))
        q = self.params.get("quality")
        if q and q != "official" and not self.fallback:
            s += " ◇ " + t("scenarios.rule_quality", lang, quality=t(f"quality.{q}", lang))
        return s


def presets_path() -> Path:
    return DATA_DIR / "presets.toml"


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> tuple[Preset, ...]:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{Path(path).name}: {exc}") from None
    out = []
    for pid, d in raw.items():
        if not isinstance(d, dict) or "name_vi" not in d:
            raise PresetError(f"{Path(path).name}: [{pid}] needs name_vi")
        rules = d.get("values", {})
        if not isinstance(rules, dict):
            raise PresetError(f"{Path(path).name}: [{pid}.values] must be a table")
        window = int(d.get("window", DEFAULT_WINDOW))
        if window < 1:
            raise PresetError(f"{Path(path).name}: [{pid}] window must be at least 1")
        out.append(Preset(id=pid, order=int(d.get("order", 99)), name_vi=d["name_vi"], name_en=d.get("name_en", ""),
                          about_vi=d.get("about_vi", ""), about_en=d.get("about_en", ""), window=window,
                          rules=tuple(rules.items())))
    return tuple(sorted(out, key=lambda p: (p.order, p.id)))


def load_presets(path: Path | str | None = None) -> list[Preset]:
    p = Path(path) if path else presets_path()
    if not p.exists():
        return []
    return list(_load(str(p), p.stat().st_mtime_ns))


def get_preset(pid: str, path: Path | str | None = None) -> Preset | None:
    return next((p for p in load_presets(path) if p.id == pid), None)


def _decimals(step: float) -> int:
    s = f"{step:.10f}".rstrip("0").rstrip(".")
    return len(s.split(".")[1]) if "." in s else 0


def _round(a, v: float) -> float:
    if a.integer:
        return float(math.floor(v + 0.5))
    return round(v, max(3, _decimals(a.step)))


def _recent(ctx: "Context", indicator: str, group: str, window: int) -> dict[int, float]:
    """The last ``window`` + 1 years of an indicator, on the same poverty standard as the last year."""
    s = ctx.obs.series(indicator, group, ctx.as_of)
    if not s:
        return {}
    last = max(s)
    same = {y: v for y, v in s.items() if ctx.plan.on_new_standard(indicator, y) == ctx.plan.on_new_standard(indicator, last)}
    years = sorted(same)[-(window + 1):]
    return {y: same[y] for y in years}


def _apply_rule(ctx: "Context", preset: Preset, aid: str, rule: Any) -> PresetValue:
    a = ctx.registry[aid]
    d = a.default
    if isinstance(rule, bool):
        raise PresetError(f"[{preset.id}.values] {aid}: not a rule: {rule!r}")
    if isinstance(rule, (int, float)):
        return PresetValue(aid, float(rule), "number", {"v": float(rule)})
    if not isinstance(rule, str):
        raise PresetError(f"[{preset.id}.values] {aid}: not a rule: {rule!r}")
    r = rule.strip()
    if r == "default":
        return PresetValue(aid, d, "default", {"d": float(d)})
    if r.startswith("default*"):
        try:
            f = float(r[8:])
        except ValueError:
            raise PresetError(f"[{preset.id}.values] {aid}: bad factor in {rule!r}") from None
        return PresetValue(aid, d * f, "times", {"f": f, "d": float(d)})
    parts = r.split(":")
    if parts[0] == "target" and len(parts) == 3:
        try:
            tg = ctx.plan.target(parts[1])
        except (KeyError, ValueError):
            raise PresetError(f"[{preset.id}.values] {aid}: no target {parts[1]}") from None
        v = getattr(tg, parts[2], None)
        if not isinstance(v, (int, float)):
            raise PresetError(f"[{preset.id}.values] {aid}: target {parts[1]} has no number {parts[2]}")
        return PresetValue(aid, float(v), "target", {"n": tg.number, "v": float(v), "what": parts[2]})
    if parts[0] in ("fall", "mean") and len(parts) in (2, 3):
        ind, group = parts[1], parts[2] if len(parts) == 3 else "all"
        pts = _recent(ctx, ind, group, preset.window)
        ys = sorted(pts)

        def quality(years: list[int]) -> str:   # how far to trust the inputs: the weakest of them
            return worst_quality(q for y in years if (q := ctx.obs.quality(ind, group, y)))
        if parts[0] == "fall":
            if len(ys) < 2:
                return PresetValue(aid, d, "fall", {"d": float(d)}, fallback=True)
            a0, b0 = ys[0], ys[-1]
            v = (pts[a0] - pts[b0]) / (b0 - a0)
            return PresetValue(aid, v, "fall", {"a": a0, "b": b0, "va": pts[a0], "vb": pts[b0], "n": b0 - a0,
                                                "v": v, "quality": quality([a0, b0])})
        ys = ys[-preset.window:]
        if not ys:
            return PresetValue(aid, d, "mean", {"d": float(d)}, fallback=True)
        v = sum(pts[y] for y in ys) / len(ys)
        return PresetValue(aid, v, "mean", {"a": ys[0], "b": ys[-1], "n": len(ys), "v": v, "quality": quality(ys)})
    raise PresetError(f"[{preset.id}.values] {aid}: unknown rule {rule!r}")


def resolve(ctx: "Context", preset: Preset) -> tuple[Scenario, list[PresetValue]]:
    """The preset as a Scenario for this plan and data (values within bounds), and how each was obtained.

    Rules for assumptions this plan does not have are skipped.
    """
    out: list[PresetValue] = []
    values: dict[str, float] = {}
    for aid, rule in preset.rules:
        if aid not in ctx.registry:
            continue
        a = ctx.registry[aid]
        pv = _apply_rule(ctx, preset, aid, rule)
        v = _round(a, pv.value)
        c = a.clamp(v)
        pv = PresetValue(aid, c, pv.rule, {**pv.params, "lo": a.min, "hi": a.max}, pv.fallback, c != v)
        out.append(pv)
        values[aid] = c
    # an ethnic-minority share never above all placements
    if "overseas_ethnic" in values and "overseas" in ctx.registry:
        total = values.get("overseas", ctx.registry["overseas"].default)
        if values["overseas_ethnic"] > total:
            values["overseas_ethnic"] = total
    nondefault = {k: v for k, v in values.items() if v != ctx.registry[k].default}
    return Scenario.of(preset.name_vi, nondefault), out


def preset_scenarios(ctx: "Context", path: Path | str | None = None) -> dict[str, tuple[Preset, Scenario]]:
    """Every preset resolved for the context, by id, in their order."""
    return {p.id: (p, resolve(ctx, p)[0]) for p in load_presets(path)}
