"""The assumptions, the Scenario and the link codec, under one name (the modules are
:mod:`giamngheo.scenario.registry`, :mod:`giamngheo.scenario.scenario` and :mod:`giamngheo.scenario.link`)."""
from __future__ import annotations

from giamngheo.scenario.link import (  # noqa: F401 - the facade re-exports
                                     RENAMED,
                                     RESERVED_PARAMS,
                                     URL_VERSION,
                                     _first,
                                     _fmt_query,
                                     _repeated,
                                     _strict_number,
                                     from_link,
                                     link_report,
                                     renames_for,
                                     to_query,
)
from giamngheo.scenario.registry import (  # noqa: F401
                                     BASES,
                                     MODELLED,
                                     SECTIONS,
                                     Assumption,
                                     AssumptionFileError,
                                     Constant,
                                     Default,
                                     Registry,
                                     Spec,
                                     _check_consistency,
                                     _generic,
                                     _history,
                                     _plan_value,
                                     _spec,
                                     build_registry,
)
from giamngheo.scenario.scenario import (  # noqa: F401
    MAX_NUMBER_CHARS,
    JsonNumberError,
    Scenario,
    ScenarioError,
    _plain,
    json_loads,
    load_scenario_file,
    scenario_from_json_obj,
)
