"""The data-version workflow (giamngheo/data/versions.py): base, check, save, revert, and ONE change
summary that compares values as numbers and rows by key, whatever their order."""
from __future__ import annotations

from giamngheo.data.ingest import csv_to_rows
from giamngheo.data.versions import REJECTED, SAVED, STALE, UNCHANGED, DataVersions, embedded_text


def _rows():
    return csv_to_rows(embedded_text())


def test_first_save_keeps_the_embedded_data_as_version_one(db):
    dv = DataVersions(db, base_note="gốc")
    base_id, rows = dv.base()
    assert base_id is None and len(rows) == len(_rows())
    new = [dict(r) for r in rows]
    new[0]["value"] = float(new[0]["value"]) + 1
    out = dv.save(new, author="Lan", note="sửa", base_id=base_id)
    assert out.status == SAVED
    versions = db.list_data_versions()
    assert [v.id for v in versions] == [out.version.id, versions[1].id] and versions[1].note == "gốc"
    assert out.summary["changed"] == 1 and out.summary["added"] == 0 and out.summary["removed"] == 0
    assert dv.base()[0] == out.version.id


def test_same_values_written_differently_or_reordered_are_no_change(db):
    dv = DataVersions(db)
    base_id, rows = dv.base()
    same = [dict(r, value=float(r["value"])) for r in reversed(rows)]       # 72 → 72.0, order reversed
    assert dv.save(same, base_id=base_id).status == UNCHANGED
    assert db.list_data_versions() == []                                      # nothing saved, not even the base


def test_rows_the_core_refuses_are_not_saved(db):
    dv = DataVersions(db)
    base_id, rows = dv.base()
    bad = [dict(r) for r in rows]
    bad[3]["status"] = "invented"
    out = dv.save(bad, base_id=base_id)
    assert out.status == REJECTED and out.problems and out.problems[0].column == "status"
    assert db.list_data_versions() == []


def test_a_change_on_a_stale_base_is_refused(db):
    dv = DataVersions(db)
    base_id, rows = dv.base()
    a = [dict(r) for r in rows]
    a[0]["value"] = float(a[0]["value"]) + 1
    assert dv.save(a, base_id=base_id).status == SAVED
    b = [dict(r) for r in rows]
    b[1]["value"] = float(b[1]["value"]) + 2
    assert dv.save(b, base_id=base_id).status == STALE                      # made on the embedded data
    assert len(db.list_data_versions()) == 2


def test_revert_is_a_new_version_with_the_old_content_and_a_numeric_summary(db):
    dv = DataVersions(db)
    base_id, rows = dv.base()
    a = [dict(r) for r in rows]
    a[0]["value"] = float(a[0]["value"]) + 5
    a.append(dict(rows[0], year=2031, value=7))
    first = dv.save(a, base_id=base_id).version
    original = db.list_data_versions()[-1].id
    out = dv.revert(original, author="Lan", note="về gốc")
    assert out.status == SAVED and out.version.id > first.id
    assert out.summary["changed"] == 1 and out.summary["removed"] == 1 and out.summary["added"] == 0
    assert db.get_data_version(out.version.id).csv_text == db.get_data_version(original).csv_text
    assert dv.revert(original).status == UNCHANGED                          # the latest already has it
