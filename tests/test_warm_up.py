"""scripts/warm_up.py: a fresh app process runs its overview once, so that the first person does not wait for it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import load_test  # noqa: E402, I001


def _warm(url: str, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "warm_up.py"), "--url", url, *extra],
                          capture_output=True, text=True, timeout=timeout + 30)


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    proc, base = load_test.start_server(tmp_path_factory.mktemp("warm"))
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(15)


def test_it_runs_the_overview_of_a_fresh_process_to_its_end(fresh_server):
    r = _warm(fresh_server)
    assert r.returncode == 0, r.stderr
    # the overview's run: its elements came (the headline, the chart, the levers: dozens of messages)
    n = int(r.stderr.split(" messages")[0].rsplit(", ", 1)[1])
    assert n > 40, r.stderr
    # a second session finds the process warm: its first run is not slower than the warm-up's
    t_first = float(r.stderr.split("first run ")[1].split(" s")[0])
    r2 = _warm(fresh_server)
    assert r2.returncode == 0
    assert float(r2.stderr.split("first run ")[1].split(" s")[0]) <= t_first


def test_a_server_that_does_not_answer_is_reported_not_waited_for_forever():
    port = load_test.free_port()
    r = _warm(f"http://127.0.0.1:{port}", "--timeout", "2", timeout=2)
    assert r.returncode == 1 and "not done" in r.stderr and "health" in r.stderr


def test_only_this_machine():
    r = _warm("http://example.org:8501", timeout=5)
    assert r.returncode == 2 and "localhost only" in r.stderr
