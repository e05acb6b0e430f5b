"""Golden pages: the Markdown of every page kind, compared exactly with reviewed files.

When a change to a renderer is intended, regenerate with `UPDATE_GOLDEN=1 make test` and review
the diff of tests/golden/ like code.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from macros.pipeline import run

from .conftest import FIXTURES, TODAY

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = ["minimum", "hostile"]


@pytest.mark.parametrize("case", CASES)
def test_rendered_pages_match_golden(case: str, tmp_path: Path):
    # A copy outside git: the pages would otherwise show this repository's latest commit.
    shutil.copytree(FIXTURES / "valid" / case, tmp_path / "plans")
    site = run(tmp_path / "plans", TODAY)
    assert site.ok, site.diagnostics
    folder = GOLDEN / case
    if os.environ.get("UPDATE_GOLDEN"):
        for old in folder.rglob("*.md"):
            old.unlink()
        for src, text in site.pages.items():
            (folder / src).parent.mkdir(parents=True, exist_ok=True)
            (folder / src).write_text(text, encoding="utf-8")
    expected = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
                for p in folder.rglob("*.md")}
    assert sorted(site.pages) == sorted(expected), "the set of pages changed"
    for src, text in site.pages.items():
        assert text == expected[src], f"{case}/{src} differs from its golden file"
