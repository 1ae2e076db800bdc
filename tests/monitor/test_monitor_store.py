"""Adoptions in the store: kept with their history, read back after a restart, old formats readable;
on SQLite and (with GIAMNGHEO_TEST_PG_URL) PostgreSQL."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from giamngheo.monitor import Adoption, adopt, agreed_path, measure
from giamngheo.plan.targets import load_plan
from giamngheo.scenario.scenario import Scenario
from giamngheo.store import BadInput, Store
from tests.monitor.monitor_data import make_obs

HERE = Path(__file__).parent
PG_ENV = "GIAMNGHEO_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, monkeypatch):
    monkeypatch.delenv("GIAMNGHEO_DB_URL", raising=False)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set: no PostgreSQL to test on")
    schema = "gn_test_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    u = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield u.render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def path():
    return agreed_path(load_plan(), make_obs(), Scenario.of("", {"jobs": 3500}), 2026, draws=100)


def test_an_adoption_survives_a_restart_and_a_later_one_keeps_the_history(url, path):
    s = Store(url)
    first = s.add_adoption(adopt(path, "Lộ trình 2027–2030", "Nguyễn Văn A", "NQ 12-NQ/ĐU", "lần 1",
                                 date="2026-12-20"), recorded_by="editor")
    assert first.id is not None and first.recorded_at and first.recorded_by == "editor"
    s.dispose()
    s = Store(url)                                           # a restart: a new engine on the same database
    back = s.current_adoption(path.basis.plan_id)
    assert back == first
    assert back.path.get("poor_rate").values == path.get("poor_rate").values
    later = path.__class__(path.basis, {"jobs": 4000.0}, path.series, path.commitments)
    second = s.add_adoption(adopt(later, "Điều chỉnh 2028", "Trần B", "NQ 20-NQ/ĐU", date="2027-12-15"))
    assert s.current_adoption(path.basis.plan_id).id == second.id
    assert [a.id for a in s.list_adoptions(path.basis.plan_id)] == [second.id, first.id]
    assert s.get_adoption(first.id) == first                 # the old one stays readable, unchanged
    assert s.list_adoptions("another-plan") == [] and s.current_adoption("another-plan") is None
    s.dispose()


def test_bad_fields_are_refused_with_the_field_named(url, path):
    s = Store(url)
    for kw, field in ((dict(name="a\u202eb"), "name"), (dict(meeting_ref="x" * 201), "meeting_ref"),
                      (dict(date="20/12/2026"), "date")):
        a = adopt(path, "ok", "who", date="2026-12-20")
        a = Adoption(**{**a.__dict__, **kw})
        with pytest.raises(BadInput) as e:
            s.add_adoption(a)
        assert e.value.field == field
    assert s.list_adoptions() == []
    s.dispose()


def test_an_adoption_stored_in_the_first_format_is_read_and_measured(url):
    """A record as the first format stored it (a frozen file) is read and measured today."""
    raw = json.loads((HERE / "adoption_format1.json").read_text(encoding="utf-8"))
    assert raw["format"] == 1
    s = Store(url)
    with s.engine.begin() as c:
        c.execute(sa.text("INSERT INTO adoptions (plan_id, name, meeting_date, who, meeting_ref, note, as_of, "
                          "data_version, data_hash, model_version, format, path_json, recorded_by, recorded_at) "
                          "VALUES (:p, :n, :d, :w, :r, :note, 2026, NULL, :h, :m, 1, :j, '', '2026-12-20T10:00:00+00:00')"),
                  dict(p=raw["path"]["basis"]["plan_id"], n=raw["name"], d=raw["date"], w=raw["who"],
                       r=raw["meeting_ref"], note=raw["note"], h=raw["path"]["basis"]["data_digest"],
                       m=raw["path"]["basis"]["model_version"], j=json.dumps(raw)))
    a = s.current_adoption(raw["path"]["basis"]["plan_id"])
    s.dispose()
    assert a.name == "Lộ trình giảm nghèo 2027–2030" and a.meeting_ref == "Nghị quyết 12-NQ/ĐU"
    agreed = raw["path"]["series"][0]["values"]["2027"]
    r = next(x for x in measure(a, make_obs([("poor_rate", "all", 2027, round(agreed + 1, 6))])).readings
             if (x.indicator, x.group, x.year) == ("poor_rate", "all", 2027))
    assert r.agreed == agreed and r.status == "behind"
