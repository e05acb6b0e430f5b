"""`handbook new`: scaffold a plan from the seed templates.

minimum    seed 000's small-business minimum plan (low tier)
rapid      seed 003's rapid scaling, 3-4 months: pilot, expansion, everyone
phased     seed 003's phased scaling, 6-9 months: 10/25/50/100 % waves (seed 001)
organic    seed 003's organic scaling, 12-18 months: champions first, team by team
read-only  seed 000's pattern for high-impact use: read-only, then approval-first (high tier)

Values the editor must supply are `TODO(kind): what to write`; the check names each one until
it is replaced. Everything else is a sensible default from the seeds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

IMPACT = '["TODO(impact): customers, employees, records, finances, ... or remove the key"]'


@dataclass(frozen=True)
class Template:
    summary: str
    tier: str
    impact: str
    # (id, name, pattern, access %, adoption target %)
    stages: tuple[tuple[str, str, str, int, int], ...]


TEMPLATES = {
    "minimum": Template("Seed 000's minimum plan for a small team, low risk.", "low", "[]",
                        (("trial", "Trial with a few users", "limited_pilot", 50, 50),
                         ("team", "Whole team", "department", 100, 80))),
    "rapid": Template("Seed 003's rapid template: 3-4 months from pilot to everyone.", "medium",
                      IMPACT,
                      (("pilot", "Pilot", "limited_pilot", 20, 20),
                       ("expansion", "Expansion", "wave", 60, 45),
                       ("everyone", "Everyone", "full", 100, 70))),
    "phased": Template("Seed 003's phased template: 6-9 months in 10/25/50/100 % waves.",
                       "medium", IMPACT,
                       (("wave-1", "Wave 1 — pilot (10 %)", "limited_pilot", 10, 10),
                        ("wave-2", "Wave 2 (25 %)", "wave", 25, 20),
                        ("wave-3", "Wave 3 (50 %)", "wave", 50, 40),
                        ("wave-4", "Wave 4 — everyone (100 %)", "full", 100, 75))),
    "organic": Template("Seed 003's organic template: 12-18 months, champions first, then team "
                        "by team as each is ready.", "medium",
                        IMPACT,
                        (("champions", "Champions", "limited_pilot", 10, 10),
                         ("first-team", "First team", "department", 35, 25),
                         ("second-team", "Second team", "department", 70, 45),
                         ("everyone", "Everyone who is ready", "full", 100, 60))),
    "read-only": Template("Seed 000's pattern for high-impact use: read-only first, then every "
                          "output approved before any action.", "high", "[employees]",
                          (("read-only", "Read-only", "read_only", 25, 25),
                           ("approval-first", "Approval first", "approval_first", 50, 40),
                           ("full-use", "Full use with review", "department", 100, 70))),
}

OWNER = "TODO(person): the business owner"
SPONSOR = "TODO(person): the executive sponsor, who decides the gates"
PAUSER = "TODO(person): a second person who may pause"
TEAM = "TODO(team): the team that uses it"
TOOL = "TODO(tool): an approved tool from plans/_org.yaml"


def _stages(template: Template, plan_id: str) -> str:
    blocks = []
    for n, (stage_id, name, pattern, access, adoption) in enumerate(template.stages):
        last = n == len(template.stages) - 1
        block = f"""  - id: {stage_id}
    name: {name}
    pattern: {pattern}
    teams: ["{TEAM}"]
    access_percent: {access}
    adoption_target_percent: {adoption}
    # start: YYYY-MM-DD   end: YYYY-MM-DD   headcount: people added at this stage
    training: [{plan_id}-basics]
    checklist:
      - {{item: Everyone joining completed {plan_id}-basics, owner: "{OWNER}", evidence: Training roster}}
"""
        if not last:
            blocking = "true" if template.tier == "high" else "true"
            block += f"""    gate:
      decider: "{SPONSOR}"
      criteria:
        - {{question: "Is output quality at target?", metric: quality, threshold: "TODO(text): e.g. <= 30%", blocking: {blocking}}}
        - {{question: "Does it save time?", metric: value, threshold: "TODO(text): e.g. >= 2 hours a week"}}
      outcomes: [proceed, extend, limit, redesign, pause, stop]
"""
        blocks.append(block)
    return "".join(blocks)


# Over 60 lines: the template is one YAML text, read top to bottom as the plan will be.
def render_template(name: str, plan_id: str) -> str:
    t = TEMPLATES[name]
    first = t.stages[0][0]
    mode = "approval_first" if t.tier == "high" else "review_before_use"
    return f"""# yaml-language-server: $schema=../schema/plan.schema.json
# Scaffolded by `handbook new --template {name}`. {t.summary}
# Replace every value that starts with TODO; `handbook check` lists those that remain.
schema_version: 1
id: {plan_id}
title: "TODO(text): what is being rolled out, e.g. Drafting customer support replies"
summary: "TODO(text): one or two sentences staff read first"
status: draft
risk_tier: {t.tier}
impact: {t.impact}
owner: "{OWNER}"
sponsor: "{SPONSOR}"
# approval: {{by: <person>, date: YYYY-MM-DD}}   review_by: YYYY-MM-DD   (needed once approved)

