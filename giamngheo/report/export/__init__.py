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

Word (python-docx), in the manner of a Vietnamese administrative report (Nghị định 30/2020/NĐ-CP):
the issuing body and the national motto side by side, place and date ("Trà Cú, ngày 05 tháng 6 năm
2025": a day below 10 and the months 1 and 2 take a leading zero), the title, then I. summary,
II. a table per area, III. the key charts as PNG images (vl-convert, with the font the project
ships: giamngheo.report.fonts), IV. the scenario's assumptions, V. the sources, and the statement that ◇
figures are not official. Text is Times New Roman 13 pt, the usual font of Vietnamese documents.
"""
from __future__ import annotations

from giamngheo.report.export.common import *  # noqa: F401,F403
from giamngheo.report.export.common import _group, _number_format, _results, _source_ids, _unit  # noqa: F401
from giamngheo.report.export.docx import *  # noqa: F401,F403
from giamngheo.report.export.docx import _para, _run, _table  # noqa: F401
from giamngheo.report.export.xlsx import *  # noqa: F401,F403
from giamngheo.report.export.xlsx import _about_sheet, _col, _Sheet  # noqa: F401
