"""scripts/load_test.py finds the headline levers from the registry and moves them to fresh scenarios."""
from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import load_test  # noqa: E402, I001

from giamngheo.model.engine import default_context  # noqa: E402


def test_the_levers_are_the_registrys_headline_section():
    levers = load_test.headline_levers()
    reg = default_context().registry
    assert list(levers) == [a.id for a in reg.section("headline")]
    assert len(levers) >= 6
    assert all(vi and en for vi, en in levers.values())


def test_a_slider_is_found_by_its_widget_key_or_its_label_never_by_a_prefix():
    levers = {"jobs": ("Việc làm mới mỗi năm (lao động)", "New jobs a year (workers)"),
              "poor_fall": ("Tốc độ giảm nghèo (điểm %/năm)", "Poverty reduction pace (points a year)")}
    keyed = SimpleNamespace(id="$$ID-0123abcd-poor_fall", label="a label reworded since")
    assert load_test.lever_of(keyed, levers) == "poor_fall"
    english = SimpleNamespace(id="$$ID-99-other", label="New jobs a year (workers)")
    assert load_test.lever_of(english, levers) == "jobs"
    # a slider whose key merely ends like a lever's ("khmer_poor_fall") or whose label only starts like one is not it
    assert load_test.lever_of(SimpleNamespace(id="$$ID-1-khmer_poor_fall", label="x"), levers) is None
    assert load_test.lever_of(SimpleNamespace(id="$$ID-2-a1", label="Việc làm mới mỗi năm"), levers) is None


def test_moves_go_to_scenarios_no_session_asked_for_before():
    seen: set = set()
    sessions = []
    for i in range(5):
        s = load_test.Session("http://127.0.0.1:1", "", "", load_test.Result(), 1)
        for aid, spec in {"jobs": (0.0, 1000.0, 100.0), "overseas": (0.0, 20.0, 10.0)}.items():
            s.slider_ids[aid] = f"$$ID-{i}-{aid}"
            s.slider_spec[aid] = spec
            s.slider_value[aid] = (0.0,)
        sessions.append(s)
    rng = random.Random(1)
    asked = []
    # every session starts at (0, 0): its first move has 10 fresh scenarios to go to, its second 2 (of 33
    # in all); 5 sessions × 2 moves = 10 asked for, every one new although random draws repeat often here
    for k in range(2):
        for s in sessions:
            s.move("jobs" if k == 0 else "overseas", rng, seen)
            asked.append(tuple(sorted(s.slider_value.items())))
            w = s.widgets[s.slider_ids["jobs" if k == 0 else "overseas"]]
            lo, hi, step = s.slider_spec["jobs" if k == 0 else "overseas"]
            v = w.double_array_value.data[0]
            assert lo <= v <= hi and abs((v - lo) / step - round((v - lo) / step)) < 1e-9   # on the grid
    assert len(set(asked)) == len(asked) == 10
    assert seen == set(asked)
