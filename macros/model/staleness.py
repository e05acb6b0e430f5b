"""When a reading stops being current: two of its metric's cadence periods, or the organisation's
`stale_after_days`. The model asks this once; pages and readiness read the model's answer."""
from __future__ import annotations

import datetime as dt

# Days in one period of each `cadence` the schema allows (schema/parts/monitor.yaml). The longest
# month and quarter, so a reading on time by the calendar is never called stale.
CADENCE_DAYS: dict[str, int] = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
PERIODS = 2  # a reading older than this many periods is stale


def stale_after(cadence: str, stale_after_days: int | None = None) -> int | None:
    """Days after which a reading is stale: the organisation's setting when given, else two
    cadence periods; None when neither is known (the reading is never called stale)."""
    if stale_after_days is not None:
        return stale_after_days
    period = CADENCE_DAYS.get(cadence)
    return None if period is None else PERIODS * period


def is_stale(reading: dt.date, today: dt.date, limit: int | None) -> bool:
    return limit is not None and (today - reading).days > limit
