"""Rules: the semantic checks of PLAN-FORMAT.md that a schema cannot express.

One function per rule, named after its rule id (`rule_ref` reports `[ref]`), in a module per
theme: references.py (ids and references), tier_rules.py (what the tier table requires),
stages.py (stages, gates and decisions), support.py (champions and help hours), uses.py (uses,
the baseline and the budget), monitoring.py (monitors and measurements) content.py
(training content and the FAQ) and definitions.py (records of changed definitions of good); base.py holds the Scope they all read. Each takes the `Scope`
(org registries and every plan) and yields Diagnostics. Rules read the raw documents
defensively: a file may also have schema errors, and a rule must never crash on them.

RULES below is the one registry: rule_runner runs it and the format reference lists it. A new
rule is written in its theme's module and added here.
"""
from __future__ import annotations

from typing import Callable, Iterable

from ..diagnostics import Diagnostic
from .base import Scope
from .references import (
    rule_codeowners_handle,
    rule_file_name,
    rule_former_id,
    rule_placeholder,
    rule_ref,
    rule_text_hazard,
    rule_tool_status,
    rule_unique_id,
)
from .tier_rules import (
    rule_approval,
    rule_impact_tier,
    rule_review_overdue,
    rule_tier_communications,
    rule_tier_escalation,
    rule_tier_pause,
    rule_tier_required,
    rule_tier_review,
    rule_tier_risks_governance,
    rule_tier_stages,
    rule_tier_training,
)
from .support import rule_champion_ratio, rule_champion_team, rule_support_hours, rule_tier_support
from .stages import (
    rule_criterion_value,
    rule_decision_log,
    rule_gate_outcomes,
    rule_headcount_split,
    rule_pause_entry,
    rule_stage_access,
    rule_stage_dates,
    rule_stage_team,
    rule_training_topics,
)
from .uses import rule_baseline_allowed, rule_budget_total, rule_use_audience
from .monitoring import (
    rule_drift_baseline,
    rule_measurement_ref,
    rule_measurement_sane,
    rule_monitor_values,
    rule_monitoring_adoption_only,
    rule_pause_triggered,
    rule_tier_monitoring,
)
from .content import rule_content_limit, rule_content_link, rule_faq_link, rule_faq_review
from .definitions import rule_definition_churn, rule_definition_record

# What code outside the rules read from the single rules.py before the split, still found here.
from .base import get, rule_ids, select  # noqa: F401
from .monitoring import latest_breaches  # noqa: F401
from .references import ORG_REFERENCES, PLAN_REFERENCES  # noqa: F401

RULES: list[Callable[[Scope], Iterable[Diagnostic]]] = [
    rule_file_name, rule_unique_id, rule_former_id, rule_placeholder, rule_ref, rule_tool_status,
    rule_text_hazard, rule_codeowners_handle, rule_approval,
    rule_review_overdue, rule_tier_required, rule_tier_review, rule_tier_stages,
    rule_tier_training, rule_tier_support, rule_champion_ratio, rule_champion_team,
    rule_support_hours,
    rule_tier_escalation, rule_tier_monitoring,
    rule_monitoring_adoption_only, rule_tier_pause, rule_tier_communications,
    rule_tier_risks_governance, rule_impact_tier, rule_stage_access, rule_stage_dates,
    rule_gate_outcomes, rule_decision_log, rule_pause_entry, rule_use_audience,
    rule_baseline_allowed,
    rule_headcount_split,
    rule_training_topics,
    rule_budget_total,
    rule_monitor_values, rule_drift_baseline, rule_measurement_ref, rule_pause_triggered,
    rule_measurement_sane, rule_stage_team, rule_criterion_value, rule_content_limit,
    rule_content_link, rule_faq_link, rule_faq_review, rule_definition_record,
    rule_definition_churn,
]


CROSS_PLAN_RULES = {rule_unique_id, rule_former_id, rule_text_hazard, rule_placeholder, rule_ref,
                    rule_measurement_ref, rule_content_limit, rule_content_link,
                    rule_codeowners_handle, rule_support_hours, rule_faq_link,
                    rule_faq_review}
