"""The session, in one place: the language, the context (the data in use), the scenario the sliders set and
its results, the store. Pages and views read them here; what is worked out once per run is kept in the
binding layer's per-run memo (``giamngheo.ui.binding.run_memo``)."""
from __future__ import annotations

import threading
import time
from typing import Any

import streamlit as st

from giamngheo import i18n
from giamngheo.model.engine import Context, default_context, run
from giamngheo.model.uncertainty import tune_allocator
from giamngheo.scenario.scenario import Scenario
from giamngheo.ui.binding import forget_run_memo, run_memo, state_values

LANG_KEY = "lang"

# the app process keeps freed heap memory instead of trimming and faulting it in again on every Monte
# Carlo (giamngheo.model.uncertainty.tune_allocator; memory stays bounded, docs/load.md)

tune_allocator()


def lang() -> str:
    """The session's language; read once per script run (it is asked for some 300 times a run), once the
    language switch has set it (app.py sets it first thing on a session's first run)."""
    memo = run_memo()
    v = memo.get("lang")
    if v is None:
        v = st.session_state.get(LANG_KEY, i18n.DEFAULT_LANG)
        v = v if v in i18n.LANGS else i18n.DEFAULT_LANG
        if LANG_KEY in st.session_state:
            memo["lang"] = v
    return v


def tr(key: str, **params: Any) -> str:
    return i18n.t(key, lang(), **params)


def num(x: Any, decimals: int | None = None) -> str:
    return i18n.fmt_num(x, lang(), decimals)


def pct(x: Any, decimals: int = 2) -> str:
    return i18n.fmt_pct(x, lang(), decimals)


def field(obj: Any, name: str) -> str:
    return i18n.field(obj, name, lang())


DATASET_KEY = "dataset"      # the embedded dataset the user chose explicitly ("demo"); None: the server's choice


_EMBEDDED_LOCK = threading.Lock()
_EMBEDDED_MADE: set = set()


def _embedded(name: str | None) -> Context:
    """The process's one context of an embedded dataset: ``default_context`` keeps it (``functools.lru_cache``);
    the first time under a lock, so that two sessions starting together (or the warm-up beside the first) share
    one object. Not ``st.cache_resource`` on top of it, whose bookkeeping (hashing the argument, its stats) cost
    about 0.2 ms of every run."""
    if name in _EMBEDDED_MADE:
        return default_context(dataset=name)
    with _EMBEDDED_LOCK:
        ctx = default_context(dataset=name)
        _EMBEDDED_MADE.add(name)
        return ctx


def embedded_context() -> Context:
    """The context of the embedded (real) data, shared by the process."""
    return _embedded(None)


def chosen_dataset() -> str | None:
    """The embedded dataset chosen in this session (a link's ``?dataset=demo`` or the data page)."""
    from giamngheo.paths import DATASETS
    v = st.session_state.get(DATASET_KEY)
    return v if v in DATASETS else None


def _context() -> Context:
    return _embedded(chosen_dataset())


def demo_active() -> bool:
    """Whether the data in use are the demo dataset: a banner stands on every page and export."""
    from giamngheo.paths import is_demo
    name = getattr(context().obs, "dataset", None)
    return bool(name) and is_demo(name)


# ---------------------------------------------------------------- once per script run
# The context and the scenario are read many times a run (sidebar, captions, page); they are worked out
# once per run (the binding layer's per-run memo).


def context() -> Context:
    """The context of the data in use: the store's data version (latest, or the one picked), else the
    embedded data. Worked out once per run."""
    memo = run_memo()
    ctx = memo.get("ctx")
    if ctx is None:
        ctx = memo["ctx"] = versioned_context()
    return ctx


def scenario() -> Scenario:
    """The scenario the sidebar set (defaults when the sidebar has not run, e.g. in a page test).

    Built once per run for the same slider values: the raw values are compared (cheap), so a value set
    during the run (a link, a preset) still gives the new scenario."""
    ctx = context()
    memo = run_memo()
    ids = memo.get("ids")
    if ids is None or ids[0] is not ctx:
        ids = memo["ids"] = (ctx, tuple(a.id for a in ctx.registry))
    name, *vals = state_values(("scenario_name", *ids[1]))   # one pass over the session state (binding layer)
    name = name if name is not None else ""
    raw = (name, tuple(vals))
    got = memo.get("scenario")
    if got is not None and got[0] == raw and got[1] is ctx:
        return got[2]
    values = {}
    for a, v in zip(ctx.registry, raw[1]):
        if v is None:
            continue
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        if v != a.default:
            values[a.id] = a.clamp(v)
    sc = Scenario.of(name, values)
    memo["scenario"] = (raw, ctx, sc)
    return sc


def results():
    """(projection, verdicts) of the current scenario; cached in the core by context and scenario."""
    return run(context(), scenario())


# ---------------------------------------------------------------- the store (saved scenarios, data versions)

_NO_SECRETS = "_gn_no_secrets"      # (run memo) this run found no secrets to read


