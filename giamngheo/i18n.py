"""The translation layer: every user-facing string, Vietnamese (default) and English.

Strings live in ``giamngheo/locales/*.toml``, one table per key with ``vi`` and ``en``.
Several files let each part of the app keep its own strings; a key defined twice is an error.
Numbers follow the language: Vietnamese ``1.234,5`` and ``2,33%``; English ``1,234.5`` and ``2.33%``.
"""
from __future__ import annotations

import math
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALE_DIR = Path(__file__).with_name("locales")


class MissingTranslation(KeyError):
    pass


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All strings, merged from every locale file. Raises on a key defined twice."""
    out: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, entry in data.items():
            if key in out:
                raise ValueError(f"{path.name}: key {key!r} is already defined in {origin[key]}")
            out[key] = dict(entry)
            origin[key] = path.name
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    entry = catalogue().get(key)
    if entry is None:
        raise MissingTranslation(key)
    text = entry.get(lang) or entry.get(DEFAULT_LANG)
    if text is None:
        raise MissingTranslation(f"{key} [{lang}]")
    return text.format(**params) if params else text


def field(obj: Any, name: str, lang: str = DEFAULT_LANG) -> str:
    """A bilingual data field: ``obj.name_vi`` / ``obj["name_en"]`` for the language, Vietnamese as fallback.
    A field without a language suffix (``note`` beside ``note_en`` in the data files) is Vietnamese."""
    for candidate in (f"{name}_{lang}", f"{name}_{DEFAULT_LANG}", name):
        if isinstance(obj, Mapping):
            v = obj.get(candidate)
        else:
            v = getattr(obj, candidate, None)
        if isinstance(v, str) and v:
            return v
        if v and not isinstance(v, str) and candidate != name:
            return str(v)
    return ""


def fmt_num(x: float | int | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """A number in the language's format. ``decimals=None`` keeps up to 2 and drops trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if decimals is None:
        s = f"{x:,.2f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
    else:
        s = f"{x:,.{decimals}f}"
    if s.startswith("-"):
        s = "−" + s[1:]
    if s in ("−0", "−0.0", "−0.00"):
        s = s[1:]
    if lang == "vi":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def fmt_pct(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 2) -> str:
    """A percentage: ``2,33%`` (vi) or ``2.33%`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return fmt_num(x, lang, decimals) + "%"


def fmt_signed(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 2) -> str:
    """A change with its sign: ``+1,5`` / ``−0,25``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = fmt_num(x, lang, decimals)
    return s if s.startswith("−") or s == fmt_num(0, lang, decimals) else "+" + s


def unit_suffix(ind: Any, lang: str = DEFAULT_LANG) -> str:
    """What follows a value of an indicator: ``%``, `` hộ``, ``/10.000 dân``, or nothing for a flag."""
    if ind.unit == "percent":
        return "%"
    u = t(f"unit.{ind.unit}", lang) if ind.unit != "flag" else ""
    return u if u.startswith("/") or not u else " " + u


def fmt_value(ind: Any, v: float | None, lang: str = DEFAULT_LANG) -> str:
    """A value of an indicator in the language's format, with its unit."""
    if v is None:
        return "–"
    if ind.unit == "percent":
        return fmt_num(v, lang) + "%"
    if ind.kind == "flag":
        return t("board.flag_yes" if v >= 0.5 else "board.flag_no", lang)
    dec = 0 if ind.kind in ("count", "flow") else None
    return fmt_num(v, lang, dec) + unit_suffix(ind, lang)
