"""Attacks of a hostile visitor against a running app on this machine, as runnable checks.

    python benchmarks/hostile.py uploads                 # start a server (password set), attack, stop
    python benchmarks/hostile.py uploads --app-dir /tmp/before     # the same against another checkout
    python benchmarks/hostile.py reruns --hostile 16     # a visitor's rerun p95 under 16 slider floods
    python benchmarks/hostile.py clear-cache             # clear_cache messages: CPU, open files
    python benchmarks/hostile.py replay                  # reconnect with a signed-in session's id
    python benchmarks/hostile.py signin                  # 20 sign-ins at once; the editor during 30 guesses
    python benchmarks/hostile.py checks --hostile 6      # a real upload's check while 6 bombs are checked

``uploads``: one anonymous session (the server has an editor password, so the session is not an
editor) sends ``--puts`` PUTs of ``--mb`` MB to ``/_stcore/upload_file/<its session>/<id>`` (the
request the file widget makes, with the XSRF cookie and header) and never reruns; the server's
resident memory (RSS, /proc) before and after, and the answers' status codes.

``reruns``: ``--hostile`` sessions send random values of the jobs slider as fast as the server
answers them (each waits for its own rerun to finish or ``--hostile-wait`` s); one visitor moves
the same slider every 0.5 s; the visitor's rerun times (send → script finished) p50/p95, and the
same visitor alone before the attack (the floor, same run, same machine).

``clear-cache``: one session on the scenarios page (which opens the store) sends Streamlit's
``clear_cache`` back message ``--n`` times, rerunning after every 25th; the server's CPU seconds
and open file descriptors (database files apart) before and after, and whether another session's
rerun still works.

``replay``: an editor signs in on the scenarios page over one websocket; a second websocket asks to
resume that session by its id (the third entry of ``Sec-WebSocket-Protocol``, as the browser does
after a network loss); what that connection's run shows: signed in or not, the save button enabled
or not.

``signin``: 20 sessions submit the right password at the same moment (how many are signed in);
then 30 wrong guesses at once, each from its own address (``X-Forwarded-For``, which the server
started here believes from 127.0.0.1: ``GIAMNGHEO_TRUSTED_PROXIES``, and ``GIAMNGHEO_TRUST_PROXY=1``
for older code), and the real editor from yet another address right after: signed in or not, and
how long the answer took.

``checks``: on the data page (anyone may check a file there), ``--hostile`` sessions upload a small
workbook bomb each at the same moment (tests/data/hostile_files.py: 400,000 fonts, 3.5 million
nested elements, …) and one visitor uploads a plain small review; the time from the visitor's
upload to its check's answer, alone first (the floor) and then among the bombs, and what the bombs
were told.

Bounded: at most 200 sessions, 500 requests, ``--timeout`` seconds (default 300) for the whole run;
loopback only (a URL must be 127.0.0.1 or localhost). A server started here listens on 127.0.0.1,
port 8560 + k (the 8560–8569 range), with a temporary store and secrets (an editor password).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
# the server's process helpers are the load script's (one reading of /proc for every benchmark)
from load_test import cpu_s, pid_listening_on, rss_mb, wait_healthy  # noqa: E402, I001
LOCAL = {"localhost", "127.0.0.1"}
PORTS = range(8560, 8570)


# ----------------------------------------------------------------------------------- the server

def free_port() -> int:
    for p in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
            return p
    raise SystemExit("no free port in 8560-8569")


PASSWORD = "hostile-" + secrets.token_hex(12)      # the editor password of a server started here


def start_server(tmp: Path, app_dir: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or free_port()
    (tmp / "secrets.toml").write_text('[editor]\npassword = "%s"\n' % PASSWORD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"GIAMNGHEO_DB_URL", "GIAMNGHEO_LOCAL_EDIT"}}
    env["GIAMNGHEO_DATA_DIR"] = str(tmp / "store")
    # this machine is the proxy: the sign-in attack names its addresses in X-Forwarded-For
    env["GIAMNGHEO_TRUSTED_PROXIES"] = "127.0.0.1"
    env["GIAMNGHEO_TRUST_PROXY"] = "1"
    log = open(tmp / f"streamlit-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(tmp / "secrets.toml")],
        cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base, timeout=120)
    time.sleep(0.5)
    if proc.poll() is not None or pid_listening_on(port) not in (proc.pid, None):
        raise SystemExit(f"port {port}: another server answers there")
    return proc, base


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def db_fds(pid: int) -> int:
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").endswith((".db", ".sqlite", ".db-wal", ".db-shm")):
                n += 1
        except OSError:
            pass
    return n


# ----------------------------------------------------------------------------------- a session

class Session:
    """One browser tab as the server sees it: a websocket and reruns with widget values."""

    def __init__(self, base: str, page: str = "", resume: str = "", forwarded: str = ""):
        u = urlparse(base)
        self.ws_url = f"ws://{u.netloc}/_stcore/stream"
        self.page, self.resume, self.forwarded = page, resume, forwarded
        self.elements: list = []                    # the elements of the last run
        self.session_id = ""
        self.page_hash = ""
        self.query = ""
        self.slider: tuple[str, float, float, float, str] | None = None   # id, min, max, step, fragment
        self.widgets: dict[str, object] = {}

    async def __aenter__(self):
        import websockets
        protocols = ["streamlit", "x", self.resume] if self.resume else ["streamlit"]
        headers = {"X-Forwarded-For": self.forwarded} if self.forwarded else None
        self.ws = await websockets.connect(self.ws_url, subprotocols=protocols, max_size=2 ** 26,
                                           open_timeout=60, ping_interval=None, additional_headers=headers)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    def texts(self, kind: str) -> str:
        return "\n".join(getattr(e, kind).body for e in self.elements if e.WhichOneof("type") == kind)

    async def send_rerun(self, fragment: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = "" if self.page_hash else self.page
        cs.fragment_id = fragment
        for w in self.widgets.values():
            cs.widget_states.widgets.append(w)
        await self.ws.send(msg.SerializeToString())

    async def rerun(self, timeout: float, fragment: str = "") -> float:
        self.elements = []
        t0 = time.perf_counter()
        await self.send_rerun(fragment)
        await asyncio.wait_for(self.until_finished(), timeout)
        return time.perf_counter() - t0

    async def until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await self.ws.recv())
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id
            elif kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                self.elements.append(el)
                if el.WhichOneof("type") == "slider" and el.slider.label.startswith("Việc làm mới mỗi năm"):
                    self.slider = (el.slider.id, el.slider.min, el.slider.max, el.slider.step, fm.delta.fragment_id)
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return

    def move(self, rng: random.Random) -> str:
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        wid, lo, hi, step, fragment = self.slider
        ws = WidgetState(id=wid)
        ws.double_array_value.data.append(round(lo + step * rng.randint(0, int(round((hi - lo) / step))), 6))
        self.widgets[wid] = ws
        return fragment


def xsrf_cookie(base: str) -> str:
    with urllib.request.urlopen(base + "/_stcore/health", timeout=30) as r:   # Streamlit sets it there
        for h in r.headers.get_all("Set-Cookie") or []:
            if h.startswith("_streamlit_xsrf="):
                return h.split(";", 1)[0].split("=", 1)[1]
    return ""


def put_file(base: str, session_id: str, file_id: str, body: bytes, boundary: str, xsrf: str) -> int:
    """One upload as the file widget makes it; the HTTP status (also when the server answers before
    the body is sent and closes the connection: the status it sent)."""
    u = urlparse(base)
    head = (f"PUT /_stcore/upload_file/{session_id}/{file_id} HTTP/1.1\r\nHost: {u.netloc}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n"
            f"X-Xsrftoken: {xsrf}\r\nCookie: _streamlit_xsrf={xsrf}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((u.hostname, u.port), timeout=60) as sock:
        try:
            sock.sendall(head)
            view = memoryview(body)
            for i in range(0, len(body), 256 * 1024):
                sock.sendall(view[i:i + 256 * 1024])
        except OSError:
            pass                                  # refused mid-body: read what the server said
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return -1


# ----------------------------------------------------------------------------------- the attacks

async def attack_uploads(a, base: str, pid: int) -> dict:
    async with Session(base) as s:
        await asyncio.wait_for(s.rerun(120), 120)
        sid = s.session_id
        xsrf = xsrf_cookie(base)
        boundary = "gnboundary" + secrets.token_hex(8)
        payload = os.urandom(int(a.mb * 1024 * 1024))
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
        rss0 = rss_mb(pid)
        codes: dict[int, int] = {}
        peak = rss0
        t0 = time.perf_counter()
        loop = asyncio.get_running_loop()
        sem = asyncio.Semaphore(a.parallel)

        async def one(i: int) -> None:
            nonlocal peak
            async with sem:
                code = await loop.run_in_executor(None, put_file, base, sid, f"f{i}", body, boundary, xsrf)
                codes[code] = codes.get(code, 0) + 1
                peak = max(peak, rss_mb(pid) or 0)

        await asyncio.gather(*(one(i) for i in range(min(a.puts, 500))))
        took = time.perf_counter() - t0
        await asyncio.sleep(1.0)
        rss1 = rss_mb(pid)
        return {"attack": "uploads", "puts": min(a.puts, 500), "mb_each": a.mb, "parallel": a.parallel,
                "status_codes": {str(k): v for k, v in sorted(codes.items())}, "seconds": round(took, 1),
                "rss_before_mb": round(rss0, 1), "rss_peak_mb": round(peak, 1), "rss_after_mb": round(rss1, 1),
                "rss_growth_mb": round(max(peak, rss1) - rss0, 1)}


async def _visitor(base: str, moves: int, gap: float, timeout: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    times = []
    async with Session(base) as s:
        await s.rerun(120)
        for i in range(moves + 2):
            frag = s.move(rng)
            took = await s.rerun(timeout, frag)
            if i >= 2:                  # two warm-up moves (the chart's templates, the caches) not counted
                times.append(took)
            await asyncio.sleep(gap)
    return times


async def _hostile(base: str, stop: asyncio.Event, wait: float, seed: int, counter: list[int]) -> None:
    rng = random.Random(seed)
    try:
        async with Session(base) as s:
            await s.rerun(120)
            while not stop.is_set():
                frag = s.move(rng)
                await s.send_rerun(frag)
                counter[0] += 1
                try:
                    await asyncio.wait_for(s.until_finished(), wait)
                except asyncio.TimeoutError:
                    pass
    except Exception as exc:  # noqa: BLE001 - a refused or closed hostile session is the point
        counter[1] += 1
        counter.append(str(exc)[:80])


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


async def attack_reruns(a, base: str, pid: int) -> dict:
    floor = await _visitor(base, a.moves, 0.5, 60, 1)
    stop, counter = asyncio.Event(), [0, 0]
    tasks = [asyncio.create_task(_hostile(base, stop, a.hostile_wait, 100 + i, counter))
             for i in range(min(a.hostile, 200))]
    await asyncio.sleep(a.ramp)
    cpu0 = cpu_s(pid)
    t0 = time.perf_counter()
    loaded = await _visitor(base, a.moves, 0.5, 60, 2)
    cpu = (cpu_s(pid) - cpu0) / (time.perf_counter() - t0)
    stop.set()
    await asyncio.wait(tasks, timeout=30)
    return {"attack": "reruns", "hostile_sessions": a.hostile, "visitor_moves": a.moves,
            "floor_p50_s": round(statistics.median(floor), 3), "floor_p95_s": round(pct(floor, 0.95), 3),
            "attacked_p50_s": round(statistics.median(loaded), 3), "attacked_p95_s": round(pct(loaded, 0.95), 3),
            "attacked_max_s": round(max(loaded), 3), "hostile_reruns_sent": counter[0],
            "hostile_sessions_failed": counter[1], "server_cpu_cores": round(cpu, 2),
            "errors": counter[2:5]}


async def attack_clear_cache(a, base: str, pid: int) -> dict:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    async with Session(base, page="kich-ban") as victim, Session(base, page="kich-ban") as s:
        await victim.rerun(120)
        await s.rerun(120)
        fds0, db0, cpu0 = open_fds(pid), db_fds(pid), cpu_s(pid)
        t0 = time.perf_counter()
        for i in range(min(a.n, 5000)):
            m = BackMsg()
            m.clear_cache = True
            await s.ws.send(m.SerializeToString())
            if i % 25 == 24:            # and a rerun now and then: the page opens the store again
                await s.rerun(60)
        await asyncio.sleep(2.0)
        # the attacker's session is still usable (or closed): drain what came back
        took = time.perf_counter() - t0
        cpu = cpu_s(pid) - cpu0
        fds1, db1 = open_fds(pid), db_fds(pid)
        victim_rerun = await victim.rerun(60)
        return {"attack": "clear_cache", "messages": min(a.n, 5000), "seconds": round(took, 1),
                "server_cpu_s": round(cpu, 2), "open_fds_before": fds0, "open_fds_after": fds1,
                "db_fds_before": db0, "db_fds_after": db1, "victim_rerun_s": round(victim_rerun, 3)}


async def _sign_in_form(s: "Session", password: str) -> float:
    """Fill the scenarios page's sign-in form and submit it; the seconds to the answer."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    pw = next(e.text_input.id for e in s.elements
              if e.WhichOneof("type") == "text_input" and e.text_input.label == "Mật khẩu biên tập")
    submit = next(e.button for e in s.elements if e.WhichOneof("type") == "button"
                  and e.button.label == "Đăng nhập" and e.button.form_id)
    s.widgets = {pw: WidgetState(id=pw, string_value=password), submit.id: WidgetState(id=submit.id, trigger_value=True)}
    took = await s.rerun(120)
    s.widgets = {}
    return took


