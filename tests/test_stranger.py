"""A stranger's organisation (tests/fixtures/stranger-2: a district council's planning service,
written from the format reference alone) and the sentences its first build got wrong
(FINDINGS.md there). Each test reads the page a member of staff would read."""
from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from macros.model.build import build_handbook
from macros.publishing.pipeline import run
from macros.render.charts import adoption_chart
from macros.core.validate import check

from .conftest import FIXTURES

DAY = dt.date(2026, 12, 5)  # the day the stranger read the site


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    site = run(FIXTURES / "stranger-2" / "plans", DAY)
    assert site.ok, [d.message for d in site.diagnostics if d.is_error]
    return site.pages


def line(page: str, pattern: str) -> str:
    return next(x for x in page.splitlines() if re.search(pattern, x))


def test_whole_teams_are_never_a_count_of_zero(pages):  # finding 1
    said = line(pages["plans/consultation-summaries/stages/all-officers.md"],
                "Who has access during this stage")
    assert "0 of the team" not in said and "people across" not in said
    assert "[Development Management]" in said and "[Planning Policy]" in said


def test_a_paused_use_reads_on_uses_as_its_banner_does(pages):  # findings 2, 5
    row = line(pages["uses.md"], "inspection-notes--draft-record")
    assert "Paused since Fri 27 Nov 2026: only on the conditions" in row and "| No |" not in row
    assert "| Status | **Paused since Fri 27 Nov 2026** |" in pages["plans/inspection-notes/index.md"]


def test_every_pause_is_on_the_evidence_page_and_its_people_on_contacts(pages):  # 4, 22
    """Every recorded pause is listed on the plan's evidence page; one in force is also the
    banner of the plan page itself."""
    page = pages["plans/consultation-summaries/evidence.md"]
    pauses = page.split("{#pauses}", 1)[1]
    assert "| Mon 14 Sep 2026 | [Callum Reid]" in pauses
    assert "Mon 28 Sep 2026, by [Callum Reid]" in pauses
    assert "Return to manual work; Remove sensitive data access" in pauses
    assert "**in force**" in pages["plans/inspection-notes/evidence.md"].split("{#pauses}")[1]
    assert '!!! danger "Paused"' in pages["plans/inspection-notes/index.md"]
    contacts = pages["contacts.md"]
    assert "Paused the rollout" in contacts and "Lifted a pause" in contacts


def test_uses_says_who_among_a_team_may(pages):  # finding 6
    row = line(pages["uses.md"], "policy-briefings--outline-briefing")
    assert "(3 of the team&#39;s 9)" in row or "(3 of the team's 9)" in row
    assert "only those given access" in row


def test_an_extended_stage_past_its_end_says_the_decision_is_due(pages):  # finding 8
    said = line(pages["plans/policy-briefings/evidence.md"], r"^\| Current stage")
    assert "extended since Mon 26 Oct 2026" in said and "the gate's decision is due" in said


def test_stages_without_headcount_add_whole_teams(pages):  # findings 10, 11
    page = pages["plans/policy-briefings/stages/whole-policy-team.md"]
    assert "| People added at this stage | the whole [Planning Policy]" in page
    assert "People added at this stage" in pages["reference.md"] or \
        "People added at this stage" in pages["reference.md"].replace("&#32;", " ")


def test_a_team_page_says_a_rollout_stops_short(pages):  # finding 12
    assert "This rollout deliberately stops at 60 %" in pages["teams/building-control.md"]


def test_a_team_whose_access_ended_is_not_sent_to_training(pages):  # finding 13
    page = pages["teams/validation.md"]
    block = page.split("{#training}", 1)[1].split("\n## ", 1)[0]
    assert "No longer needed" in block and "](../training/" not in block


def test_a_count_across_teams_links_each_team(pages):  # finding 14
    said = line(pages["plans/consultation-summaries/stages/case-officers.md"], "People added")
    assert "[Validation and Registration](" in said


def test_readiness_does_not_invent_why_a_plan_was_paused(pages):  # finding 16
    page = pages["plans/inspection-notes/readiness.md"]
    assert "paused since a pause value" not in page
    assert "paused since 2026-11-27; a pause value is reached" in page


def test_a_unit_is_never_inflected(pages):  # finding 17
    assert "1 questions" not in pages["plans/inspection-notes/index.md"]


def test_running_text_quotes_a_stage_name(pages):  # findings 20, 21
    page = pages["plans/policy-briefings/index.md"]
    assert "starts when the gate of Three" not in page
    assert "once the gate of stage 1, “Three policy officers try it”, decides" in page
    comms = pages["plans/consultation-summaries/evidence.md"]
    assert "(before [" not in comms and "— before [" in comms


def test_an_adoption_chart_labels_each_line_as_what_it_is(pages):
    """The stage target is a share of the people with access; the metric is whatever the plan
    measures: neither is called the other."""
    page = pages["plans/consultation-summaries/evidence.md"]
    chart = page.split('id="chart-adoption', 1)[1].split("</svg>", 1)[0]
    chart = " ".join(re.findall(r">([^<]*)</text>", chart))  # a long label wraps over lines
    assert "Share of officers with a licence who used it this month" in chart
    assert "Stage adoption target (% of people with access)" in chart
    assert "Measured use" not in chart and "% of users with access" not in chart


def test_no_adoption_chart_for_a_metric_not_in_percent():
    checked = check([FIXTURES / "stranger-2" / "plans"], today=DAY)
    plans = [(copy.deepcopy(d.data), d.file) for d in checked.plans]
    for data, _file in plans:
        for metric in data.get("monitoring", []):
            if metric["area"] == "adoption":
                metric["unit"] = "sessions"
    rows = {plan_id: m.rows for plan_id, m in checked.measurements.items()}
    handbook = build_handbook(checked.org.data, plans, DAY, rows)
    assert adoption_chart(handbook.plans["consultation-summaries"]) == ""


def test_a_use_whose_team_has_left_is_allowed_to_nobody(pages):  # finding 7
    overview = pages["plans/consultation-summaries/index.md"]
    now = overview.split("{#now}", 1)[1].split("\n## ", 1)[0]
    allowed, others = now.split("**The plan's other uses:**")
    assert "Validation officers only" not in allowed
    assert "No: it is for [Validation and Registration]" in line(others, "check-validation-list")
    row = line(pages["uses.md"], "consultation-summaries--check-validation-list")
    assert "No: it is for [Validation and Registration]" in row and "no access today" in row
