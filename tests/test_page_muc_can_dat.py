"""AppTests of the "what it takes" page, app_pages/5_muc_can_dat.py, run through app.py so that the
sidebar (with the needed value under each headline slider) is there too."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.model import goalseek as gs
from giamngheo.scenario.assumptions import Scenario
from giamngheo.model.engine import default_context, run
from giamngheo.model.uncertainty import monte_carlo_cached

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/5_muc_can_dat.py"
TIMEOUT = 90


def page(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at = at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest):
    """The goal-seek table: the data frame with a 'Mức cần để đạt' / 'Needed to meet it' column."""
    return next(d.value for d in at.dataframe if any(c in d.value.columns for c in ("Mức cần để đạt", "Needed to meet it")))


# the hand-worked figures here come from illustrative rows: the demo dataset
pytestmark = pytest.mark.usefixtures("demo_dataset_module")

@pytest.fixture(scope="module")
def default_page(demo_dataset_module) -> AppTest:
    return page()


def test_one_row_per_projected_target_with_its_need_and_chance(default_page):
    ctx = default_context()
    det = run(ctx, Scenario())[1]
    projected = [v for v in det if v.basis == "projected"]
    df = table(default_page)
    assert len(df) == len(projected)
    assert [int(s.split(".")[0]) for s in df["Chỉ tiêu"]] == [v.number for v in projected]
    mc = monte_carlo_cached(ctx, Scenario())
    for (_, row), v in zip(df.iterrows(), projected):
        # the chance shown is the Monte Carlo's, rounded to a whole percent
        status, chance = row["Đánh giá · khả năng đạt"].split(" · ")
        assert status == {"on_track": "Đúng hướng", "at_risk": "Có nguy cơ", "off_track": "Chệch hướng"}[v.status]
        # the chance shown is the Monte Carlo's, rounded to a whole percent, with its reading
        p = mc.probability(v.target)
        assert int(re.match(r"(\d+)%", chance).group(1)) == round(100 * p)
        assert chance.endswith("(cao)" if p >= 0.8 else "(trung bình)" if p >= 0.5 else "(thấp)")
    t24 = df.iloc[[v.target for v in projected].index("T24")]
    r = gs.goal_seek(ctx, Scenario(), "T24")
    assert t24["Mức cần để đạt"].startswith("≥ ") and f"{r.value:.2f}".replace(".", ",") in t24["Mức cần để đạt"]
    assert t24["Hiện đủ?"] == "✓ đủ"                      # 1.0 ≥ the need (about 0.8)


def test_the_page_shows_the_gap_the_tornado_and_the_thresholds(default_page):
    heads = [h.value for h in default_page.header]
    assert heads[0] == "Mức cần đạt của đòn bẩy chính"
    assert any(h.startswith("Mỗi đòn bẩy thu hẹp") for h in heads)
    assert any(h.startswith("Độ nhạy") for h in heads)
    subs = [s.value for s in default_page.subheader]
    assert "Toàn huyện" in subs and "Hộ Khmer" in subs                 # the two gap charts
    assert sum(s.startswith(("Toàn huyện ·", "Hộ Khmer ·")) for s in subs) == 2   # the two tornadoes
    assert any("cùng một hộ nghèo" in w.value for w in default_page.warning)       # jobs and placements overlap
    assert any("không phải chỉ tiêu của kế hoạch" in i.value for i in default_page.info)  # the Khmer reading
    text = "\n".join(m.value for m in default_page.markdown)
    # the chance is read as a chance (high/medium/low), never with the verdict words (issue 13: one vocabulary)
    assert "Khả năng đạt từ 80% trở lên: **cao**" in text and "dưới 50%: **thấp**" in text
    assert "**Đúng hướng**" not in text.split("Khả năng đạt từ")[1][:200]


def test_the_sidebar_says_what_the_fall_needs(default_page):
    caps = [c.value for c in default_page.sidebar.caption]
    r = gs.goal_seek(default_context(), Scenario(), "T24")
    need = f"{r.value:.2f}".replace(".", ",")
    assert any(c.startswith("Chỉ tiêu 24 cần ≥ " + need) and c.endswith("✓") for c in caps), caps


def test_a_lower_fall_is_not_enough():
    at = page(poor_fall=0.5)
    df = table(at)
    t24 = df[df["Chỉ tiêu"].str.startswith("24.")].iloc[0]
    assert t24["Hiện đủ?"] == "✗ chưa đủ"
    # independent route: the full projection with the fall at 0.5 does not halve the rate
    v = next(v for v in run(default_context(), Scenario.of("", {"poor_fall": 0.5}))[1] if v.target == "T24")
    assert v.value > 0.5
    assert any(c.value.startswith("Chỉ tiêu 24 cần ≥") and c.value.endswith("✗") for c in at.sidebar.caption)


def test_no_spread_gives_certain_chances_and_says_so():
    ctx = default_context()
    at = page(mc_sd={a.id: 0.0 for a in ctx.registry if a.sd > 0})
    df = table(at)
    assert set(df["Đánh giá · khả năng đạt"].str.extract(r" · (\d+)%")[0]) <= {"0", "100"}
    assert any("Đang dùng độ bất định đã sửa" in c.value for c in at.caption)


def test_english():
    at = page(lang="en")
    assert at.title[0].value == "What it takes"
    df = table(at)
    assert "Needed to meet it" in df.columns and "Verdict · chance of meeting it" in df.columns
    assert any(h.value.startswith("Sensitivity") for h in at.header)
