"""Shared helpers for the core tests: small plans and observation files written to tmp_path."""
from __future__ import annotations

import os

# AppTests read .streamlit/config.toml, which hides error details from users; tests want them.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from giamngheo.data.observations import Observations, parse_observations
from giamngheo.plan.indicators import load_indicators
from giamngheo.plan.targets import Plan, Target, load_plan

DATA = ROOT / "data"
# The demo dataset: the default (official and estimate) rows plus illustrative ones. Tests whose
# hand-worked figures come from illustrative rows read it explicitly (``DEMO`` or ``demo_dataset``).
DEMO = DATA / "demo" / "observations.csv"
PLAN_FILE = DATA / "plans" / "tra-cu-05-nq-tu.toml"
OBS_HEADER = "indicator,group,year,value,unit,status,source,note\n"

PLAN_HEAD = """\
[plan]
id = "{id}"
title_vi = "Kế hoạch thử"
title_en = "A test plan"
locality_vi = "Huyện Thử"
locality_en = "Test district"
period = [{first}, {last}]
horizon = {horizon}
"""

STANDARD = """\
[plan.poverty_standard]
break_year = {break_year}
indicators = ["poor_rate", "poor_households", "near_poor_rate", "near_poor_households"]
"""

COMMON = dict(section="1", area="labour", text_vi="chỉ tiêu", text_en="target", group="all")


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def target_toml(**fields) -> str:
    """One [[targets]] table; ``None`` drops a field (to write a target that lacks it)."""
    d = {**COMMON, **fields}
    return "[[targets]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in d.items() if v is not None) + "\n"


def plan_toml(targets: list[dict], *, id: str = "test-plan", first: int = 2021, last: int = 2025,
              horizon: int = 2030, break_year: int | None = None) -> str:
    head = PLAN_HEAD.format(id=id, first=first, last=last, horizon=horizon)
    if break_year is not None:
        head += STANDARD.format(break_year=break_year)
    return head + "\n" + "".join(target_toml(**t) for t in targets)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def make_plan(tmp_path: Path, targets: list[dict], name: str = "plan.toml", **kw) -> Plan:
    return load_plan(write(tmp_path, name, plan_toml(targets, **kw)))


def tiny_plan(*targets: Target, period=(2021, 2025), horizon=2030, break_year: int | None = None) -> Plan:
    from giamngheo.plan.targets import PovertyStandard
    std = PovertyStandard(break_year, ("poor_rate", "poor_households")) if break_year else None
    return Plan(id="tiny", title_vi="", title_en="", issuer_vi="", issuer_en="", implements_vi="",
                implements_en="", locality_vi="", locality_en="", period=period, horizon=horizon,
                targets=tuple(targets), standard=std)


def target(kind: str, indicator: str = "trained_labour_rate", id: str = "X1", **fields) -> Target:
    return Target.make(id=id, number=1, section="1", area="labour", text_vi="", text_en="", indicator=indicator,
                  group=fields.pop("group", "all"), kind=kind, **fields)


def obs_from_rows(rows: list[tuple], file: str = "obs.csv") -> Observations:
    """Observations from (indicator, group, year, value[, status]) tuples, through the real parser."""
    lines = [OBS_HEADER]
    for r in rows:
        ind, grp, year, value = r[:4]
        status = r[4] if len(r) > 4 else "official"
        lines.append(f"{ind},{grp},{year},{value},,{status},src,\n")
    return parse_observations("".join(lines), file, load_indicators(), None)


def read_plan_file() -> dict:
    with open(PLAN_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def plan_raw() -> dict:
    return read_plan_file()


_OUTER_DB_URL = os.environ.get("GIAMNGHEO_DB_URL")


@pytest.fixture(autouse=True)
def _own_store(tmp_path_factory, monkeypatch):
    """Every test gets its own empty store (no ./var/giamngheo.db shared between tests or with a
    developer's local runs): pages then use the embedded data unless the test saves a version."""
    monkeypatch.setenv("GIAMNGHEO_DATA_DIR", str(tmp_path_factory.mktemp("store")))
    # AppTests play one person editing on their own machine (the operator's local-edit option,
    # giamngheo/ui/auth.py); tests of the read-only mode delete it
    monkeypatch.setenv("GIAMNGHEO_LOCAL_EDIT", "1")
    if os.environ.get("GIAMNGHEO_DB_URL") == _OUTER_DB_URL:   # not set by a test module's own fixture
        monkeypatch.delenv("GIAMNGHEO_DB_URL", raising=False)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A store of the test's own that the app also uses (GIAMNGHEO_DB_URL)."""
    from giamngheo.store import Store

    url = f"sqlite:///{tmp_path / 'gn.db'}"
    monkeypatch.setenv("GIAMNGHEO_DB_URL", url)
    s = Store(url)
    yield s
    s.dispose()


def _clear_data_caches() -> None:
    from giamngheo.model.engine import default_context
    default_context.cache_clear()
    try:
        import streamlit as st
        st.cache_resource.clear()
        st.cache_data.clear()
    except Exception:  # noqa: BLE001 - no Streamlit runtime to clear
        pass


def _use_demo():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIAMNGHEO_DATASET", "demo")
        _clear_data_caches()
        yield DEMO
    _clear_data_caches()


@pytest.fixture
def demo_dataset():
    """The app and the core's default context use the demo dataset (GIAMNGHEO_DATASET=demo) for this
    test; caches keyed without the dataset are cleared before and after."""
    yield from _use_demo()


@pytest.fixture(scope="module")
def demo_dataset_module():
    """As ``demo_dataset``, for a whole module (module-scoped fixtures that render pages)."""
    yield from _use_demo()