def secret(name: str) -> Any:
    """A top-level entry of Streamlit's secrets, or None (also when there is no secrets file at all).

    Read once per script run (the editor right and the store ask for several entries a run): a run sees the
    secrets as they are when it starts, so every run decides again from the server's secrets. Without a secrets
    file Streamlit looks for one on disk at every read (about 0.15 ms each); here it looks once a run, and the
    run's other reads take that answer."""
    memo = run_memo()
    kept = memo.setdefault("_gn_secrets", {})    # outside a run: a new dict, read every time
    if name in kept:
        return kept[name]
    if memo.get(_NO_SECRETS):
        return None
    try:
        v = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml, or an unreadable one: nothing configured, for this run
        memo[_NO_SECRETS] = True
        v = None
    kept[name] = v
    return v


def _secret_store_url() -> str | None:
    """``[store] url`` from Streamlit secrets, if there is one."""
    try:
        sec = secret("store")
        return str(sec.get("url")) if sec and sec.get("url") else None
    except Exception:  # noqa: BLE001 - not a table: the default store
        return None


def _store_url() -> str:
    """The URL of the store in force (env, secrets, else the SQLite file), worked out once per run (asked for
    on every run: without a secrets file Streamlit looks for one on disk at every read)."""
    from giamngheo.store import resolve_url
    memo = run_memo()
    url = memo.get("store_url")
    if url is None:
        url = memo["store_url"] = resolve_url(secret_url=_secret_store_url())
    return url


_STORES: dict[str, Any] = {}
_STORES_LOCK = threading.Lock()


def _store(url: str):
    """The process's one ``Store`` of a database URL (made once, under a lock; a failure is not kept). A plain
    dict, not ``st.cache_resource``, whose own bookkeeping (hashing the argument, its stats) cost about 0.1 ms a
    call, two or three calls a run."""
    db = _STORES.get(url)
    if db is None:
        with _STORES_LOCK:
            db = _STORES.get(url)
            if db is None:
                from giamngheo.store import Store
                db = _STORES[url] = Store(url)
    return db


def store():
    """The store in force (env GIAMNGHEO_DB_URL, else secrets, else SQLite under the data directory).

    Raises ``giamngheo.store.StoreUnavailable`` when the database cannot be reached.
    """
    return _store(_store_url())


_clock = time.monotonic
_KEPT_LOCK = threading.Lock()


def _kept_read(table: dict, key: Any, db: Any, ttl: float, read: Any) -> Any:
    """``read()``, or what it gave last time for ``key``: read again when this process wrote to the database
    since (``db.writes()`` changed: at once) or after ``ttl`` seconds (another replica's write shows within
    that). An error of ``read`` is not kept. Bounded: stores and plans come and go (tests)."""
    writes, now = db.writes(), _clock()
    with _KEPT_LOCK:
        got = table.get(key)
    if got is not None and got[1] == writes and 0 <= now - got[0] < ttl:
        return got[2]
    value = read()
    with _KEPT_LOCK:
        if len(table) > 64:
            table.clear()
        table[key] = (now, writes, value)
    return value


SAVED_TTL = 2.0       # s: how long a list of saved scenarios read from the store is shown again without a read
_SAVED: dict[tuple[str, str | None], tuple[float, int, tuple]] = {}


def saved_scenarios(db: Any, plan_id: str | None) -> list:
    """``db.list_scenarios(plan_id)``, read again when this process wrote to the database since (a save, a rename,
    a deletion: at once) and at most every :data:`SAVED_TTL` seconds otherwise (another replica's save shows
    within that), not on every rerun: the comparison and scenario pages list them on every lever move. The same
    rows for every session (frozen records; a new list each call). Raises ``StoreError`` as the store does."""
    return list(_kept_read(_SAVED, (db.url, plan_id), db, SAVED_TTL, lambda: tuple(db.list_scenarios(plan_id))))


ISSUER_TTL = 2.0      # s: how long the report issuer's settings read from the store are used again without a read
_ISSUER: dict[tuple[str, str], tuple[float, int, Any]] = {}


def issuer_in_force(db: Any):
    """Who issues the reports (``giamngheo.report.issuer.current_issuer``), the store's latest settings read again
    when this process wrote to the database since (a save of the form: at once) and at most every
    :data:`ISSUER_TTL` seconds otherwise (another replica's save shows within that), not on every rerun: the
    report page shows them on every lever move. A store that cannot be read is asked again at the next run (the
    file's settings meanwhile, as ``current_issuer`` has it). ``db``: the store, or None (the file's settings)."""
    from giamngheo.report.issuer import current_issuer
    if db is None:
        return current_issuer(None)
    return current_issuer(db, latest=lambda ds: _kept_read(_ISSUER, (db.url, ds), db, ISSUER_TTL,
                                                           lambda: db.latest(ds)))


# ---------------------------------------------------------------- Monte Carlo (probabilities, fan charts)

MC_SD_KEY = "mc_sd"   # {assumption id: standard deviation} edited on the "what it takes" page


def sd_overrides() -> dict[str, float]:
    """The uncertainties the user edited in this session (id → standard deviation)."""
    v = st.session_state.get(MC_SD_KEY) or {}
    return {k: float(x) for k, x in v.items()} if isinstance(v, dict) else {}


