"""One "needed" figure per target, the same on every page and in every report: the yearly change
its own years need, the scenario's own yearly change over those years, and the value of its main
lever that just meets it (goal seek); and the verdict with, separately, the chance of meeting it."""
from __future__ import annotations

from typing import Any

from giamngheo.i18n import field, fmt_num, fmt_pct, fmt_signed, t, unit_suffix
from giamngheo.model.assess import Verdict
from giamngheo.model.engine import Context
from giamngheo.model.goalseek import goal_seek
from giamngheo.plan.targets import Target


def chance_text(v: Verdict, lang: str) -> str:
    """«khả năng đạt 85 %» — a chance, never a verdict of its own ('' when none)."""
    if v.probability is None:
        return ""
    return t("need.chance", lang, p=fmt_pct(100 * v.probability, lang, 0))


def probability_text(v: Verdict, lang: str) -> str:
    """One line: the verdict and, beside it, the chance of meeting it."""
    chance = chance_text(v, lang)
    return t("need.verdict_line", lang, n=v.number, year=v.year, status=t(f"status.{v.status}", lang)) + (
        f" · {chance}" if chance else "")


def _change(x: float | None, ind: Any, lang: str) -> str:
    """A yearly change with its unit, as the board writes it: «−0,44 điểm %/năm», «−93 hộ/năm»."""
    if x is None:
        return "–"
    if ind.unit == "percent":
        return f"{fmt_signed(x, lang, 2)} {t('unit.pp_year', lang)}"
    dec = 2 if abs(x) < 10 else 0
    return f"{fmt_signed(x, lang, dec)}{unit_suffix(ind, lang)}{t('board.per_year', lang)}"


# when a poverty target is out of reach of its main lever, the households with nobody able to work
# are why: say what their exit rate would have to be
SECOND_LEVER = {"poor_rate": "no_work_exit_rate", "poor_households": "no_work_exit_rate"}


def _lever_words(ctx: Context, r: Any, lang: str) -> str:
    a = ctx.registry[r.lever]
    label = field(a, "label", lang)
    if r.outcome == "found":
        v = fmt_num(r.value, lang, 0 if a.integer else 2)
        return t("need.lever_ge" if r.sense == ">=" else "need.lever_le", lang, lever=label, v=v)
    return t(f"need.lever_{r.outcome}", lang, lever=label)


def second_requirement(ctx: Context, scenario: Any, tg: Target, r: Any) -> Any:
    """When the main lever cannot meet a poverty target: the requirement on the exit rate of the
    households with nobody able to work (None otherwise, or when that seek has no answer)."""
    second = SECOND_LEVER.get(tg.indicator)
    if r.outcome != "never" or not second or second not in ctx.registry:
        return None
    r2 = goal_seek(ctx, scenario, tg.id, second)
    return r2 if r2.outcome in ("found", "never") else None


def lever_text(ctx: Context, scenario: Any, tg: Target, lang: str) -> str:
    """The value of the target's main lever that just meets it, in words ('' when none is found);
    when none in its range does, what the second lever would need."""
    r = goal_seek(ctx, scenario, tg.id)
    if r.lever is None or r.outcome in ("no_lever", "not_projected"):
        return ""
    words = _lever_words(ctx, r, lang)
    r2 = second_requirement(ctx, scenario, tg, r)
    return words + ("; " + _lever_words(ctx, r2, lang) if r2 is not None else "")


def resulting_text(ctx: Context, scenario: Any, target_id: str, lang: str) -> str:
    """What the scenario does to a target's indicator over the target's own years, in its unit:
    «2026→2030: −0,37 điểm %/năm» ('' when the target has no such change). Shown beside a lever, so
    that a slider in its own unit (a share leaving a year) is never read as the fall it produces."""
    from giamngheo.model.engine import run
    v = next((x for x in run(ctx, scenario)[1] if x.target == target_id), None)
    if v is None or v.resulting_change is None or v.required_from is None:
        return ""
    ind = ctx.indicators[v.indicator]
    return t("need.resulting_years", lang, a=v.required_from, b=v.required_to or v.year, v=_change(v.resulting_change, ind, lang))


def need_line(ctx: Context, scenario: Any, tg: Target, v: Verdict, lang: str) -> str:
    """«Chỉ tiêu 24: cần −0,44 điểm %/năm (2026→2030); kịch bản −0,26; «…» cần ≥ 0,62»."""
    ind = ctx.indicators[tg.indicator]
    parts = [t("need.needed", lang, n=tg.number, v=_change(v.required_change, ind, lang), a=v.required_from,
               b=v.required_to or v.year)]
    if v.resulting_change is not None:
        parts.append(t("need.resulting", lang, v=_change(v.resulting_change, ind, lang)))
    lever = lever_text(ctx, scenario, tg, lang)
    if lever:
        parts.append(lever)
    return " · ".join(parts)
