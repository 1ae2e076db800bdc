"""The data-version workflow the data-entry page calls (no Streamlit here).

A data version is the whole observations CSV, kept in the store; nothing is ever overwritten:

* :meth:`DataVersions.base` — the rows every change builds on: the latest version, or the embedded
  data when there is none yet;
* :meth:`DataVersions.check` — the rows as the core's parser would load them (every problem);
* :meth:`DataVersions.save` — check, refuse a stale base or a change that changes nothing, keep the
  embedded data as version 1 before the first change, then add the new version;
* :meth:`DataVersions.revert` — a new version with an earlier version's content.

Every version carries ONE change summary, :func:`giamngheo.data.ingest.merge.change_summary`, which
compares values as numbers (``72.0`` = ``72``) and rows by (indicator, group, year), whatever their order.
The store's low-level methods stay in :mod:`giamngheo.store`; this module uses only its public ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from giamngheo.data.communes import load_communes
from giamngheo.data.ingest.groups import group_problems
from giamngheo.data.ingest.merge import change_summary, csv_to_rows, rows_to_csv, version_frames
from giamngheo.data.observations import LINE_KEY, ObservationError, Observations, Problem, load_observations
from giamngheo.paths import observations_path

SAVED, UNCHANGED, REJECTED, STALE = "saved", "unchanged", "rejected", "stale"


def embedded_text() -> str:
    """The embedded observations (the data the app opens on before any version is saved)."""
    return observations_path().read_text(encoding="utf-8-sig")


def is_unchanged(summary: dict[str, Any]) -> bool:
    return not summary.get("first") and not (summary.get("added") or summary.get("changed") or summary.get("removed"))


@dataclass
class Outcome:
    """What a save or a revert did: ``status`` is saved, unchanged, rejected (``problems``) or stale."""

    status: str
    version: Any = None                       # the store's DataVersion when saved
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.status == SAVED


class DataVersions:
    """The workflow on one store (``store`` may be None when the store is unavailable: then only
    :meth:`base` and :meth:`check` work, on the embedded data)."""

    def __init__(self, store: Any, embedded: Callable[[], str] = embedded_text, base_note: str = "",
                 plan_groups: tuple[str, ...] | None = None):
        self.store = store
        self.plan_groups = plan_groups
        self._embedded = embedded
        self.base_note = base_note

    # -- reading

    def base(self) -> tuple[int | None, list[dict[str, Any]]]:
        """(latest version id or None, its rows): what every change builds on (never an earlier
        version that is only being viewed)."""
        v = self.store.latest() if self.store is not None else None
        return (v.id if v else None), csv_to_rows(v.csv_text if v else self._embedded())

    def rows_of(self, vid: int) -> list[dict[str, Any]]:
        v = self.store.get_data_version(int(vid))
        return csv_to_rows(v.csv_text or "") if v is not None else []

    def check(self, rows: Iterable[dict[str, Any]]) -> list[Problem]:
        """Every problem the core's parser finds in these rows as a whole version (none: it loads),
        and every group the registry does not know (row numbers as in the version's CSV)."""
        rows = list(rows)
        try:
            version_frames(rows_to_csv(rows), "check")
        except ObservationError as exc:
            return list(exc.problems)
        numbered = [{**r, LINE_KEY: i + 2} for i, r in enumerate(rows)]
        return group_problems(numbered, "data", load_communes(), self.plan_groups)

    # -- changing

    def ensure_base(self) -> None:
        """Before the first version: keep the embedded data as version 1, so that it can be returned to."""
        if not self.store.list_data_versions():
            self.store.save_data_version(self._embedded(), author="", note=self.base_note, parent_id=None)

    def save(self, rows: list[dict[str, Any]], *, author: str = "", note: str = "",
             base_id: Any = "latest") -> Outcome:
        """Add ``rows`` as a new version. ``base_id`` is the version the change was made on (None: the
        embedded data); when another version was saved since, nothing is saved (``stale``)."""
        cur_id, cur_rows = self.base()
        if base_id != "latest" and base_id != cur_id:
            return Outcome(STALE)
        summary = change_summary(cur_rows, rows)
        if is_unchanged(summary):
            return Outcome(UNCHANGED, summary=summary)
        problems = self.check(rows)
        if problems:
            return Outcome(REJECTED, summary=summary, problems=problems)
        self.ensure_base()
        v = self.store.save_data_version(rows_to_csv(rows), author=author, note=note, summary=summary)
        return Outcome(SAVED, v, summary)

    def revert(self, vid: int, *, author: str = "", note: str = "") -> Outcome:
        """A new version with the content of version ``vid`` (nothing overwritten)."""
        old = self.store.get_data_version(int(vid))
        if old is None:
            from giamngheo.store import NotFound
            raise NotFound(f"data version {vid}")
        _, cur_rows = self.base()
        old_text = old.csv_text or ""
        summary = change_summary(cur_rows, csv_to_rows(old_text))
        if is_unchanged(summary):
            return Outcome(UNCHANGED, summary=summary)
        v = self.store.save_data_version(old_text, author=author, note=note, summary=summary)
        return Outcome(SAVED, v, summary)


def load_data_file(path: Path | str) -> Observations:
    """A data file given on the command line (``--data``), read as the app reads a saved data version:
    every row checked, and a source the sources file does not list (an office's own review, cited by
    the upload) accepted as the version cites it, with the listed ones attached. A file that fails for
    any other reason fails as ``load_observations`` does."""
    try:
        return load_observations(path)
    except ObservationError as e:
        if not e.problems or any(p.code != "unknown_source" for p in e.problems):
            raise
    obs, _ = version_frames(Path(path).read_text(encoding="utf-8-sig"), Path(path).name)
    return obs
