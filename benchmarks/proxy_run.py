"""The hosted set-up on one machine: the repository's nginx configuration in front of 2 replicas on PostgreSQL.

    python benchmarks/proxy_run.py                                   # checks, first visit, 50 sessions
    python benchmarks/proxy_run.py --steps check,load --sessions 50 --think 2 --hostile
    python benchmarks/proxy_run.py --steps check,visit --out benchmarks/results/proxy-DATE
    python benchmarks/proxy_run.py --steps check,visit --before 3543614 --visits proxy,before --repeats 5

What it starts, all on 127.0.0.1 and all stopped at the end (also on an error or Ctrl-C), no Docker:
- a throwaway PostgreSQL cluster in a temporary directory (as scripts/ci_services.sh starts one for the
  tests: initdb, trust authentication on loopback only, fsync off), the replicas' shared store;
- ``--replicas`` (2) app processes (``streamlit run app.py``, file watcher off), each with
  ``GIAMNGHEO_DB_URL`` pointing at that database, each warmed up by scripts/warm_up.py as the Docker
  image does (one run of the overview before anyone comes);
- Debian's nginx with deploy/nginx.conf as it is, adapted only where a local run must differ: the
  upstream's ``server`` lines point at the replicas' ports, it listens on a loopback port, its pid,
  temporary files, cache and logs go to the temporary directory, one worker process, and the static
  location answers ``X-Cache-Status`` (so the check can see nginx's cache work).

Steps (``--steps``, in this order):
- ``check``: through the proxy, the page and the largest bundle with and without ``Accept-Encoding:
  gzip`` and as Chromium asks (``gzip, deflate, br``: brotli where nginx has the module; bytes each way,
  the bundle's Cache-Control kept), the bundle twice (the second from nginx's
  cache), the websocket handshake, the ``gn_route`` cookie.
- ``visit``: benchmarks/first_visit.py through the proxy and, in the same run, straight to one replica
  (no proxy: Streamlit's uncompressed files, what the proxy is compared with), on the throttled line;
  then through the proxy on the bare loopback (no throttling: what the browser's and the servers' CPU
  take whatever the line, the floor of the other two on a shared machine). ``--before REV`` adds the
  proxy configuration of an earlier revision (a second nginx before the same replicas). Each proxy's
  caches are filled first by one unthrottled visit (not counted: after a start nginx compresses each
  static file once, for the first browser that asks); then the set-ups take turns, one cold + warm
  pair each, ``--repeats`` times, so that the machine's load falls on all.
- ``load``: scripts/load_test.py through the proxy: ``--sessions`` sessions on the overview (or
  ``--pages``), every headline lever moving to fresh values; p50/p95, errors, memory of the replicas,
  and of nginx and PostgreSQL before and after. With ``--hostile`` a hostile visitor runs beside the
  sessions: it sends an upload body larger than the proxy allows, over and over, and the answers it got
  are counted (nginx should refuse it before a replica sees it).

Ports: ``--port`` (8570) for nginx, the replicas after it, PostgreSQL after them. Bounded: the whole run
stops after ``--timeout`` seconds (default 900).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
import load_test  # noqa: E402, I001  (scripts/load_test.py: the server and nginx starters, memory readers)


# --------------------------------------------------------------------------------------- PostgreSQL

def pg_bindir() -> Path:
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".")
                                                                            if x.isdigit()])
    for d in reversed(dirs):
        if (d / "initdb").exists():
            return d
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and (Path(pg_ctl).parent / "initdb").exists():
        return Path(pg_ctl).parent
    raise SystemExit("no PostgreSQL binaries (apt-get install postgresql)")


def as_owner(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the 'postgres' user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.getuid() == 0 else cmd


class Postgres:
    def __init__(self, tmp: Path, port: int):
        self.bin, self.port = pg_bindir(), port
        self.dir = tmp / "pg"
        self.dir.mkdir(mode=0o700)
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        self.started = False

    def start(self) -> str:
        subprocess.run(as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--no-locale"]), check=True, capture_output=True, cwd="/")
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")
        subprocess.run(as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                                 "-w", "-t", "60", "-o", opts, "start"]), check=True, capture_output=True, cwd="/")
        self.started = True
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "giamngheo"], check=True, capture_output=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/giamngheo"

    def pids(self) -> list[int]:
        """The postmaster and its backends (memory is summed over them)."""
        try:
            main = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        out = [main]
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == main:
                        out.append(int(p.name))
                except (OSError, ValueError, IndexError):
                    pass
        return out

    def stop(self) -> None:
        if self.started:
            subprocess.run(as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                                     "stop"]), capture_output=True, cwd="/")
            self.started = False


# ------------------------------------------------------------------------------------------- checks

def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def check(port: int, replica_port: int) -> dict:
    """What the proxy does to the bytes, asked directly (no browser)."""
    import re
    out: dict = {}
    st, h, body = get(port, "/")
    out["page"] = {"status": st, "set_cookie": h.get("set-cookie", "")[:60]}
    js = sorted(set(re.findall(rb'"\./(static/js/index\.[\w-]+\.js)"', body)))
    bundles = ["/" + js[0].decode()] if js else []
    # the largest file the first visit fetches (protobuf.*.js in Streamlit 1.67): found by size, on the replica
    static = Path(__import__("streamlit").__file__).parent / "static" / "static" / "js"
    biggest = max(static.glob("*.js"), key=lambda p: p.stat().st_size, default=None)
    if biggest:
        bundles.append(f"/static/js/{biggest.name}")
    for path in ["/", *bundles]:
        _, hp, plain = get(port, path)
        _, hg, gz = get(port, path, {"Accept-Encoding": "gzip"})
        _, hg2, _ = get(port, path, {"Accept-Encoding": "gzip"})
        _, hr, direct = get(replica_port, path, {"Accept-Encoding": "gzip"})
        _, hb, br = get(port, path, {"Accept-Encoding": "gzip, deflate, br"})     # what Chromium asks for
        out[path] = {"identity_bytes": len(plain), "gzip_bytes": len(gz), "encoding": hg.get("content-encoding", ""),
                     "browser_bytes": len(br), "browser_encoding": hb.get("content-encoding", ""),
                     "replica_direct_bytes": len(direct), "replica_direct_encoding": hr.get("content-encoding", ""),
                     "cache_control": hg.get("cache-control", ""), "vary": hg.get("vary", ""),
                     "x_cache": [hp.get("x-cache-status", ""), hg.get("x-cache-status", ""), hg2.get("x-cache-status", "")]}
    # the websocket handshake through the proxy (the upgrade must pass)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/_stcore/stream", headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                                 "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                                 "Sec-WebSocket-Protocol": "streamlit", "Origin": f"http://127.0.0.1:{port}",
                                                 "Host": f"127.0.0.1:{port}"})
    r = c.getresponse()
    out["websocket_handshake"] = {"status": r.status, "upgrade": r.getheader("Upgrade", "")}
    c.close()
    return out


# ----------------------------------------------------------------------------------- a hostile visitor

def hostile_uploads(port: int, stop: threading.Event, size_mb: float, counts: dict) -> None:
    """Upload bodies over the proxy's limit, one after another, until ``stop``: the statuses it got."""
    chunk = b"\0" * (1 << 20)
    while not stop.is_set():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            n = int(size_mb * (1 << 20))
            c.putrequest("PUT", "/_stcore/upload_file/hostile/file")
            c.putheader("Content-Type", "application/octet-stream")
            c.putheader("Content-Length", str(n))
            c.endheaders()
            sent = 0
            try:
                while sent < n and not stop.is_set():
                    c.send(chunk[: min(len(chunk), n - sent)])
                    sent += len(chunk)
            except OSError:
                pass                                # the proxy closed the connection: it refused early
            status = str(c.getresponse().status)
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
        finally:
            c.close()
        counts[status] = counts.get(status, 0) + 1
        stop.wait(0.5)


