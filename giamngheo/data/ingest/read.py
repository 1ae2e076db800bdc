"""Reading the cells of a CSV text or an Excel workbook, within bounds (no checking here).

A file from outside may be built to exhaust the server: a 5 KB workbook can declare one cell at
XFD1048576 or a merged range A5:XFD1048576, and a naive reader then expands 17 billion cells. So
everything is bounded by what a review file can hold (six communes, or seventeen before the
merger, over a few years; a long file of a few thousand rows), see :class:`Limits`:

* the file's size; for a workbook, the number of parts in the zip and their declared unpacked sizes
  (a zip never unpacks past its declared sizes), checked before anything is unpacked;
* a sheet's declared dimension (``<dimension ref=…>``) and its merged ranges, checked before any
  row is read or any merged range is expanded; then, while streaming the rows (openpyxl's read-only
  mode), every row number, column number and cell length, and the number of cells;
* a time budget over the whole read.

Past a limit, :class:`ReadError` carries a file-level problem (``problem.in_limit_*``) that names the
sheet, the range or the cell and the limit; nothing of the file is used.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import time
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable
from xml.etree.ElementTree import ParseError

from giamngheo.data.ingest.memory import out_of_memory
from giamngheo.data.observations import Problem


@dataclass(frozen=True)
class Limits:
    """What a file may hold. A review of the six communes is under 50 rows and 40 columns; a long
    file of every indicator, group and year of a data version a few thousand rows."""

    max_bytes: int = 10 * 1024 * 1024          # the upload limit (.streamlit/config.toml maxUploadSize)
    max_rows: int = 5_000
    max_columns: int = 100
    max_cells: int = 100_000                   # cells with a value
    max_cell_chars: int = 2_000
    max_merged: int = 2_000
    max_sheets: int = 50
    max_zip_parts: int = 500
    max_unzipped: int = 40 * 1024 * 1024       # all parts of a workbook, as declared in the zip
    max_part: int = 25 * 1024 * 1024           # one part (a sheet)
    max_shared_strings: int = 5 * 1024 * 1024  # xl/sharedStrings.xml: every text of the workbook, read at once
    max_xml_depth: int = 64                    # elements opened in a row, none closed (a sheet nests ~5)
    max_sheet_elements: int = 2_000_000        # XML elements of one sheet: 4 per allowed cell
    max_part_elements: int = 200_000           # of any other part (styles, workbook, shared strings)
    seconds: float = 15.0


LIMITS = Limits()


@dataclass
class Table:
    rows: list[list[Any]]
    lines: list[int]                  # the file's line (CSV) or Excel row of each row
    kind: str                         # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    recoded_lines: list[int] = field(default_factory=list)   # CSV lines read as Windows-1258 in a UTF-8 file


class ReadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.code)


def _mb(n: int) -> str:
    """Whole megabytes, rounded up (no decimal mark, so the same in every language)."""
    return f"{max(1, -(-n // (1024 * 1024)))} MB"


def too_large(name: str, size: int, limits: Limits = LIMITS) -> Problem:
    """The problem of a file over the size limit (before it is read)."""
    return Problem(name, None, None, "", "in_limit_bytes", (("size", _mb(size)), ("limit", _mb(limits.max_bytes))))


class _Budget:
    def __init__(self, name: str, limits: Limits):
        self.name, self.limits = name, limits
        self.end = time.monotonic() + limits.seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise ReadError(Problem(self.name, None, None, "", "in_limit_time",
                                    (("seconds", f"{self.limits.seconds:g}"),)))

    def fail(self, code: str, row: int | None = None, column: str | None = None, value: str = "", **params: Any):
        raise ReadError(Problem(self.name, row, column, value, code, tuple(params.items())))


# ------------------------------------------------------------------------------------------ CSV


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _cp1258_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: the bytes that are not UTF-8, read as Windows-1258 (one by one)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("cp1258", errors="replace"), exc.end


codecs.register_error("giamngheo_cp1258", _cp1258_bytes)


def _decode(data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding, lines that hold bytes that are not UTF-8 although the file is UTF-8).

    A UTF-8 file with a stray Windows-1258/Latin-1 byte keeps every UTF-8 character; only the stray
    bytes are read as Windows-1258, and their lines are named (a note on screen) — never the whole
    file as Windows-1258 for one byte. A file with no UTF-8 at all is Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", []
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:       # UTF-16 without its mark
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc), enc, []
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    enc = "utf-8-sig" if bom else "utf-8"
    try:
        return body.decode("utf-8"), enc, []
    except UnicodeDecodeError:
        pass
    if not (bom or _UTF8_MULTIBYTE.search(body) and _valid_utf8_share(body) > 0.5):
        return unicodedata.normalize("NFC", body.decode("cp1258")), "cp1258", []
    odd = [i for i, ln in enumerate(body.split(b"\n"), start=1) if _try_utf8(ln) is None]
    text = body.decode("utf-8", errors="giamngheo_cp1258")
    return unicodedata.normalize("NFC", text), enc, odd


def _valid_utf8_share(body: bytes) -> float:
    """Of the non-ASCII byte runs, the share that are valid UTF-8 sequences."""
    runs = re.findall(rb"[\x80-\xff]+", body[:2_000_000])
    if not runs:
        return 0.0
    return sum(1 for r in runs if _try_utf8(r) is not None) / len(runs)


def _try_utf8(b: bytes) -> str | None:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(text: str) -> str:
    lines = []
    for ln in text[:200_000].splitlines():
        if ln.strip():
            lines.append(ln)
            if len(lines) == 30:
                break
    best, best_score = ",", (-1, -1)
    for d in (",", ";", "\t"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode, n = Counter(c for c in counts if c > 1).most_common(1)[0] if any(c > 1 for c in counts) else (1, 0)
        score = (n, mode)
        if score > best_score:
            best, best_score = d, score
    return best


def read_table(data: bytes, filename: str, accept: Callable[[Table], Any] | None = None,
               limits: Limits = LIMITS) -> Table:
    """Cells of the CSV text, or of the first sheet of a workbook that ``accept`` takes (else the first
    sheet); raises ReadError for a file it cannot read or that is past a limit."""
    name = filename or "file"
    budget = _Budget(name, limits)
    if len(data) > limits.max_bytes:
        raise ReadError(too_large(name, len(data), limits))
    if data.startswith(b"PK\x03\x04"):
        try:
            return _read_xlsx(data, name, accept, budget)
        except ReadError:
            raise
        except MemoryError:
            raise ReadError(Problem(name, None, None, "", "in_limit_memory")) from None
        except (ParseError, zipfile.BadZipFile, ValueError, KeyError, TypeError, IndexError, EOFError, OSError,
                RecursionError, zlib.error, NotImplementedError, RuntimeError, ImportError) as exc:
            # under the worker's memory cap a refused allocation may surface as another error (an OSError
            # ENOMEM, zlib's "insufficient memory"): that is the memory limit, not a bad file
            code = "in_limit_memory" if out_of_memory(exc) else "in_unreadable"
            raise ReadError(Problem(name, None, None, "", code)) from exc
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(Problem(name, None, None, "", "in_old_xls"))
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ReadError(Problem(name, None, None, "", "no_rows"))
    try:
        text, enc, recoded = _decode(data)
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
    cells = 0
    try:
        for r in reader:
            line = prev + first_line
            if len(rows) >= limits.max_rows:
                budget.fail("in_limit_rows_csv", line, None, "", limit=limits.max_rows)
            if len(r) > limits.max_columns:
                budget.fail("in_limit_columns_csv", line, None, "", n=len(r), limit=limits.max_columns)
            for j, v in enumerate(r):
                if len(v) > limits.max_cell_chars:
                    budget.fail("in_limit_cell", line, str(j + 1), v[:40], n=len(v), limit=limits.max_cell_chars)
            cells += sum(1 for v in r if v)
            if cells > limits.max_cells:
                budget.fail("in_limit_cells", line, None, "", limit=limits.max_cells)
            rows.append(r)
            lines.append(line)
            prev = reader.line_num
            if len(rows) % 256 == 0:
                budget.check()
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            budget.fail("in_limit_cell", prev + first_line, None, "", n=f"> {csv.field_size_limit()}",
                        limit=limits.max_cell_chars)
        raise ReadError(Problem(name, prev + first_line, None, "", "in_unreadable")) from None
    recoded = [ln + first_line - 1 for ln in recoded if ln + first_line - 1 >= first_line]
    return Table(rows, lines, "csv", enc, delimiter, recoded_lines=recoded)


# ------------------------------------------------------------------------------------------ Excel


def _zip_parts(data: bytes, budget: _Budget) -> zipfile.ZipFile:
    lim = budget.limits
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ReadError(Problem(budget.name, None, None, "", "in_unreadable")) from None
    if len(infos) > lim.max_zip_parts:
        budget.fail("in_limit_parts", n=len(infos), limit=lim.max_zip_parts)
    total = 0
    for i in infos:
        total += i.file_size
        cap = lim.max_shared_strings if i.filename.lower().endswith("sharedstrings.xml") else lim.max_part
        if i.file_size > cap:
            budget.fail("in_limit_part", value=i.filename[:60], size=_mb(i.file_size), limit=_mb(cap))
    if total > lim.max_unzipped:
        budget.fail("in_limit_unzipped", size=_mb(total), limit=_mb(lim.max_unzipped))
    for i in infos:
        if i.filename.lower().endswith((".xml", ".rels")):
            _xml_bounds(zf, i, budget)
    return zf


def _xml_bounds(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> None:
    """Before any XML parser sees a part: its number of elements and its nesting depth, counted over
    the bytes (C-speed counts of ``<``, ``</``, ``/>``, no tree): a sheet of six million empty cells,
    a styles part of 400,000 fonts or 3.5 million nested elements is refused here. The depth is the
    elements opened and not yet closed at the end of each 256 kB (exact for well-formed XML; deeper
    nesting that opens and closes within one piece is at most ~36,000 levels, which the worker's
    memory cap bounds)."""
    lim = budget.limits
    is_sheet = "worksheets/" in info.filename.lower()
    cap = lim.max_sheet_elements if is_sheet else lim.max_part_elements
    elements = depth = 0
    last = b""
    with zf.open(info) as src:
        while True:
            chunk = src.read(1 << 18)
            if not chunk:
                break
            joined = last + chunk                 # a two-byte mark cut by the piece's end counts once
            starts = (chunk.count(b"<") - joined.count(b"</") - joined.count(b"<?") - joined.count(b"<!"))
            elements += starts
            depth += starts - joined.count(b"/>") - joined.count(b"</")
            last = chunk[-1:]
            if elements > cap:
                budget.fail("in_limit_xml_elements", part=info.filename[:60], limit=cap)
            if depth > lim.max_xml_depth:
                budget.fail("in_limit_xml_depth", part=info.filename[:60], limit=lim.max_xml_depth)
            budget.check()


_MERGE_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["\']([^"\']{0,64})')


def _merged_ranges(zf: zipfile.ZipFile, path: str, title: str, budget: _Budget) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet, (min_col, min_row, max_col, max_row), each checked against the
    limits before anything is expanded. One pass over the sheet's bytes (a pattern search, no XML
    tree), keeping only the ranges."""
    from openpyxl.utils.cell import range_boundaries

    lim = budget.limits
    out: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(path) as src:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            last = 0
            for m in _MERGE_REF.finditer(buf):
                last = m.end()
                ref = m.group(1).decode("ascii", "replace")
                try:
                    c1, r1, c2, r2 = range_boundaries(ref)
                except (ValueError, TypeError):
                    budget.fail("in_unreadable", None, None, ref[:40])
                if None in (c1, r1, c2, r2) or r2 > lim.max_rows or c2 > lim.max_columns:
                    budget.fail("in_limit_merged", None, None, ref[:40], sheet=title, rows=lim.max_rows,
                                columns=lim.max_columns)
                out.append((c1, r1, c2, r2))
                if len(out) > lim.max_merged:
                    budget.fail("in_limit_merged_count", sheet=title, limit=lim.max_merged)
            tail = buf[max(last, len(buf) - 200):]        # a tag cut by the chunk's end is found next time
            budget.check()
    return out


