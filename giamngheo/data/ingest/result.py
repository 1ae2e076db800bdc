"""What checking a file gives: problems, notes, the rows as read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from giamngheo.data import communes as cm
from giamngheo.data.ingest.headers import Header
from giamngheo.data.ingest.read import Table
from giamngheo.data.observations import Problem
from giamngheo.i18n import t

FILE_CODES = {"missing_column", "in_duplicate_column", "in_no_header", "in_unreadable", "in_old_xls", "no_rows"}


def is_file_level(code: str) -> bool:
    """A problem of the file as a whole: nothing of it is used (``in_limit_*``: past a reading limit)."""
    return code in FILE_CODES or code.startswith("in_limit")


@dataclass(frozen=True)
class Note:
    """Something the reader did or noticed that is not a problem (message key ``ingest.note.<code>``).
    A parameter written ``"@<key>"`` is itself a message key, shown in the reader's language."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "vi") -> str:
        params = {k: t(v[1:], lang) if isinstance(v, str) and v.startswith("@") else v for k, v in self.params}
        return t(f"ingest.note.{self.code}", lang, **params)


@dataclass
class Record:
    line: int
    kind: str                        # "unit" | "total" | "row" (long)
    year: int | None = None
    unit: cm.Unit | None = None
    values: dict[str, float | None] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Checked:
    """The result of checking a file: every problem, notes, and the rows as read."""

    shape: str
    file: str
    problems: list[Problem]
    notes: list[Note]
    records: list[Record]
    columns: dict[str, str]          # column id → header as written
    meta: dict[str, Any] = field(default_factory=dict)
    clean_long: list[dict[str, Any]] = field(default_factory=list)   # the long shape: rows that passed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_level(self) -> bool:
        """A problem of the file as a whole (unreadable, a missing column): no row can be used."""
        return any(p.row is None or is_file_level(p.code) for p in self.problems)

    @property
    def bad_lines(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    def valid_records(self) -> list[Record]:
        if self.file_level:
            return []
        bad = self.bad_lines
        return [r for r in self.records if r.line not in bad]

    @property
    def n_rows(self) -> int:
        return sum(1 for r in self.records if r.kind != "total")

    @property
    def n_valid(self) -> int:
        return sum(1 for r in self.valid_records() if r.kind != "total") if self.shape == "review" else \
            (0 if self.file_level else len(self.clean_long))


@dataclass
class Mapped:
    rows: list[dict[str, Any]]                 # long observations (COLUMNS)
    notes: list[Note]


def _meta(tbl: Table, hdr: Header | None, decimal: str) -> dict[str, Any]:
    return {"format": tbl.kind, "encoding": tbl.encoding, "delimiter": tbl.delimiter, "sheet": tbl.sheet,
            "header_rows": hdr.nrows if hdr else 0, "decimal": decimal,
            "header_line": tbl.lines[hdr.index] if hdr and tbl.lines else 0}


# -- the long shape
