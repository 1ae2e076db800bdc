"""`python -m giamngheo check FILE [--shape long|review] [--lang vi|en]`, run as staff would:
exit 0 for a valid file, 2 with one problem a line (row, column, value, reason) for a bad one."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.data.test_ingest import review_rows, to_csv

ROOT = Path(__file__).resolve().parents[2]


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "giamngheo", "check", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_valid_review_exits_0(tmp_path):
    f = tmp_path / "ra-soat-2024.csv"
    f.write_bytes(to_csv(review_rows(2024), delimiter=";", decimal=",", thousands="."))
    r = check(str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "Tệp ra-soat-2024.csv hợp lệ: 17 dòng số liệu (review)."


def test_the_embedded_observations_are_valid_in_the_long_shape():
    r = check(str(ROOT / "data" / "observations.csv"), "--shape", "long", "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "is valid" in r.stdout


def test_bad_review_exits_2_with_one_problem_a_line(tmp_path):
    rows = review_rows(2024)
    rows[0]["poor_exits"] = "12,5"                  # line 2: not whole
    rows[4]["poor_start"] += 1                      # line 6: start − leaving + returning + new ≠ end
    rows[6]["households_khmer"] = rows[6]["households"] + 1     # line 8: Khmer more than the total
    f = tmp_path / "sai.csv"
    f.write_bytes(to_csv(rows))
    r = check(str(f), "--shape", "review")
    assert r.returncode == 2
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3
    assert lines[0] == "Dòng 2, cột «Thoát nghèo»: «12,5» — số hộ, số người phải là số nguyên"
    assert lines[1].startswith("Dòng 6, cột «Hộ nghèo cuối năm»: ")
    assert lines[2].startswith("Dòng 8, cột «Tổng số hộ – trong đó Khmer»: ")
    assert "3 vấn đề; 14/17 dòng hợp lệ." in r.stderr
    en = check(str(f), "--lang", "en")
    assert en.returncode == 2
    assert en.stdout.splitlines()[0] == "Row 2, column «Thoát nghèo»: «12,5» — a count must be a whole number"


def test_unusable_arguments_one_line_on_stderr_and_exit_2(tmp_path):
    r = check(str(tmp_path / "khong-co.csv"))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [f"error: {tmp_path / 'khong-co.csv'}: file not found"]
    r = check(str(tmp_path), "--shape", "wide")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_unreadable_file_is_a_problem_line_not_a_traceback(tmp_path):
    f = tmp_path / "cu.xls"
    f.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 32)
    r = check(str(f))
    assert r.returncode == 2
    assert r.stdout.strip() == "Tệp cu.xls: tệp Excel đời cũ (.xls): hãy mở bằng Excel và lưu lại dạng .xlsx hoặc CSV"
    assert "Traceback" not in r.stderr


def test_unknown_groups_exit_2_with_row_column_and_reason(tmp_path):
    f = tmp_path / "nhom.csv"
    f.write_text("indicator,group,year,value,unit,status,source,note\n"
                 "households,all,2024,1000,households,official,x,\n"
                 "households,khmr,2024,500,households,official,x,\n", encoding="utf-8")
    r = check(str(f), "--shape", "long")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    line = r.stdout.strip()
    assert line.startswith("Dòng 3, cột «group»: «khmr» — nhóm không có trong danh mục; các nhóm dùng được: all, khmer")


def test_a_review_in_the_2026_form_is_valid_and_names_its_rows(tmp_path):
    from tests.data.test_review_form import filled_form
    f = tmp_path / "ra-soat-2026.xlsx"
    f.write_bytes(filled_form())
    r = check(str(f))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "Tệp ra-soat-2026.xlsx hợp lệ: 6 dòng số liệu (review)."
