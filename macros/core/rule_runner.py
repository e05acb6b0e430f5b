"""Running the rules of macros/core/rules/ over the documents, so that no rule's failure is ever
blamed on the wrong plan or hides what the rule finds in the others.

A rule that raises on a file the loader or the schema already refused is skipped there quietly
(it tripped over data already reported). One that raises on schema-clean data is a bug in the
tool: an `internal` error on the file it failed on, and the rule still runs for every other
plan.
"""
from __future__ import annotations

import copy
import datetime as dt
from typing import Callable, Iterable

from . import rules
from .diagnostics import ERROR, Diagnostic
from .load import Document
from .rules.base import Scope

Rule = Callable[[Scope], Iterable[Diagnostic]]


def run_rules(org: Document | None, plans: list[Document], today: dt.date,
              found: list[Diagnostic], measurements: dict | None = None,
              faq: Document | None = None) -> list[Diagnostic]:
    """Every rule over every plan, after the loader's and the schema's findings (`found`)."""
    scope = Scope(org, plans, today, found, measurements or {}, faq=faq)
    refused = {d.file for d in found if d.is_error}
    results: list[Diagnostic] = []
    alone = [_over(scope, [doc]) for doc in plans]  # each plan's scope, shared by its rules
    for rule in rules.RULES:
        if rule in rules.CROSS_PLAN_RULES:  # rules that compare plans see them all
            results += _across(rule, scope, plans, refused)
        else:  # the others plan by plan: one plan's data can never hide another's problems
            for doc, its_scope in zip(plans, alone):
                results += _guarded(rule, its_scope, doc, refused)
    # One mistake, one diagnostic: where the loader or the schema already reported an error,
    # a rule's finding at the very same place is its echo ("owner ben-cho" without a colon is
    # a type error; "no support owner" there says it again).
    taken = {(d.file, d.line, d.column) for d in found if d.is_error}
    return [d for d in results if (d.file, d.line, d.column) not in taken]


def _over(scope: Scope, plans: list[Document]) -> Scope:
    one = copy.copy(scope)  # shares the registries built once
    one.plans = plans
    return one


def _guarded(rule: Rule, scope: Scope, doc: Document, refused: set[str]
             ) -> list[Diagnostic]:
    """The rule's findings on one plan (`scope` holds it alone); what it found before
    failing is kept."""
    findings: list[Diagnostic] = []
    try:
        findings.extend(rule(scope))
    except Exception as exc:  # noqa: BLE001 - the check must never crash on a plan
        findings += _internal(rule, doc.file, exc, refused)
    return findings


def _across(rule: Rule, scope: Scope, plans: list[Document], refused: set[str]
            ) -> list[Diagnostic]:
    """A rule that compares plans. When it fails, the plans it fails on alone are found, each
    gets the internal error, and the rule runs again over all the others."""
    try:
        return list(rule(_over(scope, plans)))
    except Exception as exc:  # noqa: BLE001
        first = exc
    try:  # the org file alone, with no plan
        list(rule(_over(scope, [])))
    except Exception as exc:  # noqa: BLE001 - nothing can be compared without the org file
        return _internal(rule, _org_file(scope, plans), exc, refused)
    failed: list[Diagnostic] = []
    rest: list[Document] = []
    for doc in plans:
        try:
            list(rule(_over(scope, [doc])))
            rest.append(doc)
        except Exception as exc:  # noqa: BLE001
            failed += _internal(rule, doc.file, exc, refused)
    if len(rest) == len(plans):  # no plan fails alone: only the plans together do
        return _internal(rule, _org_file(scope, plans), first, refused, together=True)
    return failed + _across(rule, scope, rest, refused)


def _org_file(scope: Scope, plans: list[Document]) -> str:
    if scope.org is not None:
        return scope.org.file
    folder = plans[0].file.rpartition("/")[0] if plans else "plans"
    return f"{folder}/_org.yaml" if folder else "_org.yaml"


def _internal(rule: Rule, file: str, exc: Exception, refused: set[str], together: bool = False
              ) -> list[Diagnostic]:
    if file in refused or together and refused:
        return []  # it tripped over data already reported there
    name = rule.__name__.removeprefix("rule_").replace("_", "-")
    what = " ".join(repr(exc).split())[:200]  # repr: control characters stay escaped
    where = "comparing the plans" if together else "this file"
    return [Diagnostic(file, 1, 1, ERROR, "internal",
                       f"internal error: the check's rule '{name}' failed on {where} ({what}); "
                       "its findings here are missing",
                       "This is a bug in the handbook tool, not a mistake you can fix in the "
                       "plan: please report it with this file and this message.")]