def page_url() -> str | None:
    """The address the browser is on (None in tests and when Streamlit cannot tell)."""
    try:
        return st.context.url or None
    except Exception:  # noqa: BLE001 - no browser context
        return None


def mc_results(poverty: bool = True):
    """The Monte Carlo of the current scenario (compact: verdicts with probability, bands). Without ``poverty``:
    the paths outside the poverty model only, and the verdicts of the targets on them (the labour page's).

    The UI caches no core result (issue 11 §6): this calls the core's cache, keyed by the context
    (the data in use), the scenario and the edited uncertainties, so a new data version is seen at once."""
    from giamngheo.model.uncertainty import monte_carlo_cached
    return monte_carlo_cached(context(), scenario(), overrides=sd_overrides(), poverty=poverty)


# ---------------------------------------------------------------- data versions (uploads and edits)
# The app uses the store's latest data version when there is one, else the embedded data; the
# user may pick an earlier version (app_pages/10_nhap_du_lieu.py sets DATA_VERSION_KEY). Contexts are
# cached by version id: a version never changes.

DATA_VERSION_KEY = "data_version"


def _existing_store():
    """The store when it exists and answers; None otherwise (a missing SQLite file is not created just to read).
    A store found is kept for the rest of the run (asked for three times a run: the data version, its
    context, the adoptions); one not found is looked for again (a save in this run may create it)."""
    from pathlib import Path

    from giamngheo.store import StoreError
    memo = run_memo()
    db = memo.get("existing_store")
    if db is not None:
        return db
    url = _store_url()
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return None
    try:
        db = memo["existing_store"] = _store(url)
    except StoreError:
        return None
    return db


LATEST_TTL = 2.0      # s: how long the latest data version's id is used again without asking the store
_LATEST: dict[str, tuple[float, int, int | None]] = {}


def _latest_id(url: str) -> int | None:
    """The store's latest data version's id (None: none, or the store cannot be read), read again after a write
    from this process to that database (at once: a new version) and otherwise at most every :data:`LATEST_TTL`
    seconds (another replica's version is used within that). A plain dict, not ``st.cache_data``, whose own
    bookkeeping (hashing, copying the value) cost about 0.1–0.2 ms a run."""
    from giamngheo.store import StoreError

    def newest() -> int | None:
        v = db.list_data_versions()
        return v[0].id if v else None

    try:
        db = _store(url)
        return _kept_read(_LATEST, url, db, LATEST_TTL, newest)
    except StoreError:
        return None          # not kept: asked again at the next run


_VERSIONS: dict[str, tuple[float, int, tuple]] = {}


def data_versions(db: Any) -> list:
    """``db.list_data_versions()`` (newest first, without their text), read again after a write from this process
    to that database (a new version, a revert: at once) and otherwise at most every :data:`LATEST_TTL` seconds
    (another replica's version is listed within that, as :func:`_latest_id` uses it), not on every rerun: the
    data page lists them on every lever move. The same frozen records for every session; a new list each call.
    Raises ``StoreError`` as the store does (an error is not kept)."""
    return list(_kept_read(_VERSIONS, db.url, db, LATEST_TTL, lambda: tuple(db.list_data_versions())))


def _forget_latest() -> None:
    with _KEPT_LOCK:
        _LATEST.clear()
        _VERSIONS.clear()


@st.cache_resource(show_spinner=False, max_entries=8)
def _version_data(url: str, vid: int):
    from giamngheo.data.ingest import version_frames
    from giamngheo.model.engine import make_context
    from giamngheo.plan.targets import load_plan
    from giamngheo.store import fmt_time
    v = _store(url).get_data_version(vid)
    if v is None:
        return None
    label = f"v{v.id} · {fmt_time(v.created_at, 'en')}"
    obs, full = version_frames(v.csv_text or "", label)
    return make_context(load_plan(), obs, data_label=label), full


def data_version_id() -> int | None:
    """The id of the data version in use: the one the user picked, else the latest; None = embedded data."""
    db = _existing_store()
    if db is None:
        return None
    latest = _latest_id(db.url)
    if latest is None:
        return None
    chosen = st.session_state.get(DATA_VERSION_KEY)
    return int(chosen) if isinstance(chosen, int) and 0 < chosen <= latest else latest


def _in_use():
    vid = data_version_id()
    if vid is None:
        return None
    try:
        return _version_data(_existing_store().url, vid)
    except Exception:  # noqa: BLE001 - a version that no longer parses: fall back to the embedded data
        return None


def versioned_context() -> Context:
    """The store's data version in use, else the embedded data; an explicit choice of the demo
    dataset wins over both (it is for showing the app, and bannered)."""
    if chosen_dataset() == "demo":
        return _context()
    got = _in_use()
    return got[0] if got else _context()


def data_frame():
    """The whole observations frame in use, with the communes' rows (group ``xa:…``)."""
    if chosen_dataset() == "demo":
        return _context().obs.df
    got = _in_use()
    return got[1] if got else _context().obs.df


def refresh_data() -> None:
    """After saving a version: forget the cached latest id so every page uses it at once."""
    _forget_latest()
    forget_run_memo()