def _read_xlsx(data: bytes, name: str, accept: Callable[[Table], Any] | None, budget: _Budget) -> Table:
    from openpyxl.utils import get_column_letter

    lim = budget.limits
    zf = _zip_parts(data, budget)
    try:
        import openpyxl
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ReadError:
        raise
    except Exception as exc:   # a zip that is not a workbook, or a damaged one: openpyxl raises many kinds
        raise ReadError(Problem(name, None, None, "", "in_unreadable")) from exc
    try:
        sheets = wb.worksheets
        if len(sheets) > lim.max_sheets:
            budget.fail("in_limit_sheets", n=len(sheets), limit=lim.max_sheets)
        best: Table | None = None
        for ws in sheets:
            title = str(ws.title)
            # 1. the declared dimension, before any row is read
            max_r, max_c = getattr(ws, "max_row", None), getattr(ws, "max_column", None)
            if (max_r or 0) > lim.max_rows or (max_c or 0) > lim.max_columns:
                ref = f"A1:{get_column_letter(min(max_c or 1, 18278))}{max_r or 1}"
                budget.fail("in_limit_dimension", None, None, ref, sheet=title, rows=lim.max_rows,
                            columns=lim.max_columns)
            # 2. the merged ranges, before anything is expanded
            path = getattr(ws, "_worksheet_path", None)
            merged = _merged_ranges(zf, path, title, budget) if path else []
            budget.check()
            # 3. the rows, streamed, each row and cell checked as it comes
            grid: list[list[Any]] = []
            cells = 0
            for r_idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if r_idx > lim.max_rows:
                    budget.fail("in_limit_rows", r_idx, None, "", sheet=title, limit=lim.max_rows)
                if len(row) > lim.max_columns:
                    last = max((j for j, v in enumerate(row) if v is not None), default=-1)
                    if last >= lim.max_columns:
                        budget.fail("in_limit_columns", r_idx, get_column_letter(last + 1), "", sheet=title,
                                    limit=lim.max_columns)
                    row = row[: lim.max_columns]
                vals = list(row)
                for j, v in enumerate(vals):
                    if v is None:
                        continue
                    cells += 1
                    if isinstance(v, str) and len(v) > lim.max_cell_chars:
                        budget.fail("in_limit_cell", r_idx, get_column_letter(j + 1), v[:40], n=len(v),
                                    limit=lim.max_cell_chars)
                if cells > lim.max_cells:
                    budget.fail("in_limit_cells", r_idx, None, "", limit=lim.max_cells)
                grid.append(vals)
                if r_idx % 128 == 0:
                    budget.check()
            while grid and all(v is None for v in grid[-1]):
                grid.pop()
            # 4. merged values: Excel keeps a merged value in its top-left cell only; the cells they
            # fill together count as cells with a value (1,999 ranges of 100 × 5,000 would be 10⁹)
            filled = sum((min(r2, len(grid)) - r1 + 1) * (c2 - c1 + 1) for c1, r1, c2, r2 in merged if r1 <= len(grid))
            if cells + filled > lim.max_cells:
                budget.fail("in_limit_cells", None, None, "", limit=lim.max_cells)
            for c1, r1, c2, r2 in merged:
                if r1 - 1 >= len(grid):
                    continue
                top = grid[r1 - 1]
                v = top[c1 - 1] if c1 - 1 < len(top) else None
                for r in range(r1, min(r2, len(grid)) + 1):
                    row = grid[r - 1]
                    if len(row) < c2:
                        row.extend([None] * (c2 - len(row)))
                    for c in range(c1, c2 + 1):
                        row[c - 1] = v
            tbl = Table(grid, list(range(1, len(grid) + 1)), "xlsx", "xlsx", "", title)
            if best is None:
                best = tbl
            if accept is None or accept(tbl):
                return tbl
            budget.check()
        return best or Table([], [], "xlsx")
    finally:
        wb.close()
        zf.close()
