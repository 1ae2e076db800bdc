"""The other (non-headline) assumptions' groups are drawn only when opened (giamngheo/ui/binding.lever_group):
a closed group's sliders are not sent to the browser, yet their values hold everywhere a drawn slider's would:
in the session, in the model, in the link (written by the app: binding.keep_in_link), under a preset or the
reset, and in the slider when the group is opened. Expected figures come from the core (an independent route)
and from the link as written by hand."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.test_pages import core_t24, vi_pct

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90

pytestmark = pytest.mark.usefixtures("demo_dataset_module")


def app(query: dict[str, str] | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'class="gn-heads"' in m.value)


def other_ids() -> list[str]:
    from giamngheo.model.engine import default_context
    return [a.id for a in default_context().registry if a.section != "headline"]


def drawn(at: AppTest) -> set[str]:
    return {s.key for s in at.slider}


def test_closed_groups_draw_no_slider_and_a_link_value_still_holds_everywhere():
    """?household_growth=0.6 with every group closed: none of the 17 other sliders is drawn, on the overview
    or in another page's sidebar; the headline is the core's for that value; the link keeps it."""
    at = app({"household_growth": "0.6"})
    assert not at.exception
    others = set(other_ids())
    assert len(others) >= 17
    assert not drawn(at) & others                              # the overview's body: groups closed
    labels = [e.label for e in at.main.expander]
    # the groups themselves are there; the closed one holding the link's value says so, the others do not
    assert "Dòng hộ nghèo · 1 khác mặc định" in labels
    assert len(labels) >= 4 and sum("khác mặc định" in x for x in labels) == 1
    assert vi_pct(core_t24({"household_growth": 0.6}).level) in headline(at)
    assert core_t24({"household_growth": 0.6}).level != core_t24().level
    assert at.query_params.get("household_growth") in ("0.6", ["0.6"])
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    assert not at.exception
    assert not drawn(at) & others                              # the sidebar's groups: closed
    assert {"jobs", "poor_fall"} <= {s.key for s in at.sidebar.slider}     # the headline levers are drawn
    assert at.session_state["household_growth"] == 0.6
    assert at.query_params.get("household_growth") in ("0.6", ["0.6"])


def test_opening_a_group_shows_its_sliders_with_their_values_and_a_closed_group_keeps_a_move():
    at = app({"household_growth": "0.6"})
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    at.session_state["gn_side_poverty"] = True                 # as the browser sends an opened expander
    at.run()
    assert not at.exception
    s = at.sidebar.slider(key="household_growth")
    assert s.value == 0.6 and s.label.endswith(": 0,60")
    s.set_value(0.9).run()                     # a move in the opened group (the browser writes its link itself)
    at.session_state["gn_side_poverty"] = False                # closed again
    at.run()
    assert not at.exception
    assert "household_growth" not in drawn(at)
    assert at.session_state["household_growth"] == 0.9
    assert at.query_params.get("household_growth") in ("0.9", ["0.9"])     # still in the link
    at.run()                                                   # and on the next run
    assert at.query_params.get("household_growth") in ("0.9", ["0.9"])
    at.session_state["gn_side_poverty"] = True
    at.run()
    assert at.sidebar.slider(key="household_growth").value == 0.9


def test_a_preset_and_the_reset_set_the_sliders_of_closed_groups():
    from giamngheo.model.engine import default_context
    from giamngheo.scenario.presets import load_presets
    from giamngheo.scenario.presets import resolve as resolve_preset
    ctx = default_context()
    preset = next((p for p in load_presets()
                   if any(k in set(other_ids()) for k in resolve_preset(ctx, p)[0].as_dict())), None)
    assert preset is not None, "no embedded preset sets another assumption: this test would check nothing"
    values = resolve_preset(ctx, preset)[0].as_dict()
    other = next(k for k in values if k in set(other_ids()))
    at = app()
    at.sidebar.selectbox(key="_gn_preset_pick").set_value(preset.id).run()
    assert not at.exception
    assert other not in drawn(at)                              # its group is closed
    assert float(at.session_state[other]) == pytest.approx(values[other])
    assert vi_pct(core_t24(values).level) in headline(at)      # the model reads it
    from giamngheo.ui.binding import link_text
    assert at.query_params.get(other) in (link_text(values[other]), [link_text(values[other])])
    sec = ctx.registry[other].section
    at.session_state[f"gn_body_{sec}"] = True                  # opened: the slider shows the preset's value
    at.run()
    assert float(at.slider(key=other).value) == pytest.approx(values[other])
    at.session_state[f"gn_body_{sec}"] = False
    at.run()
    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert float(at.session_state[other]) == pytest.approx(ctx.registry[other].default)
    assert other not in at.query_params
    assert vi_pct(core_t24().level) in headline(at)


def test_a_value_set_while_a_page_stops_early_is_the_one_a_group_shows_when_opened():
    """A run that stops before its end (the comparison page with one scenario picked calls st.stop()) leaves
    the link as it was; a value set in the session then is what the slider shows when its group is opened
    for the first time: the slider, the session and the link agree on it (not on the link's older value)."""
    at = app({"household_growth": "0.6"})
    at.session_state["_gn_compare_pick"] = ["preset:plan"]           # one scenario picked: the page stops
    at.switch_page("app_pages/7_so_sanh.py").run()
    assert not at.exception
    at.session_state["household_growth"] = 1.2                       # set in code (as a preset or the reset)
    at.run()
    assert not at.exception
    assert at.session_state["household_growth"] == 1.2
    at.session_state["gn_side_poverty"] = True                       # the group opened
    at.run()
    assert not at.exception
    assert at.sidebar.slider(key="household_growth").value == 1.2
    assert at.session_state["household_growth"] == 1.2
    assert at.query_params.get("household_growth") in ("1.2", ["1.2"])


def test_a_group_opened_before_shows_the_value_set_while_a_page_stopped_early():
    """The same with a group that was opened and closed before: Streamlit remembers its slider, and seeds it again
    from the address when it is drawn again unless code set its key in that very run; the address still holds the
    value of before the early stop. The slider, the session and the link take the session's value."""
    at = app({"household_growth": "0.6"})
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    at.session_state["gn_side_poverty"] = True                 # opened ...
    at.run()
    assert at.sidebar.slider(key="household_growth").value == 0.6
    at.session_state["gn_side_poverty"] = False                # ... and closed again
    at.run()
    at.session_state["_gn_compare_pick"] = ["preset:plan"]     # one scenario picked: the comparison stops
    at.switch_page("app_pages/7_so_sanh.py").run()
    assert not at.exception
    at.session_state["household_growth"] = 1.2                 # set in code (a preset or the reset) ...
    at.run()                                                   # ... on a run that stops early
    assert at.session_state["household_growth"] == 1.2
    at.session_state["gn_side_poverty"] = True                 # opened again, two runs later
    at.run()
    assert not at.exception
    assert at.sidebar.slider(key="household_growth").value == 1.2
    assert at.session_state["household_growth"] == 1.2
    assert at.query_params.get("household_growth") in ("1.2", ["1.2"])


def test_an_open_groups_count_follows_the_reset_and_the_group_stays_open():
    """While a group is open its label keeps the count it was opened with (a keyboard user's slider inside keeps
    the focus); values set from elsewhere (the reset, a preset) bring the count up to date, the group still open."""
    from giamngheo.i18n import t
    from giamngheo.model.engine import default_context
    a = default_context().registry["household_growth"]
    name = t(f"section.{a.section}", "vi")
    at = app({"household_growth": "0.6"})
    at.switch_page("app_pages/2_giam_ngheo.py").run()
    at.session_state[f"gn_side_{a.section}"] = True
    at.run()

    def label() -> str:
        return next(e.label for e in at.sidebar.expander if e.label.split(" · ")[0] == name)
    assert label() == f"{name} · {t('section.changed', 'vi', n=1)}"
    at.sidebar.button(key="reset_defaults").click().run()
    assert not at.exception
    assert label() == name                                     # no value of the group differs from its default now
    assert float(at.sidebar.slider(key="household_growth").value) == pytest.approx(a.default)   # still open
