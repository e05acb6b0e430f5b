"""The plan format's scalar values: ids, dates and the placeholders `handbook new` leaves.

Read by the schema's own types (validate), the rules and the model alike, so it sits below them
all and imports nothing of the handbook's.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_placeholder(value: Any) -> bool:
    """`TODO(person): the business owner` — left by `handbook new` for the editor to fill."""
    return isinstance(value, str) and value.startswith("TODO(")


def is_slug(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 64 and SLUG.match(value) is not None


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def gives_access(stage: Any) -> bool:
    """Whether a stage (its raw mapping) gives anyone access: a headcount above 0, or, without
    a headcount, the teams or people it names (the format: no headcount means the whole teams).
    A headcount of 0 gives nobody access. The rules and the model both read this one fact."""
    if not isinstance(stage, dict):
        return False
    headcount = stage.get("headcount")
    if isinstance(headcount, (int, float)) and not isinstance(headcount, bool):
        return headcount > 0
    if headcount is not None:
        return False  # a value the schema refuses: judged by nothing else
    return any(isinstance(stage.get(key), list) and stage.get(key) for key in ("teams", "people"))
