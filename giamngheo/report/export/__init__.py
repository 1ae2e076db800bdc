"""The reports staff hand in: an Excel workbook and a Word report of a scenario, in Vietnamese or English.

No Streamlit here: ``workbook_bytes`` and ``docx_bytes`` take the context, the scenario and its results
and return the file's bytes, so the app, the CLI and the tests make the same files.

Excel (openpyxl)
- Numbers are written as numbers, never as formatted text, so they sum and chart. Their display format
  is the *invariant* Excel code (``#,##0`` for counts, ``#,##0.00`` for rates, ``0%`` for probabilities,
  ``0`` for years): in a format code ``,`` means "thousands separator" and ``.`` "decimal point", and
  Excel (and LibreOffice) draw them with the separators of the reader's regional setting. Under a
  Vietnamese setting ``43369`` shows as ``43.369`` and ``2.33`` as ``2,33``; writing the code as
  ``#.##0,0`` would be wrong (Excel would read the ``.`` as the decimal point). The "About" sheet says so.
- Text that would start a formula is neutralised: any string cell beginning with ``=``, ``+``, ``-``,
  ``@`` (or a tab / carriage return) is written with a leading apostrophe ``'`` and as a string cell.
  The apostrophe is the OWASP advice for spreadsheet formula injection: it stays visible and harmless
  in Excel, in LibreOffice and in a CSV saved from either (a zero-width character would be invisible
  and survive a save as CSV just as well, but looks identical to the original and confuses a search).
  Every string cell goes through the same check, not only user text (scenario name, author, note,
  source notes), so a new column cannot forget it.

Word (python-docx), in the manner of a Vietnamese administrative document, issued in the name of the
body in the issuer settings (``giamngheo.report.issuer``, ``data/issuer.toml``): a Party committee's
header (Hướng dẫn 36-HD/VPTW: ĐẢNG CỘNG SẢN VIỆT NAM, never the state motto) or a state body's
(Nghị định 30/2020/NĐ-CP: Quốc hiệu and tiêu ngữ), the number and symbol, place and date ("Vĩnh Long,
ngày 05 tháng 12 năm 2026": a day below 10 and the months 1 and 2 take a leading zero), the title,
then the answer first (the 2030 headline, the tally, what it would take), the tables (every target by
area; or, in the final review, the 2021–2025 targets, what the period achieved on official figures and
the 2030 targets), the key charts as PNG images (vl-convert, with the font the project ships:
giamngheo.report.fonts), the scenario's assumptions, the sources and the statement that ◇ figures are
not official, then recipients and the signature block; page numbers. The document is a list of section
functions (``docx.SECTIONS``). Text is Times New Roman 13 pt, the usual font of Vietnamese documents.
"""
from __future__ import annotations

from giamngheo.report.export.common import *  # noqa: F401,F403
from giamngheo.report.export.common import _group, _number_format, _results, _source_ids, _unit  # noqa: F401
from giamngheo.report.export.docx import *  # noqa: F401,F403
from giamngheo.report.export.docx import _para, _run, _table  # noqa: F401
from giamngheo.report.export.xlsx import *  # noqa: F401,F403
from giamngheo.report.export.xlsx import _about_sheet, _col, _Sheet  # noqa: F401
