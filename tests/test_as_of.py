"""Every page says what day it describes, and ages honestly (issue 21, item 4): the As-of line,
stale readings (two cadence periods, or `_org.yaml` `stale_after_days`) and
`pause_after_readings`."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml

from macros.model.readiness import readiness
from macros.render import all_pages
from macros.model.staleness import CADENCE_DAYS
from macros.core.schemas import schemas
from macros.core.validate import check

from .conftest import FIXTURES, TODAY, changed_handbook

STATES = FIXTURES / "states"
PLAN, STAGE = "plans/data-met/index.md", "plans/data-met/stages/pilot.md"
EVIDENCE = "plans/data-met/evidence.md"  # the monitoring table: the latest readings
# data-met's weekly metrics were last read on Mon 23 Nov 2026: stale after 14 days.
LATER = dt.date(2026, 12, 10)


def _handbook(today: dt.date = TODAY, org_changed=None, plan_changed=None, rows=None):
    return changed_handbook("data-met", plan_changed=plan_changed, org_changed=org_changed,
                            rows=rows, day=today)


def _monitoring(hb) -> dict:
    return {v.source: v for v in readiness(hb.plans["data-met"], hb) if v.area == "Monitoring"}


# --- the As-of line ----------------------------------------------------------------------------


def test_every_generated_page_says_the_day_it_describes_under_its_title():
    pages = all_pages(_handbook())
    assert len(pages) > 10
    for src, text in pages.items():
        assert re.search(r"\n# [^\n]+\n\nAs of Tue 24 Nov 2026\.\n", text), src
    later = all_pages(_handbook(dt.date(2027, 1, 12)))["teams/shop.md"]
    assert "\n\nAs of Tue 12 Jan 2027.\n" in later


# --- stale evidence ----------------------------------------------------------------------------


def test_the_cadence_days_cover_exactly_the_cadences_the_schema_allows():
    assert set(CADENCE_DAYS) == set(schemas().parts["monitor"]["cadence"]["allowed"])


def test_readings_within_two_cadence_periods_read_as_current():
    day = dt.date(2026, 12, 7)  # 14 days after the last weekly reading: not older than two weeks
    hb = _handbook(day)
    page = all_pages(hb)[EVIDENCE]
    assert "28 % on Mon 23 Nov 2026 |" in page and "stale" not in page
    assert not hb.plans["data-met"].stale("edits")
    assert _monitoring(hb)["Rollout checklist"].state == "ready"


def test_a_reading_older_than_two_cadence_periods_reads_stale_on_the_plan_page():
    hb = _handbook(LATER)
    pages = all_pages(hb)
    assert hb.plans["data-met"].stale("edits")
    assert "28 % on Mon 23 Nov 2026 — stale (no reading since Mon 23 Nov 2026)" in pages[EVIDENCE]
    # The pilot's gate is open: its measured criteria count as no current data, not as met.
    assert "No current data: stale (no reading since Mon 23 Nov 2026)" in pages[STAGE]
    assert "Criteria so far: 2 with no current data (stale), 1 judged by the decider." \
        in pages[PLAN]
    assert "No current measurements — nothing can be judged" in pages[PLAN]


def _medium(data):
    """data-met at medium tier, where monitoring evidence is expected: every area watched."""
    data["risk_tier"] = "medium"
    data["monitoring"] += [{"id": area, "area": area, "metric": f"Some {area}",
                            "cadence": "monthly", "owner": "ana-silva"}
                           for area in ("cost", "risk", "adoption", "support")]


def test_a_stale_reading_is_not_ready_enough_in_readiness():
    current = _monitoring(_handbook(plan_changed=_medium))
    assert [v.state for v in current.values()] == ["ready", "ready"]
    hb = _handbook(LATER, plan_changed=_medium)
    for source, verdict in _monitoring(hb).items():
        assert verdict.state == "no_data", (source, verdict)
        assert "measured" not in verdict.reason and "recorded" not in verdict.reason
        assert "Drafts needing heavy edits (last reading Mon 23 Nov 2026)" in verdict.reason
    gates = next(v for v in readiness(hb.plans["data-met"], hb) if v.area == "Gates")
    assert gates.state == "no_data" and "no current reading (stale)" in gates.reason
    page = all_pages(hb)["plans/data-met/readiness.md"]
    assert "stale, no current reading" in page


def test_where_no_measurement_is_required_stale_readings_count_as_none():
    verdict = _monitoring(_handbook(LATER))["Rollout checklist"]  # data-met is low tier
    assert verdict.state == "ready" and "measured" not in verdict.reason
    assert verdict.reason.endswith("(last reading Mon 23 Nov 2026), which is enough at low tier")


def test_a_decided_gate_is_still_judged_on_what_its_decider_saw():
    proceed = {"stage": "pilot", "date": "2026-11-06", "outcome": "proceed", "by": "ana-silva"}
    plan = _handbook(LATER, plan_changed=lambda d: d.__setitem__("decisions", [proceed]),
                     rows=[("2026-11-02", "edits", 40)]).plans["data-met"]
    pilot = plan.stage("pilot")
    criterion = next(c for c in pilot.gate.criteria if c.metric == "edits")
    assert plan.stale("edits") and plan.evidence(criterion, pilot).verdict == "met"


def test_stale_after_days_overrides_the_cadence():
    five_days = dt.date(2026, 11, 28)
    short = _handbook(five_days, org_changed=lambda o: o.__setitem__("stale_after_days", 3))
    assert "— stale (no reading since Mon 23 Nov 2026)" in all_pages(short)[EVIDENCE]
    assert _monitoring(short)["Rollout checklist"].state == "ready"  # low tier: none needed
    short = _handbook(five_days, org_changed=lambda o: o.__setitem__("stale_after_days", 3),
                      plan_changed=_medium)
    assert _monitoring(short)["Rollout checklist"].state == "no_data"
    long = _handbook(LATER, org_changed=lambda o: o.__setitem__("stale_after_days", 30),
                     plan_changed=_medium)
    assert not long.plans["data-met"].stale("edits")
    assert "stale" not in all_pages(long)[PLAN] + all_pages(long)[EVIDENCE]
    assert _monitoring(long)["Rollout checklist"].reason.endswith(", measured")


def test_the_new_fields_are_valid_and_checked(tmp_path: Path):
    def set_fields(stale_days, readings):
        org, plan = _copy(tmp_path)
        data = yaml.safe_load(org.read_text())
        data["stale_after_days"] = stale_days
        org.write_text(yaml.safe_dump(data, sort_keys=False))
        data = yaml.safe_load(plan.read_text())
        data["monitoring"][0]["pause_after_readings"] = readings
        plan.write_text(yaml.safe_dump(data, sort_keys=False))
        return check([tmp_path / "plans"], today=TODAY).diagnostics

    assert not [d for d in set_fields(30, 2) if d.severity == "error"]
    wrong = {(Path(d.file).name, d.rule) for d in set_fields(0, 0) if d.severity == "error"}
    assert {n for n, _rule in wrong} == {"_org.yaml", "data-met.yaml"}, wrong


# --- pause_after_readings ----------------------------------------------------------------------


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "plans"
    if not folder.exists():
        shutil.copytree(STATES, folder)
    return folder / "_org.yaml", folder / "data-met.yaml"


def _pause_checked(tmp_path: Path, edits: list[float], readings: int | None):
    """data-met with weekly `edits` readings (pause value 70, lower is better): the check's
    pause-triggered warnings and the plan page."""
    _org, plan = _copy(tmp_path)
    data = yaml.safe_load(plan.read_text())
    if readings is not None:
        data["monitoring"][0]["pause_after_readings"] = readings
    plan.write_text(yaml.safe_dump(data, sort_keys=False))
    days = [dt.date(2026, 11, 23) - dt.timedelta(weeks=n) for n in range(len(edits))][::-1]
    rows = [(d.isoformat(), "edits", v) for d, v in zip(days, edits)]
    plan.with_name("data-met.measurements.csv").write_text(
        "date,metric,value\n" + "".join(f"{d},{m},{v:g}\n" for d, m, v in rows))
    warned = [d for d in check([plan.parent], today=TODAY).diagnostics
              if d.rule == "pause-triggered"]
    hb = _handbook(plan_changed=lambda d: d["monitoring"][0].update(
        {} if readings is None else {"pause_after_readings": readings}), rows=rows)
    return warned, hb.plans["data-met"], all_pages(hb)[PLAN]


def test_one_reading_past_the_pause_value_does_not_pause_when_two_are_needed(tmp_path: Path):
    warned, plan, page = _pause_checked(tmp_path, [30, 80], readings=2)
    assert warned == [] and plan.breaches == ()
    assert "Pause threshold crossed" not in page


def test_two_readings_in_a_row_past_the_pause_value_pause(tmp_path: Path):
    warned, plan, page = _pause_checked(tmp_path, [30, 75, 80], readings=2)
    assert len(warned) == 1 and "since 2026-11-16" in warned[0].message
    assert [b.since.date for b in plan.breaches] == [dt.date(2026, 11, 16)]
    assert "Pause threshold crossed" in page


def test_two_readings_past_it_but_not_in_a_row_do_not_pause(tmp_path: Path):
    warned, plan, _page = _pause_checked(tmp_path, [75, 30, 80], readings=2)
    assert warned == [] and plan.breaches == ()


def test_without_pause_after_readings_one_reading_pauses_as_before(tmp_path: Path):
    warned, plan, page = _pause_checked(tmp_path, [30, 80], readings=None)
    assert len(warned) == 1 and len(plan.breaches) == 1
    assert "Pause threshold crossed" in page


def test_needing_more_readings_to_pause_is_a_loosening_that_needs_approval():
    from .test_diff import changed, metric

    def readings(n):
        return lambda plan: metric(plan, "edit-rate").update(pause_after_readings=n)
    [added] = changed("support-replies", readings(2))
    assert added["needs_approval"] is True
    assert added["reason"] == "readings in a row needed to pause raised from 1 to 2"
    [fewer] = changed("support-replies", readings(1), before=readings(3))
    assert fewer["needs_approval"] is False and fewer["judgement"] == "tightens"


def test_pause_after_readings_needs_a_pause_value(tmp_path: Path):
    _org, plan = _copy(tmp_path)
    data = yaml.safe_load(plan.read_text())
    data["monitoring"][1]["pause_after_readings"] = 2  # time-saved has no pause_value
    plan.write_text(yaml.safe_dump(data, sort_keys=False))
    [found] = [d for d in check([plan.parent], today=TODAY).diagnostics
               if d.rule == "monitor-values"]
    assert found.severity == "error" and "pause_after_readings" in found.message
    assert found.hint and found.line > 1 and found.column > 1


def test_a_stale_reading_past_the_pause_value_asks_for_data_not_a_decision():
    """A reading past the pause value raises the red banner while it is current; once older
    than two cadence periods it reads as no current data, and names who must measure again."""
    rows = [("2026-11-16", "edits", 75), ("2026-11-23", "edits", 80)]
    current = all_pages(_handbook(dt.date(2026, 11, 24), rows=rows))[PLAN]
    assert '!!! danger "Pause threshold crossed"' in current
    stale = all_pages(_handbook(LATER, rows=rows))[PLAN]
    assert '!!! danger "Pause threshold crossed"' not in stale
    assert '!!! warning "Last reading past the pause threshold — no current data"' in stale
    assert "must measure it again" in stale and "[Ana Silva]" in stale
