"""The main chart (``giamngheo.report.charts.main_chart``) on the overview and in meeting mode, and the
background warm-up of its templates: a view that only draws."""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from giamngheo.ui.binding import script_running
from giamngheo.ui.chart import cached_spec, ref
from giamngheo.ui.session import context, embedded_context, lang, scenario

OVERVIEW_CHART_HEIGHT = 290     # px: the overview's main chart (a meeting's fills its box)

# meeting mode's root font size (its type grows with the screen): min px, vh, vw, max px
MEETING_ROOT = (14, 1.82, 1.37, 30)


def meeting_root_css() -> str:
    """Meeting mode's root font size, as CSS (the page's ``html {font-size: ...}``)."""
    lo, vh, vw, hi = MEETING_ROOT
    return f"clamp({lo}px, min({vh}vh, {vw}vw), {hi}px)"


def meeting_root_expr() -> str:
    """The same as a Vega expression (the browser's window; where there is none, a PNG, the minimum)."""
    lo, vh, vw, hi = MEETING_ROOT
    return f"clamp(min((windowSize()[1] || 0) * {vh / 100:g}, (windowSize()[0] || 0) * {vw / 100:g}), {lo}, {hi})"


def main_chart_specs(ctx: Any, sc: Any, mc: Any, L: str, h: int, stretch: bool) -> dict:
    """The main chart's spec (the overview's; meeting mode's one-panel version with ``stretch``)."""
    from giamngheo.i18n import t
    from giamngheo.report import charts, views
    from giamngheo.ui import agreed
    brk = ctx.plan.standard.break_year if ctx.plan.standard else None
    # the adopted path (if any) as the baseline, as on the overview; meeting mode's targets name their
    # number, short name and verdict in the legend (its chips are below the chart)
    rows = views.main_chart_rows(ctx, sc, mc, lang=L, detailed_targets=stretch, **agreed.chart_baseline())
    # the baseline's layer is kept at the defaults too (no rows, no legend entry), on the overview and in meeting
    # mode: the first move away from them then changes only the chart's data, which the browser updates in place
    # instead of embedding a new chart (Streamlit re-embeds when the spec or the datasets' names change)
    return charts.main_chart(rows, L, break_year=brk, height=h, y_title=t("screen.chart_y", L),
                             keep_baseline_layer=True)


def warm_up(ctx: Any, pause: Callable[[], bool] = lambda: True) -> bool:
    """Build the main chart's templates (both languages, the overview's and meeting mode's) once, so that the
    first person to open the other language or meeting mode does not wait for them (150-300 ms each).
    ``pause()`` comes before each (the background warm-up waits there for the process to be idle) and stops the
    warm-up when it says False; whether all were built. A moved scenario needs no template of its own: the
    baseline's layer is in the template at the defaults too (``keep_baseline_layer``)."""
    from giamngheo.i18n import LANGS
    from giamngheo.model.uncertainty import monte_carlo_cached
    from giamngheo.scenario.scenario import Scenario
    sc = Scenario()
    mc = monte_carlo_cached(ctx, sc)
    for L in LANGS:
        for h, stretch in ((OVERVIEW_CHART_HEIGHT, False), (300, True)):
            if not pause():
                return False
            main_chart_specs(ctx, sc, mc, L, h, stretch)
    return True


def freeze_process_objects() -> None:
    """Leave what the process has built once (modules, the data and the model's context, chart templates: some
    180,000 objects) out of the garbage collector's full passes. Streamlit's own collection after every run is
    off (``runner.postScriptGC = false``, .streamlit/config.toml), but Python's automatic full passes still come,
    in whichever session's thread allocates at that moment, holding the interpreter: 100-360 ms over those
    objects, which never become garbage, seen in the middle of a first visit's run and of lever moves. Frozen,
    such a pass looks only at what was made since (well under 1 ms on a warm process). Garbage first, so none
    is kept. Objects frozen are still freed by reference counting; only a reference cycle among them would
    stay: it is called once, half a second after the first page's run, when the first session is the only one
    (its run's objects in flight are kept with the rest)."""
    import gc
    gc.collect()
    gc.freeze()


def wait_for_idle(limit: float, quiet: float = 0.0) -> bool:
    """Wait until no session's script run has been in progress for ``quiet`` seconds (:func:`binding.script_running`),
    at most ``limit`` seconds; whether it came. The background warm-up's work goes in the gaps between runs, not in the
    middle of a user's move."""
    import time
    start = time.monotonic()
    busy = start
    while (now := time.monotonic()) - start < limit:
        if script_running():
            busy = now
        elif now - busy >= quiet:
            return True
        time.sleep(0.1)     # a look 10 times a second: each takes the interpreter from the running thread
    return False


