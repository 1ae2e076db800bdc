"""Load test: N concurrent sessions against a running app on this machine, moving the sliders.

    python scripts/load_test.py --start                      # start a server, 30 sessions, stop it
    python scripts/load_test.py --url http://localhost:8501 --sessions 10 --moves 10

Each session is a Streamlit websocket client (the protocol the browser speaks, without a browser, so
that the clients do not take the server's CPU): it opens one page (the overview; with ``--pages all``
session i opens page i mod 13, a mix across every page; or one page by its slug), then moves the
headline levers ``--moves`` times, each in turn (session i starts at lever i), waiting ``--think``
seconds (± 50 %) between moves, as a person would; a slider drawn inside a fragment (the overview's)
is rerun as the browser asks, that fragment alone. The levers are the registry's headline section
(data/assumptions.toml), found on the page by their widget key or label, so a new lever or a reworded
label needs no change here; a page that draws fewer of them than the registry has is an error. Every
move goes to a value on the slider's grid that makes a scenario no session has asked for yet (the
core caches by scenario: a repeated scenario would be a cache hit, not the cost of a move).
(An earlier version matched two label prefixes, one of which no longer matched any slider: only the
jobs slider moved, 50 sessions shared at most 81 scenarios, and the core's caches flattered it.) A rerun time is the time from sending the new
slider value to the server's "script finished": the server's whole rerun (sidebar, verdicts, page,
serialisation), without the browser's drawing.

The page: the first request names the page by its URL path; the server answers with the page it ran
(its ``navigation`` message carries that page's script hash), and every later rerun sends that hash.
(An earlier version sent the main page's hash from ``new_session``, so every session measured the
overview whatever page it claimed.) The script checks that the page that ran is the page asked for,
and reports p50 and p95 per page and for the whole mix.

Before the sessions come: one warm-up session on every replica (directly, not through nginx), then a
wait until the servers are idle (under 5 % of a core over a second). After its first session the app
freezes what it built for the garbage collector in a background thread (app.py,
``warm_up_in_background``), as a server that has run a while has done; its other chart templates (the
other language, meeting mode) come only after 10 s with no run, so not during the load, and the
overview's sessions in Vietnamese need none of them. (Earlier versions of this script warmed one replica only and did not wait, so
the other replica built its templates, a few seconds of CPU, while the sessions arrived: their
figures charged start-up to the sessions.) ``steady`` gives p50 and p95 of the reruns made after
every session has loaded its page and made its first move, apart from the whole run's.

``--app benchmarks/floor_page.py`` serves the floor page of the rerun benchmark instead of the app
(one page, the jobs slider, 39 sliders, 14 charts, a table; nothing computed): Streamlit's own cost
of such a page under the same load, for comparison. The script's own CPU per run is reported too
(the clients share the machine's cores with the servers).

Memory per session is the growth of the server process's resident memory (RSS, /proc) from before
the sessions connect (after the warm-up) to when all of them have made their moves and are
still connected, divided by the number of sessions.

Bounded: at most 200 sessions and 100 moves each, and the whole run stops after ``--timeout``
seconds (default 300) whatever happens. Localhost only.

Behind a proxy that something else started (benchmarks/proxy_run.py): ``--url`` the proxy, ``--pid`` the
replicas' process ids and ``--warm-url`` their own URLs, comma-separated.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
LOCAL = {"localhost", "127.0.0.1", "::1"}
MAX_SESSIONS, MAX_MOVES = 200, 100


def headline_levers() -> dict[str, tuple[str, str]]:
    """The sliders a user moves: every headline lever of the registry (data/assumptions.toml's "headline"
    section), id -> (Vietnamese label, English label). Nothing here names a lever or a label: a lever added
    to the section, or a label reworded, is found the same way."""
    from giamngheo.model.engine import default_context
    return {a.id: (a.label_vi, a.label_en) for a in default_context().registry.section("headline")}


SLIDERS: dict[str, tuple[str, str]] = {}     # filled by main() (the registry is read once, not per session)


def lever_of(slider, levers: dict[str, tuple[str, str]]) -> str | None:
    """The headline lever a slider element is, or None: by its widget key (a keyed widget's id ends in
    "-<key>", and the app keys each slider with its assumption's id), else by its label in either language."""
    for aid, labels in levers.items():
        if slider.id.endswith(f"-{aid}") or slider.label in labels:
            return aid
    return None


# ----------------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, timeout: float = 90) -> None:
    """Until the server answers its health check (scripts/warm_up.py's wait), else stop the run."""
    from warm_up import wait_healthy as wait
    try:
        wait(base, time.monotonic() + timeout)
    except TimeoutError:
        raise SystemExit(f"no answer from {base}/_stcore/health in {timeout:.0f} s") from None


def start_server(tmp: Path, extra: list[str] = (), app: str = "app.py", port: int | None = None,
                 db_url: str | None = None) -> tuple[subprocess.Popen, str]:
    """A Streamlit server on ``port`` (a free one if None), its store in ``tmp`` or the database ``db_url``."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "GIAMNGHEO_DB_URL"}
    env["GIAMNGHEO_DATA_DIR"] = str(tmp / "store")
    if db_url:
        env["GIAMNGHEO_DB_URL"] = db_url
    log = open(tmp / f"streamlit-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", *extra],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base)
    return proc, base


def pid_listening_on(port: int) -> int | None:
    """The process that listens on a local TCP port (from /proc, no extra tools)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:   # 0A = LISTEN
                inodes.add(parts[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def rss_mb(pid) -> float | None:
    """Resident memory of a server process (or the sum over a list of replicas)."""
    if pid is None:
        return None
    if isinstance(pid, (list, tuple)):
        xs = [rss_mb(p) for p in pid]
        return None if any(x is None for x in xs) else sum(xs)
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_s(pid) -> float | None:
    """User + system CPU seconds the process has used (/proc/PID/stat); summed over replicas."""
    if pid is None:
        return None
    if isinstance(pid, (list, tuple)):
        xs = [cpu_s(p) for p in pid]
        return None if any(x is None for x in xs) else sum(xs)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def nginx_brotli_module() -> Path | None:
    """This nginx's brotli filter module (Debian: libnginx-mod-http-brotli-filter), if installed."""
    import re
    try:
        v = subprocess.run(["nginx", "-V"], capture_output=True, text=True, timeout=10).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"--modules-path=(\S+)", v)
    so = Path(m.group(1) if m else "/usr/lib/nginx/modules") / "ngx_http_brotli_filter_module.so"
    return so if so.exists() else None


def start_nginx(tmp: Path, bases: list[str], port: int | None = None, access_log: bool = False,
                conf_text: str | None = None, brotli: bool | None = None) -> tuple[subprocess.Popen, str]:
    """nginx in front of the replicas with deploy/nginx.conf's settings (cookie affinity, websocket
    upgrade, compression, the static files' cache), its upstream pointed at the local ports, listening
    on 127.0.0.1:``port`` (a free one if None), its files (pid, temp, cache, logs) under ``tmp``.
    ``brotli``: load the brotli module and deploy/nginx-brotli.conf (None: when this nginx has it)."""
    import re
    conf = conf_text or (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    ups = "".join(f"        server {urlparse(b).netloc} max_fails=2 fail_timeout=10s;\n" for b in bases)
    conf = re.sub(r"(upstream giamngheo \{\n\s*hash \$gn_route consistent;\n)(?:.*\n)*?(\s*keepalive)",
                  lambda m: m.group(1) + ups + m.group(2), conf)
    port = port or free_port()
    conf = re.sub(r"listen\s+(?:[\w.:\[\]]+:)?8080\b", f"listen 127.0.0.1:{port}", conf)
    # nginx's workers run as an unprivileged user when nginx is started as root: they must reach their temp
    # and cache directories, which a private temporary directory (mkdtemp's, pytest's) would refuse them
    # (every cached file then fails with "permission denied"): those go to a directory of their own
    work = tmp
    if os.getuid() == 0:
        work = Path(tempfile.mkdtemp(prefix="giamngheo-nginx-"))
        os.chmod(work, 0o711)
        import atexit
        import shutil
        atexit.register(shutil.rmtree, work, True)
    conf = conf.replace("pid /tmp/nginx.pid;", f"pid {tmp}/nginx.pid;").replace("/tmp/nginx-", f"{work}/nginx-")
    conf = re.sub(r"access_log\s+/dev/stdout(\s+\w+)?;",
                  lambda m: f"access_log {tmp}/nginx-access.log{m.group(1) or ''};" if access_log else "access_log off;",
                  conf)
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {tmp}/nginx-error.log warn;")
    conf = conf.replace("worker_processes auto;", "worker_processes 1;")
    # compose.yaml's mounts: the files in deploy/ themselves
    conf = conf.replace("root /usr/share/giamngheo;", f"root {ROOT / 'deploy' / 'www'};")
    module = nginx_brotli_module() if brotli is not False else None
    if brotli and not module:
        raise SystemExit("brotli asked for, but this nginx has no brotli module (libnginx-mod-http-brotli-filter)")
    conf = conf.replace("include /etc/nginx/modules-enabled/*brotli*.conf;", f"load_module {module};" if module else "")
    conf = conf.replace("include /etc/nginx/giamngheo-brotli.con[f];",
                        f"include {ROOT / 'deploy' / 'nginx-brotli.conf'};" if module else "")
    (tmp / "nginx.conf").write_text(conf, encoding="utf-8")
    proc = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.log", "wb"), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/nginx-health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("nginx did not start: " + (tmp / "nginx.log").read_text(errors="replace")[-500:])


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ------------------------------------------------------------------------- a websocket session

@dataclass
class Result:
    first_load: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    timeline: list[tuple[float, float, int]] = field(default_factory=list)   # (start s, rerun s, move number)
    by_page: dict[str, list[float]] = field(default_factory=dict)   # page slug -> rerun times
    errors: list[str] = field(default_factory=list)
    exceptions: int = 0
    exception_texts: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)        # lever id -> moves made
    seen: set = field(default_factory=set)                      # the scenarios asked for so far
    pid: object = None                                          # the server process(es), for the CPU mark
    expected: int = 0                                           # sessions expected to load
    loaded_mark: tuple | None = None                            # (perf_counter, server CPU s) when the last loaded


class Session:
    """One browser tab, as the server sees it: a websocket, reruns with widget values."""

    def __init__(self, base: str, page: str, query: str, result: Result, rerun_timeout: float):
        u = urlparse(base)
        self.ws_url = f"ws://{u.netloc}/_stcore/stream"
        self.page, self.query, self.result, self.rerun_timeout = page, query, result, rerun_timeout
        self.page_hash = ""
        self.ran = None                            # url path of the page the server ran last
        self.widgets: dict[str, object] = {}       # widget id -> WidgetState we set
        self.slider_ids: dict[str, str] = {}       # assumption id -> widget id
        self.slider_spec: dict[str, tuple[float, float, float]] = {}
        self.slider_fragment: dict[str, str] = {}  # assumption id -> the fragment its slider is drawn in
        self.fragment = ""                          # the fragment the next rerun is of ("" = the whole app)
        self.slider_value: dict[str, tuple] = {}    # assumption id -> the value the session holds

    async def __aenter__(self):
        import websockets
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=2 ** 26,
                                           open_timeout=30, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def rerun(self) -> float:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = self.page
        # a widget drawn inside a fragment (the overview's levers): the browser asks for that fragment alone
        cs.fragment_id = self.fragment
        self.fragment = ""
        for w in self.widgets.values():
            cs.widget_states.widgets.append(w)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), self.rerun_timeout)
        return time.perf_counter() - t0

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        while True:
            raw = await self.ws.recv()
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                # the page the server is running: its hash is what later reruns must send
                nav = fm.navigation
                self.page_hash = nav.page_script_hash or self.page_hash
                self.ran = next((p.url_pathname for p in nav.app_pages if p.page_script_hash == nav.page_script_hash),
                                self.ran)
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                what = el.WhichOneof("type")
                if what == "slider":
                    aid = lever_of(el.slider, SLIDERS)
                    if aid is not None:
                        self.slider_ids[aid] = el.slider.id
                        self.slider_spec[aid] = (el.slider.min, el.slider.max, el.slider.step)
                        self.slider_fragment[aid] = fm.delta.fragment_id
                        self.slider_value.setdefault(aid, tuple(el.slider.default))
                elif what == "exception":
                    self.result.exceptions += 1
                    self.result.exception_texts.append(f"{el.exception.type}: {el.exception.message}"[:200])
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return

    def move(self, aid: str, rng: random.Random, seen: set | None = None) -> None:
        """Lever ``aid`` to a random value on its grid; with ``seen`` (the scenarios every session has asked
        for so far), one that makes a scenario no session has asked for yet, so the core's caches, which
        are keyed by the whole scenario, never answer a move from an earlier one."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        lo, hi, step = self.slider_spec[aid]
        n = int(round((hi - lo) / step))
        value = key = None
        for _ in range(50):        # a fresh scenario if one is found in 50 draws, else at least another value
            v = round(lo + step * rng.randint(0, n), 6)
            if (v,) == self.slider_value.get(aid) and n > 0:
                continue
            value, key = v, tuple(sorted({**self.slider_value, aid: (v,)}.items()))
            if seen is None or key not in seen:
                break
        if value is None:
            value = round(lo + step * rng.randint(0, n), 6)
            key = tuple(sorted({**self.slider_value, aid: (value,)}.items()))
        if seen is not None:
            seen.add(key)
        self.slider_value[aid] = (value,)
        ws = WidgetState(id=self.slider_ids[aid])
        ws.double_array_value.data.append(value)
        self.widgets[ws.id] = ws
        self.fragment = self.slider_fragment.get(aid, "")


async def one_user(i: int, base: str, pages: list[str], query: str, moves: int, think: float, ramp: float,
                   result: Result, rerun_timeout: float, hold: asyncio.Event, done: asyncio.Event,
                   counter: list[int], single: bool = False) -> None:
    rng = random.Random(1000 + i)
    await asyncio.sleep(ramp * rng.random())
    try:
        page = pages[i % len(pages)]
        async with Session(base, page, query, result, rerun_timeout) as s:
            result.first_load.append(await s.rerun())
            if len(result.first_load) == result.expected and result.loaded_mark is None:
                result.loaded_mark = (time.perf_counter(), cpu_s(result.pid))
            if (s.ran or "") != page and not single:
                raise RuntimeError(f"asked for page {page!r}, the server ran {s.ran!r}")
            ids = [a for a in SLIDERS if a in s.slider_ids]
            if not ids:
                raise RuntimeError("no headline lever's slider found on the page")
            if not single and len(ids) < len(SLIDERS):
                raise RuntimeError(f"the page drew {len(ids)} of the {len(SLIDERS)} headline levers: "
                                   f"missing {sorted(set(SLIDERS) - set(ids))}")
            for k in range(moves):
                await asyncio.sleep(think * (0.5 + rng.random()))
                aid = ids[(i + k) % len(ids)]         # every lever in turn, each session from another one
                s.move(aid, rng, result.seen)
                result.moved[aid] = result.moved.get(aid, 0) + 1
                t_start = time.perf_counter()
                dt = await s.rerun()
                result.timeline.append((t_start, dt, k))
                if (s.ran or "") != page and not single:
                    raise RuntimeError(f"rerun of page {page!r} ran {s.ran!r}")
                result.reruns.append(dt)
                result.by_page.setdefault(page or "overview", []).append(dt)
            counter[0] += 1
            if counter[0] >= counter[1]:
                done.set()
            await hold.wait()              # stay connected until memory has been read
    except Exception as e:  # noqa: BLE001 - a failed session is counted, the others go on
        result.errors.append(f"session {i}: {type(e).__name__}: {e}"[:300])
        counter[1] -= 1
        if counter[0] >= counter[1]:
            done.set()


def cpu_per_move(result: Result, cpu_after: float | None) -> int | None:
    if not result.loaded_mark or result.loaded_mark[1] is None or cpu_after is None:
        return None
    t_mark, cpu_mark = result.loaded_mark
    n = sum(1 for t, _, _ in result.timeline if t >= t_mark)
    return round(1000 * (cpu_after - cpu_mark) / n) if n else None


def steady(result: Result) -> dict:
    firsts = [t + dt for t, dt, k in result.timeline if k == 0]
    if not firsts:
        return {}
    settled = max(firsts)
    xs = [dt for t, dt, k in result.timeline if t > settled]
    return {"from_s": round(settled - min(t for t, _, _ in result.timeline), 1), "reruns": len(xs),
            "p50_s": round(pct(xs, 0.5), 3), "p95_s": round(pct(xs, 0.95), 3)} if xs else {}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def wait_idle(pid, timeout: float = 60.0) -> float | None:
    """Wait until the server process uses less than 5 % of a core over a second; the seconds waited."""
    if pid is None or cpu_s(pid) is None:
        return None
    t0 = time.monotonic()
    last = cpu_s(pid)
    while time.monotonic() - t0 < timeout:
        await asyncio.sleep(1.0)
        now = cpu_s(pid)
        if now is not None and now - last < 0.05:
            break
        last = now
    return round(time.monotonic() - t0, 1)


async def run(a, base: str, pid: int | None, warm_bases: list[str] | None = None) -> dict:
    from giamngheo.ui.pages import discover
    slugs = [s for _, _, s in discover(ROOT / "app_pages")]
    if a.pages == "all":
        pages = ["" if i == 0 else s for i, s in enumerate(slugs)]
    elif a.pages in ("overview", slugs[0]):
        pages = [""]
    elif a.pages in slugs:
        pages = [a.pages]
    else:
        raise SystemExit(f"--pages: 'overview', 'all' or one of {', '.join(slugs)}")
    query = a.query

    # warm-up: one session, not counted, so that start-up caches are not charged to the sessions
    warm = Result()
    for b in warm_bases or [base]:          # every replica directly (behind nginx one would get them all)
        for _ in range(a.warmup):
            async with Session(b, "", query, warm, a.rerun_timeout) as s:
                await s.rerun()
    await asyncio.sleep(1.0)
    # the server freezes what its first session built in the background (app.py, warm_up_in_background):
    # the sessions come to a server that has finished starting, as they would to one that has run a while
    idle_wait = await wait_idle(pid)
    rss_before, cpu_before, load_before = rss_mb(pid), cpu_s(pid), loadavg()
    client_before = time.process_time()

    result = Result(pid=pid, expected=a.sessions)
    hold, done = asyncio.Event(), asyncio.Event()
    counter = [0, a.sessions]
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(one_user(i, base, pages, query, a.moves, a.think, a.ramp, result,
                                          a.rerun_timeout, hold, done, counter, a.app != "app.py"))
             for i in range(a.sessions)]
    await done.wait()
    wall = time.perf_counter() - t0
    await asyncio.sleep(1.0)
    rss_after, cpu_after = rss_mb(pid), cpu_s(pid)
    client_cpu = time.process_time() - client_before
    hold.set()
    await asyncio.gather(*tasks)

    ok = a.sessions - len(result.errors)
    out = {
        "sessions": a.sessions, "sessions_ok": ok, "moves_per_session": a.moves, "think_s": a.think,
        "pages": a.pages, "reruns": len(result.reruns), "wall_s": round(wall, 1),
        "rerun_p50_s": round(pct(result.reruns, 0.50), 3), "rerun_p95_s": round(pct(result.reruns, 0.95), 3),
        "rerun_max_s": round(max(result.reruns), 3) if result.reruns else None,
        "rerun_mean_s": round(statistics.fmean(result.reruns), 3) if result.reruns else None,
        "first_load_p50_s": round(pct(result.first_load, 0.50), 3),
        "first_load_p95_s": round(pct(result.first_load, 0.95), 3),
        "reruns_over_0_5_s": sum(x > 0.5 for x in result.reruns),
        "reruns_per_s": round((len(result.reruns) + len(result.first_load)) / wall, 2),
        # CPU the server spent per script run (slider moves and first loads): the cost of a rerun
        # whatever else the machine is doing; on one process it bounds the reruns a second
        # the same for the moves alone: server CPU from when the last session had loaded its page to the end,
        # over the moves started after that moment (no first loads in it)
        "server_cpu_ms_per_move": cpu_per_move(result, cpu_after),
        "server_cpu_ms_per_run": round(1000 * (cpu_after - cpu_before) / max(len(result.reruns) + len(result.first_load), 1))
        if cpu_before is not None and cpu_after is not None else None,
        # this script's own CPU per run (the 50 clients parse every message the server sends): on a
        # 2-core machine it competes with the server; a browser elsewhere would not
        "client_cpu_ms_per_run": round(1000 * client_cpu / max(len(result.reruns) + len(result.first_load), 1)),
        "app": a.app, "idle_wait_s": idle_wait,
        "loadavg_before": load_before, "loadavg_after": loadavg(),
        "server_rss_before_mb": round(rss_before, 1) if rss_before else None,
        "server_rss_after_mb": round(rss_after, 1) if rss_after else None,
        "mb_per_session": round((rss_after - rss_before) / max(ok, 1), 2) if rss_before and rss_after else None,
        # every headline lever moves, each move to a scenario no session had asked for before
        "levers_moved": dict(sorted(result.moved.items())), "distinct_scenarios": len(result.seen),
        "app_exceptions": result.exceptions, "exception_texts": sorted(set(result.exception_texts))[:5],
        "errors": result.errors[:10],
        # the reruns after every session had loaded and moved once (the arrival burst and each session's first
        # move, which may rerun the whole app to update the sidebar's scenario line, left out): steady state
        "steady": steady(result),
        "per_page": {p: {"reruns": len(xs), "p50_s": round(pct(xs, 0.5), 3), "p95_s": round(pct(xs, 0.95), 3)}
                     for p, xs in sorted(result.by_page.items())},
    }
    return out


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), "?")
    mem = next((int(ln.split()[1]) // 1024 for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_mb": mem, "python": sys.version.split()[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://localhost:8501", help="a running app on this machine")
    ap.add_argument("--start", action="store_true", help="start a server on a free port for the run, stop it after")
    ap.add_argument("--pid", help="the server's process id, or the replicas' ids separated by commas "
                                  "(found from the port if not given)")
    ap.add_argument("--warm-url", help="with --url: the replicas' own URLs, separated by commas, each warmed up "
                                       "directly before the sessions come (behind a proxy)")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--moves", type=int, default=10, help="slider moves per session")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between a session's moves")
    ap.add_argument("--ramp", type=float, default=5.0, help="sessions start within this many seconds")
    ap.add_argument("--pages", default="overview",
                    help="'overview' (default), 'all' (the sessions spread over every page) or a page's slug")
    ap.add_argument("--query", default="", help="the link's query string, e.g. poor_fall=60.5")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--rerun-timeout", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=300.0, help="the whole run stops after this many seconds")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--replicas", type=int, default=1,
                    help="with --start: this many app processes behind nginx (deploy/nginx.conf, local ports)")
    ap.add_argument("--app", default="app.py",
                    help="with --start: the script to serve (benchmarks/floor_page.py: the floor page under the "
                         "same load, Streamlit's own cost for such a page; it has one page and the jobs slider)")
    ap.add_argument("--port", type=int, help="with --start: the first of the ports to use (replicas from it, "
                                               "nginx after them); free ports if not given")
    ap.add_argument("--server-option", action="append", default=[],
                    help="with --start: a streamlit option, e.g. runner.postScriptGC=true (repeatable)")
    a = ap.parse_args()
    if not 1 <= a.sessions <= MAX_SESSIONS or not 0 <= a.moves <= MAX_MOVES:
        ap.error(f"--sessions must be 1..{MAX_SESSIONS} and --moves 0..{MAX_MOVES}")
    sys.path.insert(0, str(ROOT))
    SLIDERS.update(headline_levers())

    procs: list[subprocess.Popen] = []
    tmp = tempfile.TemporaryDirectory(prefix="giamngheo-load-")
    try:
        if a.start:
            opts = [f"--{x}" if i == 0 else x for o in a.server_option for i, x in enumerate(o.split("=", 1))]
            bases = []
            for r in range(a.replicas):
                proc, b = start_server(Path(tmp.name), opts, a.app, a.port and a.port + r)
                procs.append(proc)
                bases.append(b)
            pid = [p.pid for p in procs] if a.replicas > 1 else procs[0].pid
            if a.replicas > 1:
                ng, base = start_nginx(Path(tmp.name), bases, a.port and a.port + a.replicas)
                procs.append(ng)
            else:
                base = bases[0]
        else:
            u = urlparse(a.url)
            if u.hostname not in LOCAL:
                ap.error("the load test runs against this machine only (localhost)")
            base = a.url.rstrip("/")
            wait_healthy(base, 10)
            pids = [int(x) for x in a.pid.split(",")] if a.pid else [pid_listening_on(u.port or 80)]
            pid = pids if len(pids) > 1 else pids[0]
        try:
            warm = bases if a.start else ([w.rstrip("/") for w in a.warm_url.split(",")] if a.warm_url else None)
            out = asyncio.run(asyncio.wait_for(run(a, base, pid, warm), a.timeout))
        except (asyncio.TimeoutError, TimeoutError):
            print(f"stopped after --timeout {a.timeout:.0f} s", file=sys.stderr)
            return 1
        out["machine"] = machine()
        out["server_pid"] = pid
        out["replicas"] = a.replicas if a.start else (len(pid) if isinstance(pid, list) else 1)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        tmp.cleanup()

    for k, v in out.items():
        print(f"{k:22} {v}")
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if out["sessions_ok"] == out["sessions"] and not out["app_exceptions"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
