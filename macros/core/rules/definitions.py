"""Rules on the records of changed definitions of good (seed 002: a scorecard that holds
still): what a record names, who approves it, and how often a plan's definitions change."""
from __future__ import annotations

from typing import Iterator

from ..definition_records import approver_problems, churn_days, churn_problem, ref_problems
from ..diagnostics import ERROR, WARNING, Diagnostic
from .base import PERSON, Scope, emits, get, reads


@reads("definition_changes[].what (ids of metrics, stages, criteria and review rules) and "
       "approved_by; governance.definition_owner and owner")
@emits("definition-ref", "definition-approver")
def rule_definition_record(scope: Scope) -> Iterator[Diagnostic]:
    """A record of a changed definition of good names one the plan has, and its approver is the
    plan's definition owner (else its owner), as the diff routes such changes."""
    for doc in scope.plans:
        for p in ref_problems(doc.data):
            yield scope.report(doc, p.path, ERROR, "definition-ref", p.message, p.hint)
        for p in approver_problems(doc.data):
            if scope.known(PERSON, get(doc.data, "definition_changes", p.path[1], "approved_by")):
                yield scope.report(doc, p.path, ERROR, "definition-approver", p.message, p.hint)


@reads("definition_changes[].date; definition_churn_days in plans/_org.yaml")
def rule_definition_churn(scope: Scope) -> Iterator[Diagnostic]:
    """More than one recorded change of a plan's definitions of good within
    definition_churn_days (default 30) before today is a warning (seed 002: stability)."""
    days = churn_days(scope.org.data if scope.org else None)
    for doc in scope.plans:
        p = churn_problem(doc.data, scope.today, days)
        if p:
            yield scope.report(doc, p.path, WARNING, "definition-churn", p.message, p.hint)
