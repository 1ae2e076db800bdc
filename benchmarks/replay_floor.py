"""A page's replay floor: Streamlit sending exactly the elements a page of the app sent, computing nothing.

    # 1. capture what each page sends on a lever move (a running app on this machine)
    python benchmarks/replay_floor.py capture --url http://127.0.0.1:8579 --out /tmp/replay --pages all
    # 2. the same load on the app's page and on its replay, side by side
    python benchmarks/replay_floor.py compare --dir /tmp/replay --pages tong-quan,muc-can-dat --json out.json

``capture`` opens each page as scripts/load_test.py's websocket client does, moves every headline lever
once (so the page is in its steady state: the first move away from the defaults may draw more, e.g. the
scenario's changed values on Kịch bản),
then moves one more and keeps every delta message the server sent during that rerun (the element
protobufs, byte for byte, in the order sent) in ``<slug>.pb``.

Served with ``streamlit run benchmarks/replay_floor.py`` and ``GIAMNGHEO_REPLAY=<dir>/<slug>.pb``, this
script enqueues those messages again on every run (new hashes computed, as for any element): the same
elements, the same bytes, the same number of websocket messages as the page, from data ready in memory.
The page's widgets are real widgets (sliders, number and text boxes, radios, select boxes, multiselects,
checkboxes and toggles, buttons, download buttons, file uploaders, expanders that track whether they are open:
the same labels, options, defaults, keys, help and link binding, registered and kept in session state as the
page's are, a download button's file made only when clicked as the page's are), in the bottom container (what
the page drew in such an expander goes into the real one); every other element (markdown, charts with their data, tables, blocks) and the widgets the
replay cannot rebuild (those inside a form, the data editor) is the captured protobuf. What it does not do is the
page's work: no core, no goal seeks, no chart or text building, no fragments (a move reruns it all). So a page's cost over its
replay floor is the app's own Python on that rerun (the core and the UI code), and nothing of Streamlit's
serialisation and sending. (The older floor page, benchmarks/floor_page.py, is one generic page for all:
39 sliders, 14 charts and a table, whatever the page draws.)

``compare`` starts the app and each page's replay floor (one process each), runs scripts/load_test.py against
each with the same sessions and moves, and prints the server's CPU per move and the rerun times, page and
floor side by side. On a shared machine the milliseconds follow what else runs: ``--together`` runs the page
and its floor at the same time (each meets the same contention), ``--rounds N`` repeats the pair and gives
the median ratio.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _serve() -> None:
    """The replay itself (run by Streamlit)."""
    import streamlit as st
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    @st.cache_resource
    def load(path: str) -> list[bytes]:
        raw = Path(path).read_bytes()
        out, i = [], 0
        while i < len(raw):
            n = int.from_bytes(raw[i:i + 4], "little")
            out.append(raw[i + 4:i + 4 + n])
            i += 4 + n
        return out


    def key_of(wid: str) -> str | None:
        # a widget's user key, the end of its id ("None" for a widget drawn without a key: none)
        key = wid.split("-", 2)[2] if wid.startswith("$$ID-") and wid.count("-") >= 2 else None
        return None if key == "None" else key

    ctx = get_script_run_ctx()
    seen: set[str] = set()
    moved: dict[tuple, list] = {}      # a captured block's place -> the place of the real one that stands for it
    for b in load(os.environ["GIAMNGHEO_REPLAY"]):
        msg = ForwardMsg()
        msg.ParseFromString(b)
        kind = msg.delta.WhichOneof("type")
        el = msg.delta.new_element if kind == "new_element" else None
        what = el.WhichOneof("type") if el is not None else None
        path = tuple(msg.metadata.delta_path)
        # the page's widgets are real widgets (registered, their state kept, their protobuf built by Streamlit
        # from the captured label, options, default, help, type and link binding), drawn in the bottom container
        # so that their places never collide with the replayed elements'; every other element is sent as
        # captured. Left as captured: a widget inside a form (a form's widgets need their form) and the data
        # editor (its data and columns are not in a form the replay can rebuild).
        if what is not None and _real(st, what, getattr(el, what), key_of, len(seen), seen):
            continue
        if kind == "add_block" and msg.delta.add_block.WhichOneof("type") == "expandable" \
                and msg.delta.add_block.expandable.id and key_of(msg.delta.add_block.expandable.id):
            # an expander that tracks whether it is open (a widget: the sidebar's lever groups): a real one,
            # and what the page drew in it goes into it
            x = msg.delta.add_block.expandable
            with st.bottom:
                real = st.expander(x.label, expanded=x.expanded, icon=x.icon or None, key=key_of(x.id),
                                   on_change="rerun")
            moved[path] = list(real._cursor.delta_path)
            continue
        for n in range(len(path) - 1, 0, -1):
            if path[:n] in moved:
                msg.metadata.ClearField("delta_path")
                msg.metadata.delta_path.extend(moved[path[:n]] + list(path[n:]))
                break
        msg.ClearField("hash")                 # hashed again, as every element is
        msg.delta.ClearField("fragment_id")    # the replay has no fragments: every move reruns it all
        ctx.enqueue(msg)


_KINDS = frozenset({"slider", "text_input", "text_area", "radio", "selectbox", "multiselect", "button",
                    "download_button", "file_uploader", "checkbox"})
_VISIBILITY = {0: "visible", 1: "hidden", 2: "collapsed"}


def _real(st, what: str, w, key_of, n: int, seen: set) -> bool:
    """Draw the captured widget ``w`` (an element of kind ``what``) as a real Streamlit widget, in the bottom
    container; False (send it as captured) for a kind this cannot rebuild or a widget inside a form."""
    if what not in _KINDS:
        return False
    wid = w.id
    if not wid or w.form_id:
        return False
    key = key_of(wid) or f"replay-floor-{n}"
    if key in seen:
        return False
    common = {"key": key, "help": w.help or None}
    fields = w.DESCRIPTOR.fields_by_name
    vis = {"label_visibility": _VISIBILITY.get(w.label_visibility.value, "visible")} \
        if fields.get("label_visibility") else {}
    if fields.get("query_param_key") and w.query_param_key:
        vis["bind"] = "query-params"           # the page's value in the link, as the page binds it
    with st.bottom:
        if what == "slider":
            from streamlit.proto.Slider_pb2 import Slider
            kind = int if w.data_type == Slider.INT else float
            st.slider(w.label, min_value=kind(w.min), max_value=kind(w.max), value=kind(w.default[0]),
                      step=kind(w.step), format=w.format or None, **common, **vis)
        elif what == "text_input":
            st.text_input(w.label, value=w.default, max_chars=w.max_chars or None, **common, **vis)
        elif what == "text_area":
            st.text_area(w.label, value=w.default, max_chars=w.max_chars or None, **common, **vis)
        elif what == "radio":
            st.radio(w.label, list(w.options), index=w.default if w.HasField("default") else None, horizontal=w.horizontal,
                     captions=list(w.captions) or None, **common, **vis)
        elif what == "selectbox":
            st.selectbox(w.label, list(w.options), index=w.default if w.HasField("default") else None,
                         placeholder=w.placeholder or None, **common, **vis)
        elif what == "multiselect":
            opts = list(w.options)
            st.multiselect(w.label, opts, default=[opts[i] for i in w.default], placeholder=w.placeholder or None,
                           max_selections=w.max_selections or None, **common, **vis)
        elif what == "button":
            st.button(w.label, type=w.type or "secondary", icon=w.icon or None, **common)
        elif what == "download_button":
            # the page's files are made when clicked (a callable, as the page's are); the name does not matter
            st.download_button(w.label, data=lambda: b"", file_name="replay.bin", type=w.type or "secondary",
                               icon=w.icon or None, on_click="ignore" if w.ignore_rerun else "rerun", **common)
        elif what == "file_uploader":
            st.file_uploader(w.label, type=[x.lstrip(".") for x in w.type] or None,
                             accept_multiple_files=w.multiple_files, **common, **vis)
        elif what == "checkbox":
            from streamlit.proto.Checkbox_pb2 import Checkbox
            (st.toggle if w.type == Checkbox.TOGGLE else st.checkbox)(w.label, value=w.default, **common, **vis)
        else:
            return False
    seen.add(key)
    return True


def _capture(url: str, out: Path, pages: list[str]) -> None:
    import asyncio
    import random
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT))
    import load_test
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    load_test.SLIDERS.update(load_test.headline_levers())
    out.mkdir(parents=True, exist_ok=True)

    async def one(page: str) -> None:
        res = load_test.Result()
        async with load_test.Session(url, page, "", res, 120) as s:
            await s.rerun()
            rng = random.Random(7)
            for aid in list(s.slider_ids):
                s.move(aid, rng)
                await s.rerun()
            kept: list[bytes] = []
            recv = s.ws.recv

            async def spy():
                raw = await recv()
                fm = ForwardMsg()
                fm.ParseFromString(raw)
                if fm.WhichOneof("type") == "delta":
                    kept.append(raw)
                return raw
            s.ws.recv = spy
            s.move(next(iter(s.slider_ids)), rng)
            await s.rerun()
            s.ws.recv = recv
        slug = page or "tong-quan"
        (out / f"{slug}.pb").write_bytes(b"".join(len(b).to_bytes(4, "little") + b for b in kept))
        print(f"{slug}: {len(kept)} delta messages, {sum(map(len, kept)):,} bytes", file=sys.stderr)

    for p in pages:
        asyncio.run(one(p))


def _compare(a) -> int:
    import json
    import statistics
    import subprocess
    sys.path.insert(0, str(ROOT))
    from giamngheo.ui.pages import discover
    slugs = [s for _, _, s in discover(ROOT / "app_pages")]
    want = slugs if a.pages == "all" else a.pages.split(",")
    common = ["--sessions", str(a.sessions), "--moves", str(a.moves), "--think", str(a.think), "--ramp", "2",
              "--start", "--timeout", "240"]
    keys = ("server_cpu_ms_per_move", "server_cpu_ms_per_run", "rerun_p50_s", "rerun_p95_s", "sessions_ok",
            "app_exceptions", "loadavg_before")
    rows = {}
    for slug in want:
        f = Path(a.dir) / f"{slug}.pb"
        if not f.exists():
            print(f"no capture for {slug}: {f}", file=sys.stderr)
            continue
        rounds = []
        for r in range(a.rounds):
            runs = {}
            # the page and its replay, each its own server under the same load; with --together at the same
            # time (each then meets the same contention on a shared machine), else one after the other
            for i, (label, extra, env) in enumerate((
                    ("page", ["--pages", slug], {}),
                    ("floor", ["--app", "benchmarks/replay_floor.py"], {"GIAMNGHEO_REPLAY": str(f)}))):
                js = Path(a.dir) / f"{slug}-{label}-r{r}.json"
                js.unlink(missing_ok=True)
                cmd = [sys.executable, str(ROOT / "scripts" / "load_test.py"), *common, *extra,
                       "--port", str(a.port + 4 * i), "--json", str(js)]
                proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
                if not a.together:
                    proc.wait(timeout=300)
                runs[label] = (proc, js)
            row = {}
            for label, (proc, js) in runs.items():
                proc.wait(timeout=300)
                d = json.loads(js.read_text(encoding="utf-8")) if js.exists() else {}
                row[label] = {k: d.get(k) for k in keys}
            if row["page"].get("server_cpu_ms_per_move") and row["floor"].get("server_cpu_ms_per_move"):
                row["cpu_ratio_moves"] = round(row["page"]["server_cpu_ms_per_move"]
                                               / row["floor"]["server_cpu_ms_per_move"], 2)
            rounds.append(row)
            print(slug, f"round {r + 1}/{a.rounds}", json.dumps(row, ensure_ascii=False), file=sys.stderr)
        out = {"page": rounds[-1]["page"], "floor": rounds[-1]["floor"]} if len(rounds) == 1 else {"rounds": rounds}
        ratios = [x["cpu_ratio_moves"] for x in rounds if "cpu_ratio_moves" in x]
        if ratios:
            out["cpu_ratio_moves"] = round(statistics.median(ratios), 2)
            out["page_cpu_ms_per_move_median"] = statistics.median(x["page"]["server_cpu_ms_per_move"] for x in rounds
                                                                   if "cpu_ratio_moves" in x)
            out["floor_cpu_ms_per_move_median"] = statistics.median(x["floor"]["server_cpu_ms_per_move"] for x in rounds
                                                                    if "cpu_ratio_moves" in x)
        out["together"] = bool(a.together)
        rows[slug] = out
        print(slug, json.dumps({k: v for k, v in out.items() if k != "rounds"}, ensure_ascii=False), file=sys.stderr)
    text = json.dumps(rows, ensure_ascii=False, indent=1)
    if a.json:
        Path(a.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


def main() -> int:
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--url", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--pages", default="all", help="'all' or slugs separated by commas")
    m = sub.add_parser("compare")
    m.add_argument("--dir", required=True)
    m.add_argument("--pages", default="all")
    m.add_argument("--sessions", type=int, default=10)
    m.add_argument("--moves", type=int, default=10)
    m.add_argument("--think", type=float, default=1.0)
    m.add_argument("--port", type=int, default=8577)
    m.add_argument("--rounds", type=int, default=1, help="page and floor this many times; the median ratio")
    m.add_argument("--together", action="store_true",
                   help="run the page and its floor at the same time (ports --port and --port+4): the same contention")
    m.add_argument("--json")
    a = ap.parse_args()
    if a.cmd == "capture":
        sys.path.insert(0, str(ROOT))
        from giamngheo.ui.pages import discover
        slugs = [s for _, _, s in discover(ROOT / "app_pages")]
        pages = slugs if a.pages == "all" else a.pages.split(",")
        _capture(a.url.rstrip("/"), Path(a.out), ["" if p == slugs[0] else p for p in pages])
        return 0
    return _compare(a)


if __name__ == "__main__":
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        served = get_script_run_ctx(suppress_warning=True) is not None
    except ImportError:
        served = False
    if served:
        _serve()
    else:
        raise SystemExit(main())
