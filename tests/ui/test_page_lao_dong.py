"""AppTests of the labour page, app_pages/3_lao_dong.py, on the real data (data/observations.csv): the only
jobs figure is end-2022's official 3,640 (caungang-na-2022); 2021 and 2023–2025 have none."""
from __future__ import annotations

import csv
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def real_jobs() -> dict[int, float]:
    with open(ROOT / "data" / "observations.csv", encoding="utf-8-sig") as fh:
        return {int(r["year"]): float(r["value"]) for r in csv.DictReader(fh)
                if (r["indicator"], r["group"]) == ("jobs_created", "all")}


def test_years_without_a_figure_give_no_total_that_reads_like_a_verdict():
    """With 2021 and 2023–2025 missing, the page makes no 2021–2025 sum (3.640 + 3 × 3.000 projected = 12.640
    beside the 15.000 of five years read like a shortfall): it gives the year that has a figure and the years
    awaited, and says it is no verdict."""
    assert real_jobs() == {2022: 3640.0}          # the chart starts at 2022: no 2021 figure exists to draw
    at = AppTest.from_file(str(ROOT / "app_pages" / "3_lao_dong.py"), default_timeout=90).run()
    assert not at.exception
    caps = [c.value for c in at.caption]
    line = next(c for c in caps if c.startswith("Năm có số liệu"))
    assert line == ("Năm có số liệu: 2022: 3.640 lao động. Chưa có số liệu năm 2021, 2023, 2024, 2025 (chờ báo cáo "
                    "năm về lao động – việc làm): chưa cộng tổng 2021–2025, chưa phải kết luận (mục tiêu 3.000 mỗi năm).")
    assert not any("12.640" in c or "15.000" in c for c in caps), caps
