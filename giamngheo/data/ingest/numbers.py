"""Numbers as the district's offices write them: ``1.234,5``, ``1,234.5``, ``2,33%``, ``-`` for zero."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
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


# ------------------------------------------------------------------------------------------ the one reader
#
# One reader for a number a person wrote: typed in a box, carried by a link, or in a cell of an upload.
# The rules, the same everywhere:
#   * both "." and "," in it: the last one is the decimal mark, the other groups thousands (1.234,5 / 1,234.5);
#   * one mark repeated: thousands (1.234.567), and only as proper groups of three;
#   * one mark once, not followed by exactly three digits: the decimal mark, whichever it is (0,8 / 0.8);
#   * one mark once followed by exactly three digits (8,000 / 8.000 / 1,500) could mean either. It is read:
#       - as thousands for a whole number (jobs, households: 8,000 jobs cannot be 8,0 jobs),
#       - else as the reading that falls in the range when only one does (1,500 points a year on a 0–3 scale
#         is 1,5; 1.500 workers on a 0–1.500 scale is 1.500),
#       - else as the page's (or the file's) convention: in Vietnamese "." groups and "," is decimal.
#     A leading 0 is never a group (0,500 is 0,5).
# The reader says how it read an ambiguous text when that differs from the page's convention, so that the box
# can say so; a value outside a range is clamped by the caller, with a message (see ``fit``).

DASHES_READ = ("\u2212", "\u2013")


@dataclass(frozen=True)
class Reading:
    """What a text was read as: ``value`` (None: not a number) and ``how`` — "" when read in the page's own
    convention, "thousands" / "decimal" when an ambiguous separator was read against it."""
    value: float | None
    how: str = ""


def _clean(text: Any) -> str:
    s = str(text if text is not None else "").strip()
    for ch in ("\u00a0", "\u202f", "\u2009", " ", "'"):
        s = s.replace(ch, "")
    for ch in DASHES_READ:
        s = s.replace(ch, "-")
    return s[:-1].strip() if s.endswith("%") else s


def read_number(text: Any, decimal: str = ",", *, whole: bool = False, lo: float | None = None,
                hi: float | None = None) -> Reading:
    """A number as a person wrote it (see the rules above). ``decimal`` is the page's (or file's) decimal
    mark; ``whole``: the value is a whole number; ``lo``–``hi``: the range it should fall in, used only to
    choose between the two readings of an ambiguous text (never to clamp)."""
    s = _clean(text)
    m = re.fullmatch(r"([+-]?)([0-9.,]+)", s)
    if not m or not re.search(r"\d", m.group(2)):
        return Reading(None)
    sign, b = (-1.0 if m.group(1) == "-" else 1.0), m.group(2)
    dots, commas = b.count("."), b.count(",")
    if dots and commas:
        dec = "," if b.rfind(",") > b.rfind(".") else "."
        th = "." if dec == "," else ","
        ip, _, fp = b.rpartition(dec)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(th) + r"\d{3})*", ip) or not fp.isdigit():
            return Reading(None)
        return Reading(sign * float(ip.replace(th, "") + "." + fp))
    if dots + commas == 0:
        return Reading(sign * float(b))
    c = "." if dots else ","
    if dots + commas > 1:
        if not re.fullmatch(r"\d{1,3}(" + re.escape(c) + r"\d{3})+", b):
            return Reading(None)
        return Reading(sign * float(b.replace(c, "")))
    ip, _, fp = b.partition(c)
    if not fp.isdigit() or (ip and not ip.isdigit()):
        return Reading(None)
    as_decimal = sign * float((ip or "0") + "." + fp)
    if not (len(fp) == 3 and ip and len(ip) <= 3 and not ip.startswith("0")):
        return Reading(as_decimal)                          # 0,8 / 0.8 / 12,25: a decimal mark
    as_thousands = sign * float(ip + fp)
    convention = "decimal" if c == decimal else "thousands"
    if whole:
        choice = "thousands"
    else:
        inside = {name: (lo is None or v >= lo) and (hi is None or v <= hi)
                  for name, v in (("decimal", as_decimal), ("thousands", as_thousands))}
        choice = next(iter(k for k, ok in inside.items() if ok)) if sum(inside.values()) == 1 else convention
    return Reading(as_thousands if choice == "thousands" else as_decimal, "" if choice == convention else choice)


def fit(value: float, lo: float, hi: float, step: float | None = None) -> tuple[float, str]:
    """``value`` brought into ``lo``–``hi`` (and onto the step from ``lo``), with what was done: "" (taken
    as it is), "above" / "below" (clamped to the bound), "rounded" (to the step)."""
    if value > hi:
        return hi, "above"
    if value < lo:
        return lo, "below"
    if step:
        snapped = round(min(max(lo + math.floor((value - lo) / step + 0.5) * step, lo), hi), 6)   # half up
        if abs(snapped - value) > 1e-9:
            return snapped, "rounded"
    return value, ""


def parse_typed(text: Any, lang: str, *, whole: bool = False, lo: float | None = None,
                hi: float | None = None) -> float | None:
    """A number as a person types it in a box, in the page's language (see :func:`read_number`)."""
    return read_number(text, "," if lang == "vi" else ".", whole=whole, lo=lo, hi=hi).value


def parse_number(v: Any, decimal: str = ",", whole: bool = False) -> float | None:
    """A number from a cell: Excel numbers as they are; text read by :func:`read_number` (``1.234,5``,
    ``1,234.5``, ``2,33%``), a dash as zero.

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
    return read_number(s, decimal, whole=whole).value


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
