"""A metric's usual range (macros/drift.py) in words: for its chart's text alternative and for
its block on the evidence page. What drift means is said for staff: the work changed, which is
something to look at, not a verdict that the system is wrong (seed 002)."""
from __future__ import annotations

from ..dates import day_words
from ..drift import Band
from ..measurements import Measurement
from ..tiers import DRIFT_AREAS
from .sentences import amount, count


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
    return (f"{count(len(outside), 'reading')} outside it: "
            + ", ".join(f"{amount(m.value, unit)} on {day_words(m.date)}" for m in outside))


def drift_note(area: str, looker: str, decider: str) -> str:
    """What a reading outside the usual range means for staff, and who looks at it. `looker`
    and `decider` are rendered people (the metric's owner, the owner of the definitions)."""
    what = ("people bring other kinds of work to the AI than before" if area == "scope_drift"
            else "the work has changed")
    meaning = ("**What drift means.** A reading outside the usual range is a sign that "
               f"{what}: new kinds of cases, a new team, a busier season. It does not mean the "
               "system is wrong, and it does not mean anyone did something wrong. ")
    return (meaning + f"{looker} looks at what changed and says so at the next review; "
            f"{decider} decides whether the usual range itself should change.")


def is_drift(area: str) -> bool:
    return area in DRIFT_AREAS
