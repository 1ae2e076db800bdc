"""One status palette (giamngheo/report/palette.py) for the screen and the exports: a verdict has the same
colours in the browser, in Excel and in Word, and "awaiting data" is never printed white."""
from __future__ import annotations

import io

import openpyxl
import pytest

from giamngheo.model.assess import STATUSES
from giamngheo.model.engine import default_context
from giamngheo.report import export
from giamngheo.report.board import status_label
from giamngheo.report.palette import STATUS_COLORS, STATUS_ICON, UNKNOWN_COLOR, status_colors, status_fill
from giamngheo.scenario.scenario import Scenario


def test_every_status_has_its_icon_and_colours_and_the_export_fill_is_the_screen_colour():
    assert set(STATUS_COLORS) == set(STATUSES) == set(STATUS_ICON)
    for s in STATUSES:
        bg, fg = STATUS_COLORS[s]
        assert status_fill(s) == (bg[1:].upper(), fg[1:].upper())
        assert status_fill(s)[0] != "FFFFFF"                    # no verdict on a white cell
    assert status_colors("brand_new") == UNKNOWN_COLOR
    assert status_fill("awaiting_data") == ("3D5A80", "FFFFFF")   # the screen's badge, written by hand


@pytest.fixture(scope="module")
def workbook():
    ctx = default_context()
    data = export.workbook_bytes(ctx, Scenario.of("palette"), "vi", export.ReportMeta(scenario_name="palette"))
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_excel_verdict_cells_carry_the_screen_colours(workbook):
    ws = workbook["Đánh giá chỉ tiêu"]
    head = [c.value for c in ws[1]]
    col = head.index("Kết quả đánh giá") + 1
    label_to_status = {status_label(s, "vi"): s for s in STATUSES}
    seen = set()
    for row in range(2, ws.max_row + 1):
        cell = ws.cell(row=row, column=col)
        status = label_to_status.get(cell.value)
        if status is None:
            continue
        seen.add(status)
        assert cell.fill.fgColor.rgb[-6:] == status_fill(status)[0], (row, status)
        assert cell.font.color.rgb[-6:] == status_fill(status)[1], (row, status)
    assert "awaiting_data" in seen and len(seen) >= 3      # the real data have targets awaiting data
