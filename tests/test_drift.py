"""Drift made visible (issue 24 item 2): optional monitoring areas for drift, scope drift and
review burden beside the six the tier table requires; a metric's baseline (value and band, or
a period of its own readings) drawn on its chart as a usual range; the evidence page says in
plain words what drift means for staff and who looks at it.

The fixture valid/drift is the minimum plan with a drift metric (a baseline period), a scope
drift metric (a stated value and band) and a review burden metric (no baseline).
"""
from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

import yaml

from macros.core.drift import Band, band
from macros.core.measurements import Measurement
from macros.render import charts
from macros.render.plan import evidence_page
from macros.core.tiers import ACCEPTED_AREAS, MONITORING_AREAS, OPTIONAL_AREAS, TABLE
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, changed_handbook, make_project, mkdocs_build
from .plain_words import findings

DRIFT = FIXTURES / "valid" / "drift"
PLAN = "menu-drafts"
PILOT = [20, 22, 19, 21, 20]  # request-mix, weekly from 7 Sep to 5 Oct: its baseline period


def _handbook(plan_changed=None):
    return changed_handbook(PLAN, plan_changed=plan_changed, folder=DRIFT)


def _reading(day: str, value: float, metric: str = "m") -> Measurement:
    return Measurement(dt.date.fromisoformat(day), metric, value, "", 2)


# --- areas -------------------------------------------------------------------------------------


def test_the_optional_areas_are_accepted_and_the_six_required_stay_six():
    six = ("quality", "value", "cost", "risk", "adoption", "support")
    assert MONITORING_AREAS == six
    assert TABLE["medium"].monitoring_areas == TABLE["high"].monitoring_areas == six
    assert TABLE["low"].monitoring_areas == ("quality", "value")
    assert OPTIONAL_AREAS == ("drift", "scope_drift", "review_burden")
    part = yaml.safe_load((ROOT / "schema" / "parts" / "monitor.yaml").read_text("utf-8"))
    assert part["area"]["allowed"] == list(ACCEPTED_AREAS) == list(six + OPTIONAL_AREAS)


def test_plans_with_only_the_six_areas_gain_no_diagnostic():
    """The high-tier example watches the six areas and no drift: nothing new is asked of it
    (nor of the medium and low examples)."""
    found = check([ROOT / "plans"], today=TODAY)
    tiers = {d.data["id"]: d.data["risk_tier"] for d in found.plans}
    assert tiers["hr-policy-answers"] == "high"
    areas = {m["area"] for d in found.plans for m in d.data["monitoring"]}
    assert areas <= set(MONITORING_AREAS)
    assert found.diagnostics == []


def test_a_plan_with_drift_areas_checks_clean():
    found = check([DRIFT], today=TODAY)
    areas = [m["area"] for d in found.plans for m in d.data["monitoring"]]
    assert set(OPTIONAL_AREAS) <= set(areas)
    assert found.diagnostics == []


# --- the two forms of a baseline ---------------------------------------------------------------


def test_a_stated_baseline_is_its_value_give_or_take_its_band():
    usual = band({"value": 20, "band": 2.5}, [])
    assert usual == Band(20.0, 2.5)
    assert (usual.low, usual.high) == (17.5, 22.5)
    assert not usual.outside(22.5) and usual.outside(22.6) and usual.outside(17.4)


def test_a_period_baseline_is_the_mean_of_its_readings_give_or_take_two_deviations():
    readings = [_reading("2026-09-06", 90)]  # the day before: not in the period
    readings += [_reading(day, v) for day, v in zip(
        ("2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05"), PILOT)]
    readings.append(_reading("2026-10-06", -40))  # the day after
    usual = band({"from": "2026-09-07", "to": "2026-10-05"}, readings)
    assert usual is not None
    assert usual.centre == statistics.fmean(PILOT)  # both end days are in the period
    assert usual.half_width == 2 * statistics.stdev(PILOT)
    assert (usual.start, usual.end, usual.readings) == (dt.date(2026, 9, 7),
                                                        dt.date(2026, 10, 5), 5)


def test_no_band_from_a_broken_baseline():
    one = [_reading("2026-09-10", 20)]
    assert band({"from": "2026-09-07", "to": "2026-10-05"}, one) is None  # one reading
    assert band({"from": "2026-10-05", "to": "2026-09-07"}, one * 3) is None
    assert band({"value": 20, "band": 2, "from": "2026-09-07", "to": "2026-10-05"}, []) is None
    assert band({"value": 20}, []) is None
    assert band(None, one) is None


# --- the chart ---------------------------------------------------------------------------------


def _chart(metric: str, plan_changed=None) -> str:
    plan = _handbook(plan_changed).plans[PLAN]
    return charts.metric_chart.__wrapped__(plan, plan.monitor(metric))


