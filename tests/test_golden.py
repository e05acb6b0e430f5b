"""Golden pages: the Markdown of every page kind, compared exactly with reviewed files.

When a change to a renderer is intended, regenerate with `UPDATE_GOLDEN=1 make test` and review
the diff of tests/golden/ like code.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from macros.publishing.pipeline import run

from .conftest import FIXTURES, TODAY, make_project, mkdocs_build
from .test_page_truth import article

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


# Staff pages that are not the pipeline's alone, as a reader gets them: the home page (a page of
# macros) of the minimum set, and the team that joins later (states fixtures).
STAFF = [("minimum", FIXTURES / "valid" / "minimum", "index.html"),
         ("states", FIXTURES / "states", "teams/kitchen/index.html")]


@pytest.mark.parametrize("case,plans,page", STAFF, ids=[s[2] for s in STAFF])
def test_staff_pages_read_as_their_golden_text(case, plans, page, tmp_path: Path):
    done = mkdocs_build(make_project(plans, tmp_path), tmp_path / "site")
    assert done.returncode == 0, done.stderr
    text = "\n".join(article(tmp_path / "site", page)) + "\n"
    golden = GOLDEN / f"{case}-{page.replace('/', '-').removesuffix('.html')}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
