"""The sidebar's reset ("Về giá trị mặc định"): on a page whose sidebar draws the headline sliders it puts every
assumption back to its default, in the session, on the sliders, in the model and in the link (a parameter at its
default is left out), with no exception, and keeps the language and the page. A headline lever moved on the page
and values of closed groups (one from the link, one moved in a group then closed) are all reset. Expected values
come from the registry (the defaults) and the core (T24's level at the defaults), not from the page."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from giamngheo.i18n import t
from tests.ui.headings_read import headings
from tests.ui.test_pages import core_t24, vi_pct

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90

pytestmark = pytest.mark.usefixtures("demo_dataset_module")


def registry():
    from giamngheo.model.engine import default_context
    return default_context().registry


def moved(aid: str, steps: int) -> float:
    """A value ``steps`` steps from lever ``aid``'s default, inside its range, as its slider takes it."""
    from giamngheo.ui.binding import snap
    a = registry()[aid]
    v = snap(a, a.default + steps * a.step)
    assert v != a.default
    return int(v) if a.integer else v


def assert_all_defaults(at: AppTest) -> None:
    reg = registry()
    for a in reg:
        if a.id in at.session_state:
            assert float(at.session_state[a.id]) == pytest.approx(a.default), a.id
        assert a.id not in at.query_params, a.id            # at its default: out of the link
    for s in at.slider:                                      # every drawn slider shows its default
        if s.key in reg:
            assert float(s.value) == pytest.approx(reg[s.key].default), s.key


@pytest.mark.parametrize("page_file, title", [("2_giam_ngheo.py", "poverty.title"), ("3_lao_dong.py", "labour.title")])
def test_reset_on_a_sidebar_page_puts_every_value_back_and_keeps_language_and_page(page_file, title):
    linked = moved("household_growth", 4)                  # a closed group's value, from the link
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.query_params["household_growth"] = str(linked)
    at.run()
    at.switch_page(f"app_pages/{page_file}").run()
    assert not at.exception
    assert headings(at, 1)[0] == t(title, "en")

    # a headline lever moved in the sidebar
    fall = moved("poor_fall", 50)
    at.sidebar.slider(key="poor_fall").set_value(fall).run()
    assert not at.exception
    # a value moved in a sidebar group that is then closed (its slider no longer drawn)
    sec = registry()["job_lift"].section
    at.session_state[f"gn_side_{sec}"] = True
    at.run()
    lift = moved("job_lift", -10)
    at.sidebar.slider(key="job_lift").set_value(lift).run()
    at.session_state[f"gn_side_{sec}"] = False
    at.run()
    assert not at.exception
    assert "job_lift" not in {s.key for s in at.slider}
    assert float(at.session_state["poor_fall"]) == pytest.approx(fall)
    assert float(at.session_state["job_lift"]) == pytest.approx(lift)
    assert float(at.session_state["household_growth"]) == pytest.approx(linked)

    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert_all_defaults(at)
    assert float(at.sidebar.slider(key="poor_fall").value) == pytest.approx(registry()["poor_fall"].default)
    assert at.session_state["lang"] == "en"                 # the language and the page are kept
    assert at.query_params.get("lang") in ("en", ["en"])
    assert headings(at, 1)[0] == t(title, "en")

    # the closed groups' sliders show the defaults when opened; the model reads the defaults (on the overview)
    for aid in ("household_growth", "job_lift"):
        at.session_state[f"gn_side_{registry()[aid].section}"] = True
    at.run()
    assert not at.exception
    assert float(at.sidebar.slider(key="household_growth").value) == pytest.approx(registry()["household_growth"].default)
    assert float(at.sidebar.slider(key="job_lift").value) == pytest.approx(registry()["job_lift"].default)
    at.switch_page("app_pages/1_tong_quan.py").run()
    assert not at.exception
    assert_all_defaults(at)
    head = next(m.value for m in at.markdown if 'class="gn-heads"' in m.value)
    assert f"{core_t24().level:.2f}%" in head                 # English: 0.48%


def test_reset_on_the_overview_after_a_page_move_puts_the_body_levers_back():
    """On the overview (its headline levers are in the page's body, with number boxes) the reset sets them and
    their boxes to the defaults too."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    fall = moved("poor_fall", 50)
    at.slider(key="poor_fall").set_value(fall).run()
    linked = moved("household_growth", 4)
    at.session_state["household_growth"] = linked
    at.run()
    assert not at.exception
    assert at.query_params.get("household_growth") in (str(linked), [str(linked)])
    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert_all_defaults(at)
    from giamngheo.ui.binding import fmt_lever
    assert at.text_input(key="_gn_box_poor_fall").value == fmt_lever(registry()["poor_fall"], registry()["poor_fall"].default, "vi")
    head = next(m.value for m in at.markdown if 'class="gn-heads"' in m.value)
    assert vi_pct(core_t24().level) in head


def test_reset_after_a_saved_scenarios_link_leaves_the_defaults_in_the_link(db):
    """A link ?scenario=ID opens a saved scenario; after the reset the link no longer names it (it would reopen
    the saved values, not the defaults), the values are the defaults and the scenario's name is gone."""
    from giamngheo.model.engine import default_context
    s = db.save_scenario(default_context().plan.id, "Chia sẻ", {"poor_fall": moved("poor_fall", 40), "jobs": moved("jobs", 5)})
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params["scenario"] = s.id
    at.run()
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    assert not at.exception
    assert float(at.sidebar.slider(key="poor_fall").value) == pytest.approx(moved("poor_fall", 40))
    assert at.query_params.get("scenario") in (s.id, [s.id])
    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert_all_defaults(at)
    assert "scenario" not in at.query_params
    assert not at.session_state["scenario_name"]


def test_reset_in_meeting_mode_with_a_sidebar_group_open():
    """Meeting mode draws the headline levers in its body and the other groups in the (collapsed) sidebar: with a
    group open there, its sliders are drawn before the button; the reset still sets every value."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/15_cuoc_hop.py").run()
    assert not at.exception
    fall = moved("poor_fall", 50)
    at.slider(key="poor_fall").set_value(fall).run()
    sec = registry()["job_lift"].section
    at.session_state[f"gn_side_{sec}"] = True
    at.run()
    at.sidebar.slider(key="job_lift").set_value(moved("job_lift", -10)).run()
    assert not at.exception
    assert float(at.session_state["poor_fall"]) == pytest.approx(fall)
    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert_all_defaults(at)
    assert float(at.sidebar.slider(key="job_lift").value) == pytest.approx(registry()["job_lift"].default)
    assert float(at.slider(key="poor_fall").value) == pytest.approx(registry()["poor_fall"].default)
