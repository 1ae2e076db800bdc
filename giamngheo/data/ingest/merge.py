"""Rows of a data version: to and from CSV, checked table edits, merging an upload into the
current rows, and the one change summary (values compared as numbers)."""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from typing import Any, Iterable

import pandas as pd

from giamngheo.data import communes as cm
from giamngheo.data.ingest.groups import group_problems
from giamngheo.data.ingest.numbers import _plain
from giamngheo.data.observations import COLUMNS, LINE_KEY, Problem, validate_rows
from giamngheo.plan.indicators import Indicator, load_indicators


def stored_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of an observations frame that a data version stores (derived rates are recomputed)."""
    d = df[df["status"] != "derived"] if "status" in df else df
    out = []
    for r in d.to_dict("records"):
        out.append({c: ("" if pd.isna(r.get(c)) else r.get(c)) if c != "value" else _plain(float(r["value"]))
                    for c in COLUMNS})
        out[-1]["year"] = int(out[-1]["year"])
    return out


def rows_to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: ("" if r.get(c) is None else (_plain(r[c]) if c == "value" else r[c])) for c in COLUMNS})
    return buf.getvalue()


def csv_to_rows(text: str) -> list[dict[str, Any]]:
    """The rows of a stored version (or the embedded file), as written: value a number, year an int."""
    out = []
    for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        d = {c: (r.get(c) or "").strip() for c in COLUMNS}
        try:
            d["year"] = int(float(d["year"]))
            d["value"] = _plain(float(d["value"]))
        except ValueError:
            pass
        out.append(d)
    return out


def check_table_rows(rows: list[dict[str, Any]], others: list[dict[str, Any]], file: str,
                     indicators: dict[str, Indicator] | None = None,
                     plan_groups: tuple[str, ...] | None = None) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Check rows edited in a table (row numbers: 1, 2, … as on screen) together with the rows kept
    outside it (a duplicate of one of those is reported on the edited row, «first» = 0); every group
    must be in the registry (``plan_groups``: the plan's model groups, default the embedded plan's)."""
    indicators = indicators if indicators is not None else load_indicators()

    def text(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, float):
            return repr(int(v)) if v.is_integer() else repr(v)
        return str(v).strip()

    mine = [{**{c: text(r.get(c)) for c in COLUMNS}, LINE_KEY: i + 1} for i, r in enumerate(rows)]
    clean, problems = validate_rows(mine, file, indicators, None)
    problems += group_problems(mine, file, cm.load_communes(), plan_groups)
    bad_group = {p.row for p in problems if p.code.startswith("in_unknown")}
    clean = [r for r in clean if r.get("_row") not in bad_group]
    # a duplicate of a row kept outside the table: the outside rows carry line -1, shown as 0
    outside = [{**{c: text(r.get(c)) for c in COLUMNS}, LINE_KEY: -1} for r in others]
    _, both = validate_rows(outside + mine, file, indicators, None)
    problems += [replace(p, params=tuple((k, 0 if k == "first" else v) for k, v in p.params)) for p in both
                 if p.code == "duplicate" and (p.row or 0) > 0 and dict(p.params).get("first") == -1]
    out = sorted(problems, key=lambda p: p.row or 0)
    return [{c: r[c] for c in COLUMNS} for r in clean], out


def change_summary(old: Iterable[dict[str, Any]] | None, new: Iterable[dict[str, Any]],
                   examples: int = 20) -> dict[str, Any]:
    """What changed between two versions' rows, comparing values as numbers (``72.0`` = ``72``);
    the same form as the store's row-by-row summary."""
    def key(r: dict[str, Any]) -> str:
        return f"{str(r['indicator']).strip()}/{str(r['group']).strip()}/{int(float(r['year']))}"

    def num(v: Any) -> Any:
        try:
            return float(v)
        except (TypeError, ValueError):
            return str(v).strip()

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return num(a.get("value")) == num(b.get("value")) and all(
            str(a.get(c) or "").strip() == str(b.get(c) or "").strip() for c in ("unit", "status", "source", "note", "note_en"))

    nw = {key(r): r for r in new}
    if old is None:
        return {"rows": len(nw), "added": len(nw), "removed": 0, "changed": 0, "first": True, "examples": []}
    od = {key(r): r for r in old}
    added = [k for k in nw if k not in od]
    removed = [k for k in od if k not in nw]
    changed = [k for k in nw if k in od and not same(nw[k], od[k])]
    ex: list[dict[str, Any]] = []
    for kind, keys in (("changed", changed), ("added", added), ("removed", removed)):
        for k in keys[: max(0, examples - len(ex))]:
            item: dict[str, Any] = {"key": k, "change": kind}
            if kind != "added":
                item["old"] = str(_plain(float(od[k]["value"])))
            if kind != "removed":
                item["new"] = str(_plain(float(nw[k]["value"])))
            ex.append(item)
    return {"rows": len(nw), "added": len(added), "removed": len(removed), "changed": len(changed),
            "first": False, "examples": ex}


@dataclass
class Merge:
    rows: list[dict[str, Any]]
    added: list[tuple[str, str, int]]
    changed: list[tuple[str, str, int, float, float]]
    unchanged: int

    def summary(self) -> dict[str, Any]:
        ex = [{"key": f"{i}/{g}/{y}", "change": "changed", "old": str(_plain(o)), "new": str(_plain(n))}
              for i, g, y, o, n in self.changed[:20]]
        ex += [{"key": f"{i}/{g}/{y}", "change": "added"} for i, g, y in self.added[: max(0, 20 - len(ex))]]
        return {"rows": len(self.rows), "added": len(self.added), "removed": 0, "changed": len(self.changed),
                "first": False, "examples": ex}


def merge(current: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> Merge:
    """The current rows with the new ones put in: a new row replaces the current one of the same
    (indicator, group, year); every other current row is kept, in its place; new keys go at the end."""
    cur = list(current)
    idx = {(str(r["indicator"]), str(r["group"]), int(r["year"])): i for i, r in enumerate(cur)}
    out = [dict(r) for r in cur]
    added, changed, same = [], [], 0
    for r in new:
        k = (str(r["indicator"]), str(r["group"]), int(r["year"]))
        if k in idx:
            old = out[idx[k]]
            if float(old["value"]) != float(r["value"]) or any(str(old.get(c, "")) != str(r.get(c, ""))
                                                               for c in ("status", "source")):
                changed.append((*k, float(old["value"]), float(r["value"])))
            else:
                same += 1
            out[idx[k]] = dict(r)
        else:
            idx[k] = len(out)
            out.append(dict(r))
            added.append(k)
    return Merge(out, added, changed, same)


def version_frames(csv_text: str, label: str = "", indicators: dict[str, Indicator] | None = None):
    """(the district's Observations, the whole frame with the communes) of a stored data version.

    The version is checked again by the core's parser (raises ObservationError); sources are not
    required to be in sources.toml (an upload may cite its own), but are attached for links."""
    from giamngheo.data.observations import Observations, load_sources, parse_observations
    indicators = indicators if indicators is not None else load_indicators()
    obs = parse_observations(csv_text, label or "data", indicators, None)
    district, _ = cm.split_frame(obs.df)
    try:
        sources = load_sources()
    except OSError:
        sources = {}
    return Observations(district, sources, label), obs.df
