"""A metric's usual range (macros/drift.py) in words: for its chart's text alternative and for
its block on the evidence page. What drift means is said for staff: the work changed, which is
something to look at, not a verdict that the system is wrong (seed 002)."""
from __future__ import annotations

from collections.abc import Callable

from ..core.dates import day_words
from ..core.drift import Band, band
from ..core.measurements import Measurement
from ..model.parts import Monitor
from ..model.model import Plan
from ..core.tiers import DRIFT_AREAS
from .sentences import amount, capitalised, count

LISTED = 3  # readings outside the usual range named one by one; beyond, the first and latest


def shown(value: float) -> float:
    """A computed edge as a reader takes it: two decimals at most (31.67, not 31.6666667)."""
    return round(value, 2) + 0.0  # + 0.0: never '-0'


def range_words(band: Band, unit: str | None) -> str:
    """'30 to 40 %', and where it comes from: a stated value and band or a period's readings."""
    low, high = amount(shown(band.low), None), amount(shown(band.high), unit)
    if band.start is None or band.end is None:
        return (f"{low} to {high} (usual value {amount(shown(band.centre), unit)}, "
                f"{amount(shown(band.half_width), unit)} either side)")
    return (f"{low} to {high} (the average of the {count(band.readings, 'reading')} from "
            f"{day_words(band.start)} to {day_words(band.end)}, give or take two standard "
            "deviations)")


def outside_words(band: Band, series: list[Measurement], unit: str | None) -> str:
    """Which readings fall outside the usual range, each with its day."""
    outside = [m for m in series if band.outside(m.value)]
    if not outside:
        return "every reading is within it"
    listed = outside if len(outside) <= LISTED else [outside[0], outside[-1]]
    words = [f"{amount(m.value, unit)} on {day_words(m.date)}" for m in listed]
    if len(outside) > LISTED:  # the table of readings beside the chart has every one
        words = [f"the first {words[0]}", f"the latest {words[1]}"]
    return f"{count(len(outside), 'reading')} outside it: " + ", ".join(words)


def drift_note(monitor: Monitor, looker: str, decider: str) -> str:
    """What a reading outside the usual range means for staff, and who looks at it. `looker`
    and `decider` are rendered people (the metric's owner, the owner of the definitions)."""
    what = ("people bring other kinds of work to the AI than before (a task the plan does not "
            "list yet, or a team trying it for something new)" if monitor.area == "scope_drift"
            else "the work has changed (new kinds of requests, a new team, a busier season)")
    review = f"the next {monitor.cadence} review" if monitor.cadence else "the next review"
    who = (f"{looker} looks at what changed, says what it was at {review}, and decides whether "
           "the usual range itself should change." if looker == decider else
           f"{looker} looks at what changed and says what it was at {review}; {decider} decides "
           "whether the usual range itself should change.")
    return ("**What drift means.** A reading outside the usual range is a sign that "
            f"{what}. It is not a verdict that the system is wrong, nor on anyone's work: it "
            "is a question to look into. " + who)


def usual_range_short(plan: Plan, monitor: Monitor) -> str | None:
    """'usual range 22 to 38 %': what a metric with a baseline and no target aims to stay in,
    for the monitoring table; None without a range that can be drawn."""
    found = band(monitor.baseline, plan.series(monitor.id)) if monitor.baseline else None
    if found is None:
        return None
    return (f"usual range {amount(shown(found.low), None)} to "
            f"{amount(shown(found.high), monitor.unit)}")


def has_usual_range(monitor: Monitor) -> bool:
    """Whether the evidence page says something about the metric's usual range."""
    return monitor.area in DRIFT_AREAS or monitor.baseline is not None


def usual_range_block(plan: Plan, monitor: Monitor, person: Callable[[str | None], str]
                      ) -> str:
    """A metric's usual range and the readings outside it; for a drift metric, what drift
    means and who looks at it: the metric's owner, and the owner of the definitions of good
    (the plan's owner where either is not named). `person` renders a person's id."""
    if not has_usual_range(monitor):
        return ""
    series = plan.series(monitor.id)
    usual = band(monitor.baseline, series)
    if usual is None:
        said = ("**Usual range:** not known yet: it is worked out from at least two readings "
                "in the period the plan names.")
    else:
        said = (f"**Usual range:** {range_words(usual, monitor.unit)}. "
                + (capitalised(outside_words(usual, series, monitor.unit)) + ". On the "
                   "chart the usual range is shaded and readings outside it are ringed."
                   if series else "No reading yet."))
    looker = person(monitor.owner or plan.owner)
    if monitor.area not in DRIFT_AREAS:
        return said + f"\n\nA reading outside it is looked at by {looker}."
    decider = person(plan.get("governance", "definition_owner") or plan.owner)
    return said + "\n\n" + drift_note(monitor, looker, decider)
