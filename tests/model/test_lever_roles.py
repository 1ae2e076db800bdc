"""A lever's role is data (data/assumptions.toml: ``channel``, ``serves``, ``part_of``, ``gap_group``): a new
lever with an existing channel is a change to that file alone. Shown with a temporary copy of the file and
one more lever, "public_jobs" in the "jobs" channel: its workers add to the plan's jobs, in the poverty
model and in the jobs-created path, exactly as the same number of jobs on the existing slider does."""
from __future__ import annotations

import numpy as np
import pytest

from giamngheo.data.observations import load_observations
from giamngheo.model import engine
from giamngheo.model.goalseek import main_lever
from giamngheo.paths import DATA_DIR
from giamngheo.plan.targets import load_plan
from giamngheo.scenario import registry as registry_module
from giamngheo.scenario.scenario import Scenario

NEW_LEVER = """

[public_jobs]
section = "headline"
channel = "jobs"
label_vi = "Việc làm công mỗi năm"
label_en = "Public works jobs a year"
unit = "workers_year"
min = 0
max = 2000
step = 100
default = 0
basis = "assumed"
"""


@pytest.fixture(scope="module")
def contexts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assumptions")
    (tmp / "assumptions.toml").write_text((DATA_DIR / "assumptions.toml").read_text(encoding="utf-8") + NEW_LEVER,
                                          encoding="utf-8")
    plan, obs = load_plan(), load_observations()
    base = engine.make_context(plan, obs)
    mp = pytest.MonkeyPatch()
    mp.setattr(registry_module, "DATA_DIR", tmp)          # the only change: the assumptions file
    try:
        more = engine.make_context(plan, obs)
    finally:
        mp.undo()
    return base, more


def test_the_new_lever_is_in_the_registry_with_its_role(contexts):
    base, more = contexts
    assert "public_jobs" not in base.registry and "public_jobs" in more.registry
    a = more.registry["public_jobs"]
    assert (a.section, a.channel, a.default) == ("headline", "jobs", 0.0)
    assert [x.id for x in more.registry if x.channel == "jobs"] == ["jobs", "public_jobs"]
    assert more.registry.flows() == base.registry.flows() == {"jobs_created": "jobs", "workers_abroad": "overseas",
                                                              "workers_abroad_ethnic": "overseas_ethnic"}


def test_its_workers_add_to_the_jobs_channel_in_every_path(contexts):
    base, more = contexts
    jobs = base.registry["jobs"].default
    via_new, _ = engine.run(more, Scenario.of("", {"public_jobs": 1000}))
    via_old, _ = engine.run(base, Scenario.of("", {"jobs": jobs + 1000}))
    untouched, _ = engine.run(base, Scenario())
    for ind, g in (("poor_rate", "all"), ("poor_rate", "khmer"), ("jobs_created", "all")):
        a, b, c = via_new.path(ind, g), via_old.path(ind, g), untouched.path(ind, g)
        assert a.values == pytest.approx(b.values), (ind, g)
        assert a.values[2030] != pytest.approx(c.values[2030]), (ind, g)     # it does move them
    # the jobs-created path: the plan's yearly jobs plus the new lever's 1000, year by year
    j, j0 = via_new.path("jobs_created", "all"), untouched.path("jobs_created", "all")
    assert j.values[2030] - j0.values[2030] == pytest.approx(1000)


def test_the_roles_read_from_the_file_drive_goal_seek_and_the_parts(contexts):
    base, _ = contexts
    reg, plan = base.registry, base.plan
    poverty = next(tg for tg in plan.targets if tg.indicator == "poor_rate" and tg.group == "khmer")
    assert main_lever(base, poverty) == "khmer_poor_fall"        # the group's own pace first
    assert [a.id for a in reg.parts()] == ["overseas_ethnic"]
    ch = reg.channels({**reg.defaults(), "overseas": 100.0, "overseas_ethnic": 250.0})
    assert ch["overseas"] == 250.0                                 # the whole never below its part
    assert reg.gap_groups() == [("rate", ("poor_fall", "khmer_poor_fall")), ("jobs", ("jobs",)),
                                ("placements", ("overseas", "overseas_ethnic"))]
    draws = reg.channels({**reg.defaults(), "jobs": np.array([1.0, 2.0])})
    assert list(draws["jobs"]) == [1.0, 2.0]


def test_the_channels_are_the_levers_added_up_as_read_from_the_assumptions_each_time(contexts):
    """Registry.channels reads which levers make each channel once per registry: the same values, bit for bit and
    of the same kind, as reading the assumptions on every call (single numbers and draws, with a lever that shares
    a channel and a part above its whole)."""
    def by_reading(reg, vals):
        out = dict(vals)
        members: dict[str, list[str]] = {}
        for a in reg:
            if a.channel:
                members.setdefault(a.channel, []).append(a.id)
        for ch, ids in members.items():
            out[ch] = sum((vals[i] for i in ids[1:]), vals[ids[0]]) if len(ids) > 1 else vals[ids[0]]
        for a in reg.parts():
            whole, part = reg[a.part_of].channel or a.part_of, a.channel or a.id
            out[whole] = np.maximum(out[whole], out[part])
        return out

    rng = np.random.default_rng(3)
    for ctx in contexts:
        reg = ctx.registry
        for draws in (None, 5):
            vals = {a.id: (float(rng.uniform(a.min, a.max)) if draws is None
                           else rng.uniform(a.min, a.max, draws).astype(np.float32)) for a in reg}
            vals = {**reg.defaults(), **vals}
            got, want = reg.channels(vals), by_reading(reg, vals)
            assert got.keys() == want.keys()
            for k in want:
                assert type(got[k]) is type(want[k]) and np.asarray(got[k]).tobytes() == np.asarray(want[k]).tobytes(), k
