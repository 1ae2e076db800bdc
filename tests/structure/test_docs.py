"""The README a newcomer reads in ten minutes: at most 12,000 bytes, the two commands, links that stay
inside the repository; the docs speak of the project, not of rounds of work."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_is_short_and_has_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 12_000
    assert "streamlit run app.py" in text and "bash scripts/test.sh" in text


def test_every_link_in_the_readme_and_docs_stays_in_the_repository_and_exists():
    for f in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = f.read_text(encoding="utf-8")
        assert "../shared" not in text, f.name
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", text):
            if re.match(r"[a-z]+:", target):
                continue                                   # a web address
            assert (f.parent / target).resolve().is_relative_to(ROOT), (f.name, target)
            assert (f.parent / target).exists(), (f.name, target)


def test_the_docs_speak_of_the_project_not_of_rounds_of_work():
    for f in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"\bthis round\b|\bprevious rounds?\b|\bissue \d+\b", text, re.I), f.name