def _y_extent(d: str) -> set[float]:
    return {round(float(y), 3) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", d)}


def test_the_band_is_on_the_chart_with_named_edges_and_ringed_readings():
    svg = _chart("request-mix")
    mean, spread = statistics.fmean(PILOT), 2 * statistics.stdev(PILOT)
    high, low = round(mean + spread, 2), round(mean - spread, 2)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert f"usual high {high:g}" in texts and f"usual low {low:g}" in texts
    assert "Usual range" in texts and "Outside" in texts  # the legend
    # The shaded band inside the plot, its top and bottom exactly the two edge lines.
    shaded = re.findall(r'<path d="([^"]*)"\s+clip-path="[^"]*" style="fill: '
                        + charts.USUAL + '; opacity: 0.15"', svg)
    edges = re.findall(r'<path d="([^"]*)"\s+clip-path="[^"]*" style="fill: none; stroke: '
                       + charts.USUAL, svg)
    assert len(shaded) == 1 and len(edges) == 2
    assert _y_extent(shaded[0]) == _y_extent(edges[0]) | _y_extent(edges[1])
    # A ring round each reading outside the band, and one in the legend.
    outside = [v for v in [20, 22, 19, 21, 20, 23, 21, 24, 26, 31, 34, 35] if v > high]
    assert len(outside) == 6
    rings = re.findall(r'<use [^>]*style="fill-opacity: 0; stroke: ' + charts.OUTSIDE, svg)
    assert len(rings) == len(outside) + 1
    description = re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1)
    assert (f"usual range {low:g} to {high:g} % (the average of the 5 readings from Mon 7 Sep "
            "2026 to Mon 5 Oct 2026, give or take two standard deviations); 6 readings "
            "outside it: the first 23 % on Mon 12 Oct 2026, the latest 35 % on Mon 23 Nov "
            "2026.") in description


def test_a_stated_band_is_drawn_and_described_too():
    svg = _chart("other-texts")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "usual high 4" in texts and "usual low 0" in texts
    assert ("usual range 0 to 4 (usual value 2, 2 either side); 1 reading outside it: 6 on "
            "Fri 20 Nov 2026.") in svg


def test_a_metric_without_a_baseline_has_no_band():
    svg = _chart("review-minutes")
    assert svg and charts.USUAL not in svg and "usual" not in svg.lower()


def test_a_baseline_on_any_metric_is_drawn_without_a_word_of_drift():
    """A baseline is allowed on a metric of any area: its usual range is shown, and the page
    names who looks at a reading outside it, but says nothing about drift."""
    def with_baseline(data):
        data["monitoring"][4]["baseline"] = {"value": 30, "band": 10}  # review-minutes

    svg = _chart("review-minutes", with_baseline)
    assert "usual high 40" in svg and "1 reading outside it: 45 minutes" in svg
    page = evidence_page(*_page(with_baseline))
    block = _block(page, "Minutes the owner spends reviewing drafts each week")
    assert "**Usual range:** 20 to 40 minutes" in block and "looked at by" in block
    assert "drift" not in block.lower()


# --- the evidence page -------------------------------------------------------------------------


def _page(plan_changed=None):
    hb = _handbook(plan_changed)
    return hb, hb.plans[PLAN]


def _block(page: str, heading: str) -> str:
    """A metric's block on the evidence page, its chart and table of readings left out."""
    start = page.index(f"### {heading} ")
    end = page.find("\n#", start + 1)
    block = page[start:end if end > 0 else None]
    return re.sub(r"<div class=\"chart-figure\">.*?</details>", "", block, flags=re.DOTALL)


def test_the_evidence_page_says_what_drift_means_and_who_looks_at_it():
    def owners(data):
        data["governance"] = {"definition_owner": "ben-cho"}
        data["monitoring"][2]["owner"] = "ana-silva"  # request-mix

    block = _block(evidence_page(*_page(owners)), "Share of drafts for catering menus")
    assert "the work has changed" in block
    assert "It is not a verdict that the system is wrong" in block
    assert ("[Ana Silva](../../contacts.md#ana-silva) looks at what changed and says what it "
            "was at the next weekly review; [Ben Cho](../../contacts.md#ben-cho) decides whether "
            "the usual range itself should change.") in block
    assert "**Usual range:** 18.12 to 22.68 %" in block


def test_without_named_owners_the_plan_owner_looks_and_decides():
    def no_owners(data):
        data.pop("governance", None)
        del data["monitoring"][3]["owner"]  # other-texts

    block = _block(evidence_page(*_page(no_owners)),
                   "Drafts for texts other than menus and notices")
    assert _looks_and_decides("ana-silva", "Ana Silva", "monthly") in block
    assert "people bring other kinds of work to the AI than before" in block


def _looks_and_decides(person: str, name: str, cadence: str) -> str:
    return (f"[{name}](../../contacts.md#{person}) looks at what changed, says what it was at "
            f"the next {cadence} review, and decides whether the usual range itself should "
            "change.")


def test_a_drift_metric_without_readings_still_explains_itself():
    hb = changed_handbook(PLAN, folder=DRIFT, rows=[])
    block = _block(evidence_page(hb, hb.plans[PLAN]), "Share of drafts for catering menus")
    assert "**Usual range:** not known yet" in block and "What drift means" in block
    # A metric with neither a usual range nor readings has no block, as before.
    assert "### Minutes the owner spends" not in evidence_page(hb, hb.plans[PLAN])


def test_the_drift_site_is_in_plain_words(tmp_path: Path):
    project = make_project(DRIFT, tmp_path)
    done = mkdocs_build(project, tmp_path / "site", TODAY)
    assert done.returncode == 0, done.stderr
    evidence = (tmp_path / "site" / "plans" / PLAN / "evidence" / "index.html")
    assert "What drift means" in evidence.read_text(encoding="utf-8")
    assert findings(tmp_path / "site", DRIFT) == []


def test_the_monitoring_table_gives_a_drift_metric_its_usual_range_as_its_target():
    """A drift metric has no target: what it should stay in is its usual range, said where
    every other metric's target is (the monitoring table, a card on a phone)."""
    hb, plan = _page()
    page = evidence_page(hb, plan)
    row = next(line for line in page.splitlines() if 'id="metric-other-texts"' in line)
    assert row.split(" | ")[2] == "usual range 0 to 4"
    row = next(line for line in page.splitlines() if 'id="metric-review-minutes"' in line)
    assert "usual range" not in row  # review burden: no baseline, no range
