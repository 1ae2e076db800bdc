"""Workbooks built to exhaust a reader, made here byte by byte (a few KB each), as a visitor would
send them: one cell at XFD1048576, a merged range A5:XFD1048576, one huge cell, and a legitimate
but large file. Also a plain small workbook of the same make, to show the maker itself is sound."""
from __future__ import annotations

import io
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" xmlns:r="{RNS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(ref: str, v) -> str:
    if isinstance(v, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def workbook(sheet_data: str | bytes, dimension: str | None = "A1", merges: list[str] = ()) -> bytes:
    """A workbook whose one sheet has this ``<sheetData>`` body, declared dimension and merged ranges."""
    body = sheet_data.encode() if isinstance(sheet_data, str) else sheet_data
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{NS}">'.encode()
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    tail = b"</sheetData>"
    if merges:
        tail += (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                 + "</mergeCells>").encode()
    tail += b"</worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head + b"<sheetData>")
            fh.write(body)
            fh.write(tail)
    return buf.getvalue()


def _row(r: int, cells: list[str]) -> str:
    return f'<row r="{r}">' + "".join(cells) + "</row>"


HEADER = ["Xã, thị trấn", "Năm", "Tổng số hộ", "Hộ nghèo đầu năm", "Thoát nghèo", "Tái nghèo", "Nghèo phát sinh",
          "Hộ nghèo cuối năm"]


def small_review() -> bytes:
    """A normal review of one commune (the maker's control: this one reads)."""
    cols = "ABCDEFGH"
    rows = [_row(1, [cell(f"{c}1", h) for c, h in zip(cols, HEADER)]),
            _row(2, [cell(f"{c}2", v) for c, v in zip(cols, ["Hàm Giang", 2024, 4000, 100, 30, 2, 3, 75])])]
    return workbook("".join(rows), "A1:H2")


def far_cell(lie: bool = False) -> bytes:
    """The header, then one cell at XFD1048576; the dimension says so (or, ``lie``, says A1:H2)."""
    cols = "ABCDEFGH"
    rows = _row(1, [cell(f"{c}1", h) for c, h in zip(cols, HEADER)]) + _row(1048576, [cell("XFD1048576", 1)])
    return workbook(rows, "A1:H2" if lie else "A1:XFD1048576")


def far_cell_no_dimension() -> bytes:
    cols = "ABCDEFGH"
    rows = _row(1, [cell(f"{c}1", h) for c, h in zip(cols, HEADER)]) + _row(1048576, [cell("XFD1048576", 1)])
    return workbook(rows, None)


def merged_to_the_end() -> bytes:
    """The header and one merged range A5:XFD1048576 (the dimension a plain A1:H5)."""
    cols = "ABCDEFGH"
    rows = _row(1, [cell(f"{c}1", h) for c, h in zip(cols, HEADER)]) + _row(5, [cell("A5", "x")])
    return workbook(rows, "A1:H5", ["A5:XFD1048576"])


def huge_cell(chars: int = 50_000_000) -> bytes:
    """One inline text cell of ``chars`` characters (compresses to a few hundred kB)."""
    head = b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    body = head + b"A" * chars + b"</t></is></c></row>"
    return workbook(body, "A1")


def large_legitimate(rows: int = 100_000, dimension: bool = True) -> bytes:
    """A well-formed long-shape file of ``rows`` rows (far more than a review holds); ``dimension``:
    whether the sheet declares its size (a writer may leave it out)."""
    cols = "ABCDEFGH"
    hdr = ["indicator", "group", "year", "value", "unit", "status", "source", "note"]
    parts = [_row(1, [cell(f"{c}1", h) for c, h in zip(cols, hdr)])]
    for r in range(2, rows + 2):
        vals = ["households", "all", 2000 + r % 30, r, "households", "official", "x", ""]
        parts.append(_row(r, [cell(f"{c}{r}", v) for c, v in zip(cols, vals) if v != ""]))
    return workbook("".join(parts), f"A1:H{rows + 1}" if dimension else None)


def _patch_zip_version(data: bytes, version: int) -> bytes:
    """Every local and central header says this "version needed to extract" (115 = 11.5)."""
    import struct
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        i = b.find(sig)
        while i >= 0:
            struct.pack_into("<H", b, i + off, version)
            i = b.find(sig, i + 4)
    return bytes(b)


def zip_version() -> bytes:
    """A small review whose zip headers say it needs zip version 11.5 to extract (a few KB)."""
    return _patch_zip_version(small_review(), 115)


def empty_cells_row(n: int = 6_000_000) -> bytes:
    """One row of ``n`` empty cells ``<c/>`` (24 MB of XML, a few tens of KB zipped)."""
    return workbook(b'<row r="1">' + b"<c/>" * n + b"</row>", "A1")


def deep_xml(depth: int = 3_500_000) -> bytes:
    """A normal review whose sheet carries ``depth`` nested unknown elements after its data."""
    cols = "ABCDEFGH"
    rows = (_row(1, [cell(f"{c}1", h) for c, h in zip(cols, HEADER)])
            + _row(2, [cell(f"{c}2", v) for c, v in zip(cols, ["Hàm Giang", 2024, 4000, 100, 30, 2, 3, 75])]))
    data = workbook(rows, "A1:H2")
    nest = b"<a>" * depth + b"</a>" * depth
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b"</sheetData><extLst><ext uri=\"x\">" + nest + b"</ext></extLst>")
            z.writestr(info.filename, body)
    return buf.getvalue()


def many_fonts(n: int = 400_000) -> bytes:
    """A normal review with a styles part of ``n`` fonts."""
    data = small_review()
    src = zipfile.ZipFile(io.BytesIO(data))
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{NS}">'
              f'<fonts count="{n}">').encode() + b"<font><sz val=\"11\"/></font>" * n + b"</fonts></styleSheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/styles.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                                    b"</Relationships>")
            z.writestr(info.filename, body)
        z.writestr("xl/styles.xml", styles)
    return buf.getvalue()


def many_merges(n: int = 1_999) -> bytes:
    """``n`` merged ranges, each within the limits (A1:CV5000, 100 columns × 5,000 rows), over a
    sheet with a cell at CV5000: every range alone is allowed, together they are 10⁹ cells."""
    rows = _row(1, [cell("A1", "x")]) + _row(5000, [cell("CV5000", 1)])
    return workbook(rows, "A1:CV5000", ["A1:CV5000"] * n)
