"""The origins allowed to send the app host messages (``client.allowedOrigins``, .streamlit/config.toml).

The browser checks every message the page posts to itself (seven a lever move when the app is not embedded)
against every allowed pattern, two URL patterns built for each; the app lists the public Community Cloud
hosts only. Every host of Streamlit's default list that is not one of Streamlit's own test or internal
share hosts must still be allowed, so an app deployed on Community Cloud gets the same host messages."""
from __future__ import annotations

import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _allowed() -> list[str]:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["client"]["allowedOrigins"]


def _split(origin: str) -> tuple[str, str]:
    scheme, host = origin.split("://", 1)
    return scheme, host.split("/", 1)[0]


def _covered(origin: str, patterns: list[str]) -> bool:
    """Whether a host ``origin`` stands for (its wildcard: some name) is matched by one of ``patterns``."""
    scheme, host = _split(origin.replace("*", "x"))
    return any(_split(p)[0] == scheme and fnmatchcase(host, _split(p)[1]) for p in patterns)


def test_few_patterns_covering_the_public_hosts():
    from streamlit.config import _DEFAULT_ALLOWED_MESSAGE_ORIGINS as default
    ours = _allowed()
    assert 0 < len(ours) <= 4 < len(default)
    public = [o for o in default if not _split(o)[1].endswith((".test", ".apptest"))
              and not _split(o)[1].startswith("share-")]
    assert public and all(_covered(o, ours) for o in public), [o for o in public if not _covered(o, ours)]
    assert all(_covered(p, default) for p in ours)     # nothing allowed that Streamlit's default does not allow