WARM_UP_THREAD = "giamngheo-warm-up"         # the background thread's name (tests and benchmarks wait for it)
FREEZE_QUIET = 0.5                           # s with no run in progress before the first freeze
TEMPLATE_QUIET, TEMPLATE_WAIT = 10.0, 600.0  # s with no run in progress before each template; given up after


@st.cache_resource(show_spinner=False)
def warm_up_in_background() -> bool:
    """Once per process: what the imports made is left out of the garbage collector's full passes at once; then,
    in a background thread, in the gaps between script runs (:func:`wait_for_idle`): half a second after the first
    page's run (the one that starts it) is over, what the process has built is left out of those passes
    (:func:`freeze_process_objects`); the main chart's templates (:func:`warm_up`: both languages, the overview's
    and meeting mode's) only once the process has had no run for 10 s, one at a time between runs (a page that needs one
    first builds it, 150-300 ms; each wait is given up after 10 minutes of runs). Nothing a lever move needs is left to build: a moved scenario
    draws with the templates of the defaults. Before, all of it began 2 s after the first run began and fell on a
    fresh process's first move when it came soon after the page was drawn (the templates about 0.6 s of CPU, the
    collection 60-300 ms holding the interpreter), and a move made before the freeze could meet a full
    collection. It holds no scenario's result in a Streamlit cache: the templates are the core's
    (``report.charts.template``), the default scenario's Monte Carlo the core's cache. app.py calls it on every
    run."""
    import gc
    import threading

    # at once, in the first run (its thread): what the imports made (some 135,000 objects, a few dozen of them garbage,
    # kept) is left out of the automatic full passes that come during that run (two of 50-140 ms were seen)
    gc.freeze()

    def work() -> None:
        # the first page's run first, and what its browser asks for just after it (the code its elements need, a
        # rerun): the collection holds the interpreter
        wait_for_idle(30, quiet=FREEZE_QUIET)
        freeze_process_objects()    # one collection over everything the first run built (60-300 ms)
        quiet = [False]

        def idle() -> bool:
            # a quiet spell first; then the next template at once unless a run has come in (then another quiet spell)
            if not (quiet[0] and not script_running()):
                quiet[0] = wait_for_idle(TEMPLATE_WAIT, quiet=TEMPLATE_QUIET)
            return quiet[0]
        try:
            if idle():      # the data's context and the default scenario's Monte Carlo too only in a quiet spell
                warm_up(embedded_context(), pause=idle)
            # not frozen after the templates: by then many sessions may be open, and frozen, their objects' reference
            # cycles would never be freed once they end (the templates are a few objects beside some 180,000)
        except Exception:  # noqa: BLE001 - a warm-up never breaks anything: the page builds what it needs
            pass
    threading.Thread(target=work, name=WARM_UP_THREAD, daemon=True).start()
    return True


def main_chart_slot(mc: Any, height: int | str = 300, target: Any = None) -> None:
    """The main chart: the poor rate, all households and Khmer, from the plan's start to its horizon;
    actual solid, projection dashed, the band, the default scenario as a faint baseline, the targets,
    and its own axis after the standard break."""
    from giamngheo.report import charts
    ctx = context()
    L = lang()
    stretch = height == "stretch"     # fill a container whose height the page's CSS sets (meeting mode: vh)
    h = 300 if stretch else int(height)

    def build():
        return main_chart_specs(ctx, scenario(), mc, L, h, False)

    def build_simple():
        return main_chart_specs(ctx, scenario(), mc, L, h, True)

    from giamngheo.ui.agreed import current
    adopted = current()
    spec, _ = cached_spec("main-chart-stretch" if stretch else "main-chart",
                          (ref(mc), ctx.key, h, adopted.id if adopted else None),
                          build_simple if stretch else build)
    spec = dict(spec)
    spec["width"] = "container"
    if stretch:
        # the targets' legend below the plot, one target under the other (each names its number, short name,
        # level and verdict on two lines: side by side they would not fit a 1024 px screen's chart)
        spec = charts.scaled_type(spec)   # its text grows with the screen, as the page's does
        # and the theme's spacing with the page's root font size, set in the spec: Streamlit's theme would read
        # the root size when the browser first reads the spec, before or after the page's CSS (a race), and
        # embed the chart anew on the first move if it was before
        spec = charts.root_sized(spec, meeting_root_expr())
        spec["height"] = "container"
        spec["autosize"] = {"type": "fit", "contains": "padding"}   # axes and legends inside the box
        (target or st).vega_lite_chart(spec=spec, width="stretch", height="stretch")
    else:
        (target or st).vega_lite_chart(spec=spec, width="stretch")
