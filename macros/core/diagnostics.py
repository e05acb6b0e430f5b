"""Diagnostics: one problem found in a plan, as data, and the formats editors read them in."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """Where (file, line, column), how bad (severity), which rule, what is wrong and how to fix it.

    Lines and columns are 1-based, as editors show them.
    """

    file: str
    line: int
    column: int
    severity: str
    rule: str
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class HandbookError(Exception):
    """Raised when plans cannot be published; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error]
        super().__init__(f"{len(errors)} error(s) in the plans:\n" + format_text(errors))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


# Characters that would break a diagnostic over lines or hide its text in a terminal: a line
# break inside a quoted key could otherwise forge a `file:line:col:` line of its own.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    if _UNPRINTABLE.search(text) is None:
        return text
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return _UNPRINTABLE.sub(
        lambda m: named.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    """`plans/x.yaml:12:5: error: stages[1].gate.decider: … [ref]` plus an indented hint line."""
    lines = []
    for d in diagnostics:
        lines.append(_one_line(f"{d.file}:{d.line}:{d.column}: {d.severity}: {d.message} "
                               f"[{d.rule}]"))
        if d.hint:
            lines.append(_one_line(f"    hint: {d.hint}"))
    return "\n".join(lines)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    # Workflow commands end at a newline; '%' starts an escape; in properties ':' and ',' separate.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, shown as annotations on the pull request's files."""
    lines = []
    for d in diagnostics:
        body = d.message + (f" (hint: {d.hint})" if d.hint else "")
        props = ",".join(
            [
                f"file={_github_escape(d.file, property_value=True)}",
                f"line={d.line}",
                f"col={d.column}",
                f"title={_github_escape(d.rule, property_value=True)}",
            ]
        )
        lines.append(f"::{d.severity} {props}::{_github_escape(body)}")
    return "\n".join(lines)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)


FORMATS = {"text": format_text, "github": format_github, "json": format_json}


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)"
