"""Numbers as the district's offices write them: ``1.234,5``, ``1,234.5``, ``2,33%``, ``-`` for zero."""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from giamngheo.i18n import fmt_num

if TYPE_CHECKING:
    from giamngheo.data.ingest.read import Table

DASHES = {"-", "–", "—", "−"}


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _num_text(s: str) -> str:
    s = str(s).strip()
    for ch in ("\u00a0", "\u202f", "\u2009", " ", "'"):
        s = s.replace(ch, "")
    s = s.replace("−", "-").replace("–", "-")
    if s.endswith("%"):
        s = s[:-1]
    return s


def _vote(s: str) -> str | None:
    """Which convention an unambiguous number text shows: "," (decimal comma) or "." — or None."""
    b = _num_text(s).lstrip("+-")
    if not re.fullmatch(r"[0-9.,]+", b) or not re.search(r"\d", b):
        return None
    dots, commas = b.count("."), b.count(",")
    if dots and commas:
        return "," if b.rfind(",") > b.rfind(".") else "."
    if dots + commas == 0:
        return None
    c = "." if dots else ","
    if dots + commas > 1:
        return "," if c == "." else "."           # repeated: thousands
    after = len(b) - b.index(c) - 1
    if after == 3:
        return None                                # 1.234 / 1,234: ambiguous
    return "," if c == "," else "."


_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")


def parse_typed(text: Any, lang: str) -> float | None:
    """A number as a person types it in a box: ``1.234,5`` / ``0,8`` (Vietnamese) or ``1,234.5`` / ``0.8``.

    Either separator is taken as the decimal one when it is the only one and is not followed by
    groups of exactly three digits (``5.000`` is five thousand in Vietnamese, ``5,000`` in English).
    """
    s = str(text or "").strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    s = s.rstrip("%").strip()
    if not s:
        return None
    dec, grp = (",", ".") if lang == "vi" else (".", ",")
    if dec in s and grp in s:
        s = s.replace(grp, "").replace(dec, ".")
    elif grp in s:
        s = s.replace(grp, "") if _GROUPED.match(s) else (s.replace(grp, ".") if s.count(grp) == 1 else "x")
    elif dec in s:
        s = s.replace(dec, ".") if s.count(dec) == 1 else "x"
    try:
        v = float(s)
    except ValueError:
        return None
    return v if v == v and abs(v) != float("inf") else None


def parse_number(v: Any, decimal: str = ",", whole: bool = False) -> float | None:
    """A number from a cell: Excel numbers as they are; text as ``1.234,5``/``1,234.5``/``2,33%``.

    ``decimal`` is the file's decimal mark for ambiguous texts; ``whole`` reads ``1.234`` and
    ``1,234`` as thousands whatever the mark (a count cannot be 1,234 households). Returns None
    when the cell is not a number."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v) if math.isfinite(v) else None
    s = _num_text(v)
    if s in DASHES or s == "":
        return 0.0 if s else None
    m = re.fullmatch(r"([+-]?)([0-9.,]+)", s)
    if not m or not re.search(r"\d", m.group(2)):
        return None
    sign, b = (-1.0 if m.group(1) == "-" else 1.0), m.group(2)
    dots, commas = b.count("."), b.count(",")
    if dots and commas:
        dec = "," if b.rfind(",") > b.rfind(".") else "."
        th = "." if dec == "," else ","
        ip, _, fp = b.rpartition(dec)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(th) + r"\d{3})*", ip) or not fp.isdigit():
            return None
        return sign * float(ip.replace(th, "") + "." + fp)
    if dots + commas == 0:
        return sign * float(b)
    c = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(r"\d{1,3}(" + re.escape(c) + r"\d{3})+", b):
            return None
        return sign * float(b.replace(c, ""))
    ip, _, fp = b.partition(c)
    if not fp.isdigit() or (ip and not ip.isdigit()):
        return None
    if len(fp) == 3 and ip and len(ip) <= 3 and (whole or c != decimal):
        return sign * float(ip + fp)              # thousands
    return sign * float((ip or "0") + "." + fp)


def _shown(v: Any, lang: str) -> str:
    """A cell as the user sees it: text as written; an Excel number in the user's format."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        f = float(v)
        if f.is_integer():
            return fmt_num(f, lang, 0)
        s = repr(f)
        return s.replace(".", ",") if lang == "vi" else s
    return str(v).strip()


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else float(x)


def _decimal_of(tbl: Table, start: int, cols: Iterable[int]) -> tuple[str, Counter]:
    votes: Counter = Counter()
    cols = list(cols)
    for r in tbl.rows[start:]:
        for j in cols:
            if j < len(r) and isinstance(r[j], str):
                v = _vote(r[j])
                if v:
                    votes[v] += 1
    dec = "." if votes["."] > votes[","] else ","
    return dec, votes