async def attack_signin(a, base: str, pid: int) -> dict:
    signed = "Đã đăng nhập biên tập"
    # 20 at once, the right password, one address
    sessions = [Session(base, page="kich-ban") for _ in range(20)]
    for s in sessions:
        await s.__aenter__()
    try:
        await asyncio.gather(*(s.rerun(120) for s in sessions))
        await asyncio.gather(*(_sign_in_form(s, a.password) for s in sessions))
        together = sum(signed in s.texts("alert") for s in sessions)
        wrong_words = sum("Sai mật khẩu" in s.texts("alert") for s in sessions)
    finally:
        for s in sessions:
            await s.__aexit__()
    # 30 guesses from 30 addresses at once, then the editor from another
    guessers = [Session(base, page="kich-ban", forwarded=f"198.18.{i // 250}.{i % 250 + 1}") for i in range(a.guesses)]
    for s in guessers:
        await s.__aenter__()
    try:
        await asyncio.gather(*(s.rerun(120) for s in guessers))
        t0 = time.perf_counter()
        await asyncio.gather(*(_sign_in_form(s, "sai-" + secrets.token_hex(4)) for s in guessers))
        guess_s = time.perf_counter() - t0
        guessed_in = sum(signed in s.texts("alert") for s in guessers)
        told_wrong = sum("Sai mật khẩu" in s.texts("alert") for s in guessers)
        told_locked = sum("thử lại sau" in s.texts("alert") for s in guessers)
    finally:
        for s in guessers:
            await s.__aexit__()
    tries = []
    async with Session(base, page="kich-ban", forwarded="203.0.113.77") as editor:
        await editor.rerun(120)
        for _ in range(3):                       # the editor tries up to three times, 5 s apart
            took = await _sign_in_form(editor, a.password)
            ok = signed in editor.texts("alert")
            tries.append({"signed_in": ok, "answer_s": round(took, 2),
                          "locked_message": "thử lại sau" in editor.texts("alert")})
            if ok:
                break
            await asyncio.sleep(5)
    return {"attack": "signin", "simultaneous_right": 20, "simultaneous_signed_in": together,
            "simultaneous_told_wrong_password": wrong_words, "guesses": a.guesses, "guess_seconds": round(guess_s, 1),
            "guesses_signed_in": guessed_in, "guesses_told_wrong": told_wrong, "guesses_told_locked": told_locked,
            "editor_after_guesses": tries}


