"""Plain words on staff pages (issue 21, item 8): no YAML key, file path, seed number, rule id,
comparison operator or bare ISO date in the text the tool writes there. Plan text is shown as
written, so it is exempt (tests/plain_words.py tells the two apart)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from macros.core.dates import day_near, day_words, days_away
from macros.publishing.pipeline import run
from macros.render.sentences import bound, pause_bound

from .conftest import FIXTURES, TODAY, make_project, mkdocs_build
from .plain_words import EDITORS, findings, page_text

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
    (plans / "p.yaml").write_text("target: '<= 30% (seed 000)'\nnote: set `value` here\n"
                                  "stages: [{id: first-wave}]\n", encoding="utf-8")
    site = tmp_path / "site"
    (site / "teams").mkdir(parents=True)
    (site / "reference").mkdir()
    (site / "teams" / "index.html").write_text(
        "<p>Target &lt;= <em>30%</em> (seed 000), set <code>value</code> here.</p>"  # plan text
        "<p>Due 2026-11-24, see plans/a.yaml; add <code>pause.authority</code>; "
        "pause_value &gt;= 3 [stage-access] (first-wave)</p><script>var a = 1 < 2;</script>",
        encoding="utf-8")
    (site / "reference" / "index.html").write_text("<p>target_value &lt;= 2026-11-24</p>",
                                                   encoding="utf-8")
    found = [line.split(" in ")[0] for line in findings(site, plans)]
    assert found == ["teams/index.html: '`pause.authority`'", "teams/index.html: '2026-11-24'",
                     "teams/index.html: 'plans/'", "teams/index.html: '.yaml'",
                     "teams/index.html: 'pause_value'", "teams/index.html: '>='",
                     "teams/index.html: 'stage-access'", "teams/index.html: 'first-wave'"]
    assert "var a" not in page_text("<script>var a = 1 < 2;</script>")[0]


def test_a_bound_is_said_in_its_metrics_direction_with_its_unit():
    assert bound(30, "lower", "%") == "at most 30 %"
    assert bound(4.2, "higher", "out of 5") == "at least 4.2 out of 5"
    assert bound(0, "lower", "incidents") == "0 incidents"
    assert bound(30, None, "%") is None and bound(None, "lower", "%") is None
    assert pause_bound(50, "lower", "%") == "50 % or more"
    assert pause_bound(85, "higher", "%") == "85 % or less"


@pytest.fixture(scope="module")
def example_pages() -> dict[str, str]:
    site = run(ROOT / "plans", TODAY)
    assert site.ok, site.diagnostics
    return site.pages


def test_targets_and_gate_thresholds_show_the_numbers_not_the_free_text(example_pages):
    plan = example_pages["plans/support-replies/evidence.md"]  # the monitoring table
    row = next(line for line in plan.splitlines() if 'id="metric-edit-rate"' in line)
    # The plan writes target "<= 30%" and pause threshold "> 50% for 2 weeks" in free text
    # beside target_value 30, pause_value 50, better: lower, unit: %.
    assert "| at most 30 % | 50 % or more |" in row and "&#60;" not in row
    assert "| at most 3 requests | 8 requests or more |" in plan
    stage = example_pages["plans/support-replies/stages/wave-3.md"]
    assert "| at most 30 % | **Blocking** |" in stage
    assert "| at least 40 % | Advisory |" in stage and "&#62;&#61;" not in stage


def test_no_staff_page_of_the_examples_names_a_seed_even_in_plan_text(example_site: Path):
    # The example plans are what a new organisation copies: their text names no seed either.
    for path in example_site.rglob("*.html"):
        page = path.relative_to(example_site).as_posix()
        if not EDITORS.search(page):
            assert not re.search(r"\bseeds? \d{3}", page_text(path.read_text("utf-8"))[0],
                                 re.I), page


def test_days_read_as_words_and_near_ones_as_a_distance():
    today = dt.date(2026, 11, 24)
    assert day_words(dt.date(2027, 1, 12)) == "Tue 12 Jan 2027"
    assert [days_away(today + dt.timedelta(days=n), today) for n in (0, 1, -1, 3, -2)] == [
        "today", "tomorrow", "yesterday", "in 3 days", "2 days ago"]
    assert day_near(dt.date(2026, 12, 7), today) == "Mon 7 Dec 2026 (in 13 days)"
    assert day_near(dt.date(2026, 12, 8), today) == "Tue 8 Dec 2026"  # two weeks: the day will do


def test_the_next_stage_says_how_soon_it_starts(example_pages):
    team = example_pages["teams/support.md"]
    assert "planned from Mon 7 Dec 2026 (in 13 days)" in team
    assert "2026-12-07" not in team


def test_people_added_at_a_stage_say_that_they_join(example_pages):
    # Wave 3 adds 10 of Customer Support's 40 people, giving access to 50 % in all.
    row = next(line for line in example_pages["plans/support-replies/index.md"].splitlines()
               if line.startswith("| 3. [Wave 3"))
    assert "| 10 join (the team has 40) | 50 % |" in row
    stage = example_pages["plans/support-replies/stages/wave-3.md"]
    assert "| People added at this stage | 10 join (the team has 40) |" in stage
    assert "(20 of the team's 40)" in stage  # who has access: everyone so far


def test_the_print_view_shows_gate_and_pause_numbers_with_their_units(example_pages):
    page = example_pages["plans/support-replies/print.md"]
    assert "Is quality holding at scale? — at most 30 % **(blocking)**" in page
    assert "- Help requests above their pause threshold (8 requests or more)" in page


def test_a_chart_describes_its_target_and_pause_in_the_metrics_direction(example_pages):
    page = example_pages["plans/support-replies/evidence.md"]
    assert "target at most 30 %; pause at 50 % or more." in page
