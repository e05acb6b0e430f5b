"""Rules on what a plan allows and spends: use audiences, the baseline's never-enter items
(compared as whole items, never as meaning) and the budget's sum.
"""
from __future__ import annotations

from typing import Iterator

from ..baseline import build_baseline, same_item
from ..diagnostics import ERROR, WARNING, Diagnostic
from .base import Scope, _outside_access, entries, reads, select


@reads('uses.allowed[].audience', 'scope.users', 'stages[].teams')
def rule_use_audience(scope: Scope) -> Iterator[Diagnostic]:
    """A use meant for a team names a team the plan gives access: else it reaches nobody."""
    for doc, path, who in _outside_access(scope, ("uses", "allowed"), "audience"):
        yield scope.report(doc, path, ERROR, "use-audience", f"the team '{who}' never gets "
                           "access under this plan, so the use would reach nobody there",
                           "Name a team of scope.users or of a stage, or add the team to the "
                           "stage that gives it access.")


@reads('data_rules.allowed and baseline.never_enter in plans/_org.yaml, compared as whole '
       'items (case and spacing aside), never read for meaning')
def rule_baseline_allowed(scope: Scope) -> Iterator[Diagnostic]:
    """A plan's rules add to the baseline: allowing data the baseline says never to enter into
    any AI tool contradicts it. Only an item repeated word for word is reported."""
    never = build_baseline(scope.org.data if scope.org else {}).never_enter
    for doc in scope.plans if never else []:
        for path, text in select(doc.data, ("data_rules", "allowed", "*")):
            item = same_item(text, never) if isinstance(text, str) else None
            if item is not None:
                yield scope.report(doc, path, WARNING, "baseline-allowed",
                                   f"'{text}' is on the organisation's never-enter list "
                                   f"('{item}' in baseline.never_enter of plans/_org.yaml)",
                                   "A plan adds to the rules for everyone and cannot allow what "
                                   "they forbid: remove it from data_rules.allowed, or ask "
                                   "governance to change the baseline in plans/_org.yaml.")


@reads('budget.total', 'budget.items[].amount')
def rule_budget_total(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 10: a stated budget total equals the sum of the items."""
    for doc in scope.plans:
        budget = doc.data.get("budget")
        if not isinstance(budget, dict) or "total" not in budget:
            continue
        amounts = [x.get("amount") for _, x in entries(budget.get("items"))]
        amounts = [a for a in amounts if isinstance(a, (int, float)) and not isinstance(a, bool)]
        total = budget.get("total")
        if isinstance(total, (int, float)) and abs(sum(amounts) - total) > 0.005:
            yield scope.report(doc, ("budget", "total"), ERROR, "budget-total",
                               f"the total {total:,.2f} differs from the sum of the items, "
                               f"{sum(amounts):,.2f}", "Correct the total or the items.")
