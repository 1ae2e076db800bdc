"""Every export cleans outside text by one rule (giamngheo/report/export/common.py, clean_text): a
bidirectional control such as U+202E from an uploaded note, a scenario name or an author reaches no
Excel cell, CSV field or Word text."""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import docx
import openpyxl
import pandas as pd

from giamngheo.model.engine import default_context
from giamngheo.report import export
from giamngheo.scenario.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
RLO, LRI, PDI, NUL = "\u202e", "\u2066", "\u2069", "\x07"


def hidden(s: str) -> list[str]:
    """The invisible format and control characters of a text (line break and tab allowed)."""
    return [f"U+{ord(c):04X}" for c in s if (unicodedata.category(c) in ("Cf", "Cc") and c not in "\n\t"
                                              and c not in "\u200c\u200d")]


def test_clean_text_by_hand():
    assert export.clean_text("abc" + RLO + "txt.exe") == "abctxt.exe"
    assert export.clean_text(LRI + "Hàm Giang" + PDI + NUL + "\r\n2") == "Hàm Giang\n2"
    assert export.clean_text("a\u2028b\u2029c") == "a\nb\nc"
    assert export.clean_text("👩\u200d👩") == "👩\u200d👩"               # a joiner builds an emoji: kept
    assert export.clean_text(12.5) == 12.5 and export.clean_text(None) is None
    assert export.safe_text(RLO + "=1+1") == "'=1+1"                     # cleaned, then the formula quote


def test_a_bidi_control_from_an_uploaded_note_reaches_no_excel_cell_and_no_word_text(tmp_path):
    src = (ROOT / "data" / "observations.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(src)))
    rows[0]["note"] = "Ghi chú " + RLO + "gnp.exe" + NUL
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    data = tmp_path / "observations.csv"
    data.write_text(out.getvalue(), encoding="utf-8")
    ctx = default_context(data_path=str(data))
    meta = export.ReportMeta(scenario_name="Kịch bản " + RLO + "A", author=LRI + "Lan" + PDI, note="x" + RLO + "y")
    sc = Scenario.of("Kịch bản " + RLO + "A")
    wb = openpyxl.load_workbook(io.BytesIO(export.workbook_bytes(ctx, sc, "vi", meta)))
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Ghi chú gnp.exe" in t for t in texts)                   # the note is there, cleaned
    assert [h for t in texts for h in hidden(t)] == []
    d = docx.Document(io.BytesIO(export.docx_bytes(ctx, sc, "vi", meta, with_charts=False)))
    body = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert [h for t in body for h in hidden(t)] == []
    assert not hidden(d.core_properties.author or "")


def test_the_csv_download_is_cleaned_too():
    from giamngheo.ui import safe
    df = pd.DataFrame({"Nhóm": ["all" + RLO, "=cmd"], "Giá trị": [1, 2]})
    text = safe.csv_bytes(df).decode("utf-8-sig")
    assert RLO not in text and "'=cmd" in text