async def _check_upload(base: str, data: bytes, name: str, xsrf: str, forwarded: str = "") -> tuple[float, str]:
    """Open the data page, upload ``data`` as the file widget does, rerun with it; (seconds from the
    upload to the check's answer, the page's error texts)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    async with Session(base, page="nhap-du-lieu", forwarded=forwarded) as s:
        await s.rerun(120)
        up = next(e.file_uploader for e in s.elements if e.WhichOneof("type") == "file_uploader")
        boundary = "gnb" + secrets.token_hex(8)
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        fid = secrets.token_hex(8)
        t0 = time.perf_counter()
        loop = asyncio.get_running_loop()
        code = await loop.run_in_executor(None, put_file, base, s.session_id, fid, body, boundary, xsrf)
        if code != 204:
            return time.perf_counter() - t0, f"upload refused {code}"
        ws = WidgetState(id=up.id)
        info = ws.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = fid, name, len(data)
        s.widgets = {up.id: ws}
        await s.rerun(120)
        said = [e.alert.body for e in s.elements if e.WhichOneof("type") == "alert" and e.alert.format == 1]   # errors
        return time.perf_counter() - t0, (said[0] if said else "no error")[:160]


async def attack_checks(a, base: str, pid: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.data import hostile_files as hf
    xsrf = xsrf_cookie(base)
    rng = random.Random()

    def good() -> bytes:
        """A plain review, different each time (the server keeps the last checks by content)."""
        vals = ["Hàm Giang", 2024, rng.randint(3000, 5000), 100, 30, 2, 3, 75]
        return hf.workbook(hf._row(1, [hf.cell(f"{c}1", h) for c, h in zip("ABCDEFGH", hf.HEADER)])
                           + hf._row(2, [hf.cell(f"{c}2", v) for c, v in zip("ABCDEFGH", vals)]), "A1:H2")

    bombs = [hf.many_fonts, hf.deep_xml, hf.empty_cells_row, hf.many_merges, hf.zip_version]
    floor = [(await _check_upload(base, good(), "ra-soat.xlsx", xsrf, "203.0.113.5"))[0] for _ in range(3)]

    async def visitor():
        await asyncio.sleep(0.3)                 # the bombs are on their way
        return await _check_upload(base, good(), "ra-soat.xlsx", xsrf, "203.0.113.5")

    # the bombs from one address (an attacker), the visitor from another
    results = await asyncio.gather(visitor(), *(_check_upload(base, bombs[i % len(bombs)](), f"bom{i}.xlsx", xsrf,
                                                              "198.18.9.9") for i in range(min(a.hostile, 50))))
    (v_secs, v_text), bomb = results[0], results[1:]
    return {"attack": "checks", "hostile_uploads": len(bomb), "floor_s": [round(x, 2) for x in floor],
            "visitor_s": round(v_secs, 2), "visitor_said": v_text[:120],
            "bombs_s": [round(b[0], 2) for b in bomb], "bombs_said": sorted({b[1][:70] for b in bomb})}


async def attack_replay(a, base: str, pid: int) -> dict:
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    signed = "Đã đăng nhập biên tập"
    async with Session(base, page="kich-ban") as editor:
        await editor.rerun(120)
        pw = next(e.text_input.id for e in editor.elements
                  if e.WhichOneof("type") == "text_input" and e.text_input.label == "Mật khẩu biên tập")
        submit = next(e.button for e in editor.elements if e.WhichOneof("type") == "button"
                      and e.button.label == "Đăng nhập" and e.button.form_id)
        w_pw = WidgetState(id=pw, string_value=a.password)
        w_go = WidgetState(id=submit.id, trigger_value=True)
        editor.widgets = {pw: w_pw, submit.id: w_go}
        await editor.rerun(60)
        editor.widgets = {}
        await editor.rerun(60)
        editor_signed = signed in editor.texts("alert")
        save = [e.button for e in editor.elements if e.WhichOneof("type") == "button" and e.button.form_id == "gn_save_form"]
        editor_can_save = bool(save) and not save[0].disabled
        sid = editor.session_id
        async with Session(base, page="kich-ban", resume=sid) as thief:
            thief.page_hash = editor.page_hash
            await thief.rerun(60)
            resumed = thief.session_id in ("", sid)      # no new_session id differing from the editor's
            save = [e.button for e in thief.elements if e.WhichOneof("type") == "button" and e.button.form_id == "gn_save_form"]
            return {"attack": "replay", "editor_signed_in": editor_signed, "editor_save_enabled": editor_can_save,
                    "replayed_session_resumed": resumed, "replay_signed_in": signed in thief.texts("alert"),
                    "replay_save_enabled": bool(save) and not save[0].disabled}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("attack", choices=["uploads", "reruns", "clear-cache", "replay", "signin", "checks"])
    p.add_argument("--password", default=PASSWORD, help="the editor password of the app at --url")
    p.add_argument("--url", help="a running app (127.0.0.1/localhost only); default: start one")
    p.add_argument("--app-dir", default=str(ROOT), help="the checkout whose app.py to start")
    p.add_argument("--puts", type=int, default=100)
    p.add_argument("--mb", type=float, default=9.9)
    p.add_argument("--parallel", type=int, default=1)
    p.add_argument("--hostile", type=int, default=16)
    p.add_argument("--hostile-wait", type=float, default=5.0)
    p.add_argument("--moves", type=int, default=20)
    p.add_argument("--ramp", type=float, default=5.0)
    p.add_argument("--n", type=int, default=750)
    p.add_argument("--guesses", type=int, default=30)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--json", help="write the result here too")
    a = p.parse_args()
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        if a.url:
            u = urlparse(a.url)
            if u.hostname not in LOCAL:
                raise SystemExit("loopback only")
            base, pid = a.url.rstrip("/"), pid_listening_on(u.port)
        else:
            proc, base = start_server(Path(tmp), Path(a.app_dir))
            pid = pid_listening_on(urlparse(base).port) or proc.pid
        try:
            fn = {"uploads": attack_uploads, "reruns": attack_reruns, "clear-cache": attack_clear_cache,
                  "replay": attack_replay, "signin": attack_signin, "checks": attack_checks}[a.attack]
            result = asyncio.run(asyncio.wait_for(fn(a, base, pid), a.timeout))
            result["app_dir"] = a.app_dir
            result["loadavg"] = open("/proc/loadavg").read().split()[:3]
        finally:
            if proc is not None:
                os.killpg(proc.pid, 15)
                proc.wait(30)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
