"""Load: `plans/<plan-id>.measurements.csv`, the evidence a rollout is judged by.

Columns `date,metric,value` and an optional `note`: what operations can export from any
dashboard. Every problem is a Diagnostic with the CSV line and column, like a plan's.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ERROR, Diagnostic
from .load import _decode, raw_hazard
from .yaml_strict import MAX_BYTES

SUFFIX = ".measurements.csv"
COLUMNS = ["date", "metric", "value"]


@dataclass(frozen=True)
class Measurement:
    date: dt.date
    metric: str
    value: float
    note: str
    line: int
    value_column: int = 1  # where the value starts on its line, for the checks in rules.py


@dataclass(frozen=True)
class MeasurementFile:
    file: str
    plan_id: str
    rows: tuple[Measurement, ...]


def _columns(raw_line: str) -> list[int]:
    """1-based start column of each field in a CSV line (quotes respected)."""
    starts, quoted = [1], False
    for i, char in enumerate(raw_line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(i + 2)
    return starts


def load_measurements(path: Path, shown: str) -> tuple[MeasurementFile | None, list[Diagnostic]]:
    loaded, problems = _parsed(path.name.removesuffix(SUFFIX), shown,
                               path.read_bytes()[: MAX_BYTES + 1])
    return loaded, list(problems)


# Each file's findings by its bytes: a serve rebuild reads every file again and parses only
# those that changed (the result is immutable; its list of problems is copied above).
@functools.lru_cache(maxsize=2048)
def _parsed(plan_id: str, shown: str, raw: bytes
            ) -> tuple[MeasurementFile | None, tuple[Diagnostic, ...]]:
    loaded, problems = _parse(plan_id, shown, raw)
    return loaded, tuple(problems)


# Over 60 lines: the file's checks row by row, in the order an editor fixes them.
def _parse(plan_id: str, shown: str, raw: bytes
           ) -> tuple[MeasurementFile | None, list[Diagnostic]]:
    if len(raw) > MAX_BYTES:
        return None, [Diagnostic(shown, 1, 1, ERROR, "file-size",
                                 f"the file is over {MAX_BYTES // 1024} KiB",
                                 "Keep one file per plan and drop measurements older than a "
                                 "year.")]
    text, problem = _decode(shown, raw)
    # A note is published like plan text: no control or direction character may reach a page.
    problem = problem or raw_hazard(shown, text)
    if problem:
        return None, [problem]
    lines = text.splitlines()
    problems: list[Diagnostic] = []

    def error(line: int, column: int, rule: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(shown, line, column, ERROR, rule, message, hint))

    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip() for c in rows[0][:3]] != COLUMNS or len(rows[0]) > 4 or (
            len(rows[0]) == 4 and rows[0][3].strip() != "note"):
        error(1, 1, "measurement-header", "the first line must be: date,metric,value (and "
              "optionally ,note)", "Export the columns in this order with this header line.")
        return None, problems
    seen: dict[tuple, int] = {}
    found: list[Measurement] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cols = _columns(lines[number - 1]) if number - 1 < len(lines) else [1] * 4
        if len(row) < 3 or len(row) > 4:
            error(number, 1, "measurement-row", f"expected 3 or 4 fields, found {len(row)}",
                  "A note containing a comma must be in double quotes.")
            continue
        date_text, metric, value_text = (c.strip() for c in row[:3])
        note = row[3].strip() if len(row) == 4 else ""
        try:
            date = dt.date.fromisoformat(date_text) if len(date_text) == 10 else None
        except ValueError:
            date = None
        if date is None:
            error(number, cols[0], "measurement-date", f"'{date_text}' is not a date written "
                  "YYYY-MM-DD", "e.g. 2026-11-02")
        try:
            value = float(value_text.replace("%", "")) if value_text else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            error(number, cols[2], "measurement-value", f"'{value_text}' is not a number",
                  "Write the number alone, with a dot for decimals: 22.5")
        if date is None or not math.isfinite(value):
            continue
        key = (date, metric)
        if key in seen:
            error(number, cols[0], "measurement-duplicate",
                  f"{metric} on {date} is already measured on line {seen[key]}",
                  "Keep one value per metric and date.")
            continue
        seen[key] = number
        found.append(Measurement(date, metric, value, note, number, cols[2]))
    return MeasurementFile(shown, plan_id, tuple(found)), problems