scope:
  purpose: "TODO(text): the problem this use case solves"
  users: ["{TEAM}"]
  tools: ["{TOOL}"]
  data_sources: ["TODO(text): the data the tool reads"]
  outputs: ["TODO(text): what the AI produces"]
  out_of_scope: ["TODO(text): what this plan does not cover"]

uses:
  allowed:
    - {{id: first-use, text: "TODO(text): a task staff may do with the tool"}}
  prohibited:
    - {{id: first-prohibition, text: "TODO(text): a task staff must never do", reason: "TODO(text): why"}}

data_rules:
  never_enter: [Passwords, Card numbers, Health information, "TODO(text): other data that must never be entered"]

review:
  - id: output-review
    output: "TODO(text): what the AI produces"
    reviewer: "{TEAM}"
    mode: {mode}
    before: "TODO(text): the action the review must precede"
    checks: ["TODO(text): what the reviewer checks"]

training:
  modules:
    - id: {plan_id}-basics
      title: "TODO(text): title of the training page"
      audience: ["{TEAM}"]
      topics: [purpose, limits, data_rules, review, escalation, issue_reporting, overreliance]
      duration_minutes: 45
      format: live
      required_before_access: true
      objectives: ["TODO(text): what a participant can do afterwards"]
      content: "TODO(text): the training page, in Markdown"

support:
  owner: "{OWNER}"
  tiers:
    - {{level: 1, name: Self-service, channels: ["TODO(text): FAQ page or chat channel"], response_time: same day}}
    - {{level: 2, name: Plan owner, contacts: ["{OWNER}"], response_time: 1 working day}}
  # Help with hours and people (seed 003: drop-ins grow 1 -> 3 a week, a channel watched
  # 8am-6pm, champions per team); team pages show them with the next date. Uncomment to use:
  # office_hours: [{{days: [tue], time: "10:00", minutes: 60, place: Room 2, from_stage: {first}}}]
  # channels: [{{name: "#ai-help", opens: "08:00", closes: "18:00", watched_by: [<person>]}}]
  # champion_groups: [{{people: [<person>], teams: [<team>], from_stage: {first}}}]

issue_reporting:
  channel: "TODO(text): where to report, e.g. #ai-incidents"
  triage_owner: "{OWNER}"
  capture: [what_happened, use_case, output_used, anyone_affected, correction]

escalation:
  - id: harmful-output
    when: "TODO(text): the situation, e.g. a wrong answer reached a customer"
    steps:
      - {{contact: "{OWNER}", within: 4 hours, action: Stop using the output and correct it}}
      - {{contact: "{SPONSOR}", within: 1 working day, action: Decide whether to pause}}

monitoring:
  - {{id: quality, area: quality, metric: "TODO(text): how good outputs are", target: "TODO(text): e.g. <= 30% heavily edited", cadence: weekly, owner: "{OWNER}"}}
  - {{id: value, area: value, metric: "TODO(text): the benefit", target: "TODO(text): e.g. 2 hours saved a week", cadence: monthly, owner: "{OWNER}"}}
  - {{id: cost, area: cost, metric: Licence and support cost per month, cadence: monthly, owner: "{SPONSOR}"}}
  - {{id: incidents, area: risk, metric: Incidents reported, target: "0", cadence: weekly, owner: "{OWNER}"}}
  - {{id: adoption, area: adoption, metric: Share of users with access who used it this week, cadence: weekly, owner: "{OWNER}"}}
  - {{id: help-requests, area: support, metric: Help requests per week, cadence: weekly, owner: "{OWNER}"}}

pause:
  authority: ["{SPONSOR}", "{PAUSER}"]
  triggers:
    - {{id: quality-drop, text: Output quality below target for two weeks, metric: quality}}
    - {{id: incident, text: Any serious incident, metric: incidents}}
  fallbacks: [manual_work, pause_expansion]
  return_to_normal: [Two clean weeks and a re-run of the last gate]

communications:
  - {{when: Two weeks before the first stage starts, before: {first}, audience: ["{TEAM}"], channel: "TODO(text): how it is announced", message: "TODO(text): why, what stays human-owned, how to raise concerns"}}

stages:
{_stages(t, plan_id)}
risks:
  - {{id: overreliance, risk: Users stop checking outputs, mitigation: Review before use and training, contingency: Pause expansion and retrain, owner: "{OWNER}"}}

governance:
  definition_owner: "{SPONSOR}"
  change_process: Targets and thresholds change only through a reviewed pull request approved by the definition owner.
"""


def write_template(name: str, plan_id: str, plans_dir: Path) -> Path:
    target = plans_dir / f"{plan_id}.yaml"
    plans_dir.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite a plan
        handle.write(render_template(name, plan_id))
    return target
