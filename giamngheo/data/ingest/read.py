"""Reading the cells of a CSV text or an Excel workbook (no checking here)."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from giamngheo.data.observations import Problem

@dataclass
class Table:
    rows: list[list[Any]]
    lines: list[int]                  # the file's line (CSV) or Excel row of each row
    kind: str                         # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""


class ReadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.code)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:       # UTF-16 without its mark
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import unicodedata
    return unicodedata.normalize("NFC", data.decode("cp1258")), "cp1258"


def _sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    best, best_score = ",", (-1, -1)
    for d in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not counts:
            continue
        mode, n = Counter(c for c in counts if c > 1).most_common(1)[0] if any(c > 1 for c in counts) else (1, 0)
        score = (n, mode)
        if score > best_score:
            best, best_score = d, score
    return best


def read_table(data: bytes, filename: str, accept: Callable[[Table], Any] | None = None) -> Table:
    """Cells of the CSV text, or of the first sheet of a workbook that ``accept`` takes (else the first
    sheet); raises ReadError for a file it cannot read."""
    name = filename or "file"
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name, accept)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(Problem(name, None, None, "", "in_old_xls"))
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ReadError(Problem(name, None, None, "", "no_rows"))
    try:
        text, enc = _decode(data)
    except (UnicodeDecodeError, LookupError):
        raise ReadError(Problem(name, None, None, "", "in_unreadable")) from None
    text = text.lstrip("\ufeff")
    first_line = 1
    m = re.match(r"\s*sep=(.)\s*\r?\n", text)
    delimiter = None
    if m:
        delimiter = m.group(1)
        text = text[m.end():]
        first_line = 2
    delimiter = delimiter or _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    prev = 0
    try:
        for r in reader:
            rows.append(r)
            lines.append(prev + first_line)
            prev = reader.line_num
    except csv.Error:
        raise ReadError(Problem(name, prev + first_line, None, "", "in_unreadable")) from None
    return Table(rows, lines, "csv", enc, delimiter)


def _read_xlsx(data: bytes, name: str, accept: Callable[[Table], Any] | None) -> Table:
    try:
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:   # a zip that is not a workbook
        raise ReadError(Problem(name, None, None, "", "in_unreadable")) from exc
    best: Table | None = None
    for ws in wb.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:     # Excel keeps a merged value in its top-left cell only
            v = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if r - 1 < len(grid):
                        row = grid[r - 1]
                        while len(row) < c:
                            row.append(None)
                        row[c - 1] = v
        tbl = Table(grid, list(range(1, len(grid) + 1)), "xlsx", "xlsx", "", ws.title)
        if best is None:
            best = tbl
        if accept is None or accept(tbl):
            return tbl
    return best or Table([], [], "xlsx")
