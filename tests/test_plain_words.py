"""Plain words on staff pages (issue 21, item 8): no YAML key, file path, seed number, rule id,
comparison operator or bare ISO date in the text the tool writes there. Plan text is shown as
written, so it is exempt (tests/plain_words.py tells the two apart)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import FIXTURES, make_project, mkdocs_build
from .plain_words import findings, page_text

STRANGER = FIXTURES / "stranger-2" / "plans"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def stranger_site(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("stranger")
    done = mkdocs_build(make_project(STRANGER, where), where / "site", dt.date(2026, 12, 5))
    assert done.returncode == 0, done.stderr
    return where / "site"


def test_example_staff_pages_are_in_plain_words(example_site: Path):
    assert findings(example_site, ROOT / "plans") == []


def test_stranger_staff_pages_are_in_plain_words(stranger_site: Path):
    assert findings(stranger_site, STRANGER) == []


def test_the_scan_finds_the_tool_jargon_and_spares_plan_text(tmp_path: Path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "p.yaml").write_text("target: '<= 30% (seed 000)'\nnote: set `value` here\n",
                                  encoding="utf-8")
    site = tmp_path / "site"
    (site / "teams").mkdir(parents=True)
    (site / "reference").mkdir()
    (site / "teams" / "index.html").write_text(
        "<p>Target &lt;= <em>30%</em> (seed 000), set <code>value</code> here.</p>"  # plan text
        "<p>Due 2026-11-24, see plans/a.yaml; add <code>pause.authority</code>; "
        "pause_value &gt;= 3 [stage-access]</p><script>var a = 1 < 2;</script>",
        encoding="utf-8")
    (site / "reference" / "index.html").write_text("<p>target_value &lt;= 2026-11-24</p>",
                                                   encoding="utf-8")
    found = [line.split(" in ")[0] for line in findings(site, plans)]
    assert found == ["teams/index.html: '`pause.authority`'", "teams/index.html: '2026-11-24'",
                     "teams/index.html: 'plans/'", "teams/index.html: '.yaml'",
                     "teams/index.html: 'pause_value'", "teams/index.html: '>='",
                     "teams/index.html: 'stage-access'"]
    assert "var a" not in page_text("<script>var a = 1 < 2;</script>")[0]
