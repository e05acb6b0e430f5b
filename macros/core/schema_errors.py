"""Cerberus errors in plain words: each error of the schema check becomes one Diagnostic at the
value's line and column, with a message and hint an editor can act on.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

import cerberus
from cerberus import errors as cerr

from .diagnostics import ERROR, Diagnostic
from .load import Document
from .rules.base import get
from .schema_fast import accepts
from .schemas import Schemas, _build_validator, _top, schemas, tool_version
from .values import is_placeholder
from .yaml_strict import display_path


_FORM_HINTS = {  # what the `format` rule's hint says, by field
    "currency": "A currency is a three-letter code such as USD or EUR.",
    "history_since": "Write the commit the handbook began from (7 to 40 hexadecimal digits, "
                     "as handbook init wrote it) or a date such as 2026-01-31; nothing else.",
}
_KEY_WITHOUT_COLON = re.compile(r"^([a-z][a-z0-9_]*)\s+(\S.*)$")
_WITH_PERCENT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")  # `22%`, `22 %`


TYPE_WORDS = {
    "slug": "an id (lowercase letters, digits and single hyphens, e.g. dana-okafor)",
    "date": "a date written YYYY-MM-DD",
    "text": "text",
    "markdown": "Markdown text",
    "outputs": "all, or a list of scope.outputs entries",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "list": "a list",
    "dict": "a mapping of keys to values",
}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


def _did_you_mean(word: Any, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _leaves(errors: Iterable[cerberus.errors.ValidationError]):
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


# Over 60 lines: one branch per Cerberus error code, each its message and hint.
def _schema_diagnostic(doc: Document, top: dict, error: Any, s: Schemas) -> Diagnostic:
    path = tuple(error.document_path)
    where = display_path(path)
    code = error.code
    value = error.value
    rule, hint = "schema", ""
    line, col = doc.position(path)
    if code == cerr.UNKNOWN_FIELD.code:
        rule = "unknown-key"
        line, col = doc.position(path, key=True)
        known = s.rules_at(top, path[:-1]) or {}
        message = f"{where}: unknown key '{path[-1]}'"
        hint = _did_you_mean(path[-1], known)
        if value is None and path[:-1] in doc.flow_mappings:
            hint = (
                "Inside {...} a comma in unquoted text starts a new key: quote the text "
                '(text: "Draft, then send").'
            )
        elif not hint and known:
            hint = "Known keys here: " + ", ".join(sorted(known))
    elif code == cerr.REQUIRED_FIELD.code:
        rule = "required"
        line, col = doc.position(path[:-1])
        parent = display_path(path[:-1]) or "the file"
        message = f"{parent}: '{path[-1]}' is missing"
        hint = f"Add '{path[-1]}:' with a value."
    elif code == cerr.NOT_NULLABLE.code:
        rule = "required"
        message = f"{where}: has no value"
        hint = "Write a value after the colon; text starting with '#' must be in quotes."
    elif code == cerr.BAD_TYPE.code:
        rule = "type"
        expected = TYPE_WORDS.get(error.constraint, error.constraint)
        if error.constraint in ("text", "markdown") and isinstance(value, str):
            message = f"{where}: is empty"
            hint = "Write the text, or remove the key."
        else:
            message = f"{where}: expected {expected} but found {_found(value)}"
            if error.constraint in ("text", "markdown", "string") and not isinstance(
                value, (list, dict)
            ):
                hint = f'Put the text in double quotes: "{value}".'
            elif error.constraint in ("number", "integer") and isinstance(value, str) and (
                    _WITH_PERCENT.match(value)):
                number = _WITH_PERCENT.match(value).group(1)
                hint = (f"Write the number alone: {number} (the key already says it is a "
                        "percentage)." if str(path[-1]).endswith("_percent") else
                        f"Write the number alone: {number} (the unit belongs in `unit:`).")
            elif error.constraint == "dict" and isinstance(value, str) and (
                    _KEY_WITHOUT_COLON.match(value)):
                # `support:` then `  owner ben-cho`: one key that lost its colon reads as text.
                key, rest = _KEY_WITHOUT_COLON.match(value).groups()
                hint = f"A key needs ':' and a space after it: write '{key}: {rest}'."
            elif error.constraint == "date" and isinstance(value, str):
                hint = "Write dates as YYYY-MM-DD, e.g. 2026-09-01, and check the day exists."
            elif error.constraint == "slug" and isinstance(value, str):
                suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
                hint = f"Use lowercase letters, digits and hyphens, e.g. '{suggestion}'."
    elif (path == ("schema_version",) and code == cerr.UNALLOWED_VALUE.code
          and type(value) is int and value > max(error.constraint)):
        rule = "schema-version"
        highest = max(error.constraint)
        message = (f"schema_version: plan format {value} is newer than this tool reads "
                   f"(up to {highest})")
        # The version is in the hint, so that fixtures do not change with every release.
        hint = (f"rollout-handbook {tool_version()} reads plan format up to {highest}: upgrade "
                f"the tool (the version your repository pins) to a release whose CHANGELOG lists "
                f"plan format {value}.")
    elif code in (cerr.UNALLOWED_VALUE.code, cerr.UNALLOWED_VALUES.code):
        rule = "allowed-value"
        allowed = list(error.constraint)
        bad = value if code == cerr.UNALLOWED_VALUE.code else [v for v in value if v not in allowed]
        message = (
            f"{where}: expected one of: {', '.join(map(str, allowed))} but received: "
            f"{_found(bad) if not isinstance(bad, list) else ', '.join(map(str, bad))}"
        )
        first_bad = bad[0] if isinstance(bad, list) and bad else bad
        hint = _did_you_mean(first_bad, map(str, allowed)) or (
            "Write one of the values listed, exactly as written there.")
    elif code in (cerr.MIN_VALUE.code, cerr.MAX_VALUE.code):
        rule = "range"
        bound = "at least" if code == cerr.MIN_VALUE.code else "at most"
        message = f"{where}: must be {bound} {error.constraint}, found {value}"
        hint = f"Write a number {bound} {error.constraint}."
    elif code in (cerr.MIN_LENGTH.code, cerr.MAX_LENGTH.code):
        rule = "range"
        bound = "at least" if code == cerr.MIN_LENGTH.code else "at most"
        entries_word = f"entr{'y' if error.constraint == 1 else 'ies'}"
        message = f"{where}: needs {bound} {error.constraint} {entries_word}"
        hint = (f"Add entries until there are {bound} {error.constraint}."
                if code == cerr.MIN_LENGTH.code else
                f"Remove entries until there are {bound} {error.constraint}.")
    elif code == cerr.EXCLUDES_FIELD.code:
        rule = "exclusive"
        line, col = doc.position(path, key=True)
        others = [o for o in error.constraint if o in (get(doc.data, *path[:-1]) or {})]
        message = (f"{where}: give only one of '{path[-1]}' and "
                   f"{', '.join(repr(o) for o in others)}")
        hint = "Keep the one that says when this happens, and remove the others."
    elif code == cerr.REGEX_MISMATCH.code:
        rule = "format"
        message = f"{where}: {_found(value)} does not have the expected form"
        hint = _FORM_HINTS.get(
            path[-1] if path else "",
            "Write the value in the form the format reference gives for this key.")
    else:  # pragma: no cover - the schema uses no other Cerberus rules
        message = f"{where}: {error.rule} {error.constraint!r} not met"
    if not hint and rule == "type":
        hint = f"Write {expected} here."
    if not hint:  # every diagnostic says what to do (`handbook reference` lists every key)
        hint = f"See `handbook reference` for what {where or 'this file'} may hold."
    return Diagnostic(doc.file, line, col, ERROR, rule, message, hint)


def schema_diagnostics(doc: Document, kind: str, s: Schemas | None = None) -> list[Diagnostic]:
    s = s or schemas()
    if accepts(kind, s)(doc.data):  # certainly valid: Cerberus would find nothing
        return []
    validator = _build_validator(kind, s)
    validator.validate(doc.data, normalize=False)
    found, exclusive = [], set()
    for e in _leaves(validator._errors):
        # A placeholder is reported once, by the placeholder rule, not as a wrong type as well.
        if is_placeholder(e.value) or (isinstance(e.value, list)
                                       and any(is_placeholder(v) for v in e.value)):
            continue
        if tuple(e.document_path) in doc.broken:
            continue
        if e.code == cerr.EXCLUDES_FIELD.code:
            # Cerberus reports `a excludes b` at a and at b: one mistake, one diagnostic.
            parent = tuple(e.document_path)[:-1]
            if parent in exclusive:
                continue
            exclusive.add(parent)
        found.append(_schema_diagnostic(doc, _top(s, kind), e, s))
    return found