# -------------------------------------------------------------------------------------------- the run

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", default="check,visit,load")
    ap.add_argument("--port", type=int, default=8570, help="nginx; the replicas and PostgreSQL take the next ones")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--moves", type=int, default=10)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--pages", default="overview")
    ap.add_argument("--repeats", type=int, default=3, help="first visits (cold + warm) per set-up")
    ap.add_argument("--hostile", action="store_true", help="an oversized-upload visitor beside the sessions")
    ap.add_argument("--hostile-mb", type=float, default=20)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--out", help="a file prefix for the JSON results (e.g. benchmarks/results/proxy-2026-12-06)")
    ap.add_argument("--before", metavar="REV",
                    help="visit: also through deploy/nginx.conf as it was at this git revision (a second nginx in "
                         "front of the same replicas), interleaved with the current one: before and after in one run")
    ap.add_argument("--visits", default="proxy,replica_direct,proxy_no_throttle",
                    help="visit: which set-ups (proxy, before, replica_direct, proxy_no_throttle, "
                         "proxy_omnibox_popup)")
    ap.add_argument("--no-brotli", action="store_true", help="nginx without its brotli module even where installed")
    a = ap.parse_args()
    steps = [s for s in a.steps.split(",") if s]
    if not set(steps) <= {"check", "visit", "load"} or not 1 <= a.replicas <= 4:
        ap.error("--steps from check,visit,load; --replicas 1..4")

    def on_alarm(*_):
        raise TimeoutError(f"stopped after --timeout {a.timeout:.0f} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(a.timeout))

    tmp = Path(tempfile.mkdtemp(prefix="giamngheo-proxy-"))
    os.chmod(tmp, 0o755)
    procs: list[subprocess.Popen] = []
    pg = Postgres(tmp, a.port + a.replicas + 1)
    results: dict = {"machine": load_test.machine(), "replicas": a.replicas, "steps": steps}
    try:
        t0 = time.monotonic()
        db_url = pg.start()
        bases, pids = [], []
        for r in range(a.replicas):
            proc, base = load_test.start_server(tmp, [], "app.py", a.port + 1 + r, db_url)
            procs.append(proc)
            bases.append(base)
            pids.append(load_test.pid_listening_on(a.port + 1 + r) or proc.pid)
        # each replica runs the overview once before anyone comes, as the Docker image does (scripts/warm_up.py)
        warm = [subprocess.Popen([sys.executable, str(ROOT / "scripts" / "warm_up.py"), "--url", b],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for b in bases]
        results["warm_up"] = [w.communicate(timeout=300)[1].decode(errors="replace").strip() for w in warm]
        # the static location tells its cache status: a local run's addition only, not deploy/'s
        conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        marker = "proxy_cache gn_static;"
        if marker in conf:
            conf = conf.replace(marker, marker + "\n            add_header X-Cache-Status $upstream_cache_status always;", 1)
        (tmp / "deploy-nginx.conf").write_text(conf, encoding="utf-8")
        ng, proxy = load_test.start_nginx(tmp, bases, a.port, conf_text=conf, brotli=False if a.no_brotli else None)
        procs.append(ng)
        results["brotli"] = bool(load_test.nginx_brotli_module()) and not a.no_brotli
        before = None
        if a.before and "visit" in steps:
            old_conf = subprocess.run(["git", "-C", str(ROOT), "show", f"{a.before}:deploy/nginx.conf"], check=True,
                                      capture_output=True, text=True).stdout
            (tmp / "before").mkdir()
            ng_before, before = load_test.start_nginx(tmp / "before", bases, a.port + a.replicas + 2, conf_text=old_conf,
                                                      brotli=False if a.no_brotli else None)
            procs.append(ng_before)
            results["before_rev"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", a.before],
                                                   capture_output=True, text=True).stdout.strip()
        results["start_s"] = round(time.monotonic() - t0, 1)
        print(f"proxy {proxy} -> {', '.join(bases)}; PostgreSQL on {pg.port}", file=sys.stderr)

        if "check" in steps:
            results["check"] = check(a.port, a.port + 1)
            print(json.dumps(results["check"], indent=1), file=sys.stderr)

        if "visit" in steps:
            results["visit"] = {}
            # the proxy and a replica directly on the slow line, and the proxy on the bare loopback: the time the
            # browser and the servers take whatever the line (this machine's CPU), the floor of the other two
            setups = {"proxy": (proxy, []), "before": (before, []), "replica_direct": (bases[0], []),
                      "proxy_no_throttle": (proxy, ["--no-throttle"]),
                      # headless Chromium's address-bar popup built during the visit (first_visit.py --omnibox-popup)
                      "proxy_omnibox_popup": (proxy, ["--omnibox-popup"])}
            wanted = [v for v in a.visits.split(",") if v and (v != "before" or before)]
            if before and "before" not in wanted:
                wanted.insert(1, "before")
            # nginx's caches filled first (a proxy compresses each static file once, at brotli 10 / gzip 9,
            # when the first browser asks for it after a start): one unthrottled visit through each proxy,
            # not counted; then one cold + warm pair of each set-up in turn, --repeats times: a change in
            # the machine's load falls on every set-up alike
            for url in {setups[v][0] for v in wanted if v != "replica_direct"}:
                subprocess.run([sys.executable, str(ROOT / "benchmarks" / "first_visit.py"), "--url", url,
                                "--no-throttle", "--repeats", "1"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=300)
            runs: dict[str, list[dict]] = {v: [] for v in wanted}
            for _ in range(a.repeats):
                for label in wanted:
                    url, extra = setups[label]
                    f = tmp / f"visit-{label}.json"
                    log = tmp / f"visit-{label}.txt"
                    f.unlink(missing_ok=True)
                    rc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "first_visit.py"), "--url", url,
                                         *extra, "--repeats", "1", "--json", str(f), "--log", str(log),
                                         "--label", label], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        timeout=900)
                    if rc.returncode != 0 or not f.exists():
                        # a visit that did not finish (e.g. over --visit-timeout on a saturated machine) is
                        # reported as such; the other set-ups and the load still run
                        err = rc.stderr.decode(errors="replace").strip().splitlines()
                        runs[label].append({"error": err[-1] if err else f"exit {rc.returncode}"})
                        print(f"first visit via {label}: failed: {runs[label][-1]['error']}", file=sys.stderr)
                        continue
                    runs[label].append(json.loads(f.read_text(encoding="utf-8")))
                    if a.out and len(runs[label]) == 1:
                        shutil.copy(log, f"{a.out}-visit-{label}-requests.txt")
                    v = runs[label][-1]
                    print(f"first visit via {label}: cold {v['cold']['median_s']} s, {v['cold']['http_bytes']} bytes; "
                          f"warm {v['warm']['median_s']} s (renderer's tasks "
                          f"{v['warm'].get('renderer', {}).get('task_s')} s); load {' '.join(v['loadavg'])}",
                          file=sys.stderr)
            results["visit"] = {label: merge_visits(rs) for label, rs in runs.items()}

        if "load" in steps:
            others = {"nginx": [ng.pid] + child_pids(ng.pid), "postgres": pg.pids()}
            before = {k: load_test.rss_mb(v) for k, v in others.items()}
            stop, counts = threading.Event(), {}
            th = None
            if a.hostile:
                th = threading.Thread(target=hostile_uploads, args=(a.port, stop, a.hostile_mb, counts), daemon=True)
                th.start()
            f = tmp / "load.json"
            rc = subprocess.run([sys.executable, str(ROOT / "scripts" / "load_test.py"), "--url", proxy,
                                 "--pid", ",".join(map(str, pids)), "--warm-url", ",".join(bases),
                                 "--sessions", str(a.sessions), "--moves", str(a.moves), "--think", str(a.think),
                                 "--pages", a.pages, "--json", str(f), "--timeout", str(max(60, a.timeout - 120))],
                                stdout=subprocess.DEVNULL, timeout=a.timeout).returncode
            stop.set()
            if th:
                th.join(35)
            others = {"nginx": [ng.pid] + child_pids(ng.pid), "postgres": pg.pids()}
            after = {k: load_test.rss_mb(v) for k, v in others.items()}
            load = json.loads(f.read_text(encoding="utf-8")) if f.exists() else {"error": f"load_test exited {rc}"}
            load["load_test_exit"] = rc
            load["other_rss_mb"] = {k: [round(before[k] or 0, 1), round(after[k] or 0, 1)] for k in before}
            if a.hostile:
                load["hostile_uploads"] = {"size_mb": a.hostile_mb, "answers": counts}
            results["load"] = load
            print(json.dumps({k: load.get(k) for k in ("sessions", "sessions_ok", "reruns", "rerun_p50_s", "rerun_p95_s",
                                                        "steady", "errors", "app_exceptions", "server_rss_before_mb",
                                                        "server_rss_after_mb", "levers_moved", "other_rss_mb",
                                                        "hostile_uploads")}, ensure_ascii=False, indent=1),
                  file=sys.stderr)
        err = (tmp / "nginx-error.log")
        results["nginx_error_log_tail"] = err.read_text(errors="replace")[-1500:] if err.exists() else ""
    finally:
        signal.alarm(0)
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    text = json.dumps(results, ensure_ascii=False, indent=1)
    if a.out:
        Path(f"{a.out}.json").write_text(text, encoding="utf-8")
    print(text)
    load = results.get("load", {})
    return 0 if not load or (load.get("load_test_exit") == 0) else 1


def merge_visits(runs: list[dict]) -> dict:
    """One set-up's visits (each first_visit.py --repeats 1) as one result: medians over the runs."""
    import statistics
    ok = [r for r in runs if "cold" in r]
    if not ok:
        return {"error": "; ".join(r.get("error", "") for r in runs)}
    out = {k: v for k, v in ok[0].items() if k not in ("cold", "warm", "loadavg")}
    for phase in ("cold", "warm"):
        xs = [r[phase]["median_s"] for r in ok]
        out[phase] = {**ok[0][phase], "median_s": round(statistics.median(xs), 2), "min_s": min(xs), "max_s": max(xs),
                      "runs_s": xs, "http_bytes_runs": [r[phase]["http_bytes"] for r in ok]}
        # the renderer's own figures (first_visit.py), median over every visit of the set-up
        rr = [x for r in ok for x in r[phase].get("renderer", {}).get("runs", [])]
        if rr:
            out[phase]["renderer"] = {**{k: round(statistics.median(x[k] for x in rr), 3) for k in rr[0]
                                         if all(x.get(k) is not None for x in rr)}, "runs": rr}
    out["loadavg_runs"] = [r["loadavg"] for r in ok]
    out["failed"] = len(runs) - len(ok)
    return out


def child_pids(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


if __name__ == "__main__":
    raise SystemExit(main())
