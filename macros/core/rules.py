"""Rules: the semantic checks of PLAN-FORMAT.md that a schema cannot express.

One function per rule, named after its rule id (`rule_ref` reports `[ref]`). Each takes the
`Scope` (org registries and every plan) and yields Diagnostics. Rules read the raw documents
defensively: a file may also have schema errors, and a rule must never crash on them.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from .baseline import build_baseline, same_item
from .codeowners import named_owners
from .codeowners import problem as codeowners_problem
from .content import over_limit
from .content import render as render_content
from .diagnostics import ERROR, WARNING, Diagnostic
from .faq_check import DEFAULT_REVIEW_DAYS, Known, link_problems, review_problems
from .load import HAZARDS, Document, display_path
from .measurements import SUFFIX as MEASUREMENTS_SUFFIX
from .measurements import MeasurementFile
from .support import build_help, champions_at, champions_needed, minutes_of, with_access
from .tiers import (
    ALWAYS_REQUIRED,
    APPROVAL_FIRST,
    APPROVAL_STATUSES,
    HIGH_IMPACTS,
    PER_OUTPUT,
    REQUIRED_TOPICS,
    TIERS,
    Requirements,
    implied_tier,
    requirements,
)
from .values import gives_access, is_placeholder, is_slug, parse_date

_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)) + "]")

PERSON, TEAM, TOOL, MODULE, METRIC, STAGE, AUDIENCE = (
    "person", "team", "tool", "training module", "metric", "stage", "team or person",
)

# Every reference in a plan, as (path pattern, kind); "*" stands for each list item.
# Help with hours and people, in a plan's `support` and in _org.yaml's: the same references.
HELP_REFERENCES: list[tuple[tuple, str]] = [
    (("support", "office_hours", "*", "host"), PERSON),
    (("support", "office_hours", "*", "from_stage"), STAGE),
    (("support", "channels", "*", "watched_by", "*"), AUDIENCE),
    (("support", "channels", "*", "from_stage"), STAGE),
    (("support", "champion_groups", "*", "people", "*"), PERSON),
    (("support", "champion_groups", "*", "teams", "*"), TEAM),
    (("support", "champion_groups", "*", "from_stage"), STAGE),
]
PLAN_REFERENCES: list[tuple[tuple, str]] = [
    (("owner",), PERSON),
    (("sponsor",), PERSON),
    (("approval", "by"), PERSON),
    (("scope", "users", "*"), TEAM),
    (("scope", "tools", "*"), TOOL),
    (("uses", "allowed", "*", "from_stage"), STAGE),
    (("uses", "allowed", "*", "audience", "*"), AUDIENCE),
    (("review", "*", "reviewer"), AUDIENCE),
    (("training", "modules", "*", "audience", "*"), AUDIENCE),
    (("support", "owner"), PERSON),
    (("support", "tiers", "*", "contacts", "*"), PERSON),
    (("support", "champions", "*"), PERSON),
    *HELP_REFERENCES,
    (("issue_reporting", "triage_owner"), PERSON),
    (("escalation", "*", "steps", "*", "contact"), PERSON),
    (("monitoring", "*", "owner"), PERSON),
    (("pause", "authority", "*"), PERSON),
    (("pause", "triggers", "*", "metric"), METRIC),
    (("communications", "*", "audience", "*"), AUDIENCE),
    (("communications", "*", "before"), STAGE),
    (("stages", "*", "teams", "*"), TEAM),
    (("stages", "*", "leave", "*"), TEAM),
    (("stages", "*", "people", "*"), PERSON),
    (("stages", "*", "training", "*"), MODULE),
    (("stages", "*", "checklist", "*", "owner"), PERSON),
    (("stages", "*", "gate", "decider"), PERSON),
    (("stages", "*", "gate", "criteria", "*", "metric"), METRIC),
    (("decisions", "*", "stage"), STAGE),
    (("decisions", "*", "by"), PERSON),
    (("pauses", "*", "by"), PERSON),
    (("pauses", "*", "resume", "by"), PERSON),
    (("risks", "*", "owner"), PERSON),
    (("budget", "items", "*", "stage"), STAGE),
    (("governance", "definition_owner"), PERSON),
]
ORG_REFERENCES: list[tuple[tuple, str]] = [
    (("teams", "*", "lead"), PERSON),
    (("training", "*", "audience", "*"), AUDIENCE),
    (("baseline", "report", "contact"), PERSON),
    (("baseline", "ask", "contacts", "*"), PERSON),
    # Help for everyone: the organisation has no stages, so any from_stage there is unknown.
    *HELP_REFERENCES,
]

# Ids that become anchors on the plan page share one namespace there, with its section anchors.
PLAN_PAGE_IDS = [("uses", "allowed", "*", "id"), ("uses", "prohibited", "*", "id"),
                 ("review", "*", "id"), ("escalation", "*", "id")]
PLAN_SECTIONS = ("now", "scope", "uses", "data-rules", "review", "training", "support",
                 "issue-reporting", "escalation", "monitoring", "pause", "communications",
                 "stages", "decisions", "risks", "budget", "governance")
PLAN_COLLECTIONS = {
    "metric": [("monitoring", "*", "id")],
    "pause trigger": [("pause", "triggers", "*", "id")],
    "stage": [("stages", "*", "id")],
    "risk": [("risks", "*", "id")],
    "FAQ entry": [("faq", "*", "id")],
}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


def select(data: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) for every place in `data` matching `pattern` ("*" = each list item)."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from select(item, rest, prefix + (i,))
    elif isinstance(data, dict) and head in data:
        yield from select(data[head], rest, prefix + (head,))


def get(data: Any, *keys: Any, default: Any = None) -> Any:
    for key in keys:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return default
    return default if data is None else data


def entries(value: Any) -> list[tuple[int, dict]]:
    if not isinstance(value, list):
        return []
    return [(i, x) for i, x in enumerate(value) if isinstance(x, dict)]


def texts(value: Any) -> list[str]:
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


@dataclass
class Scope:
    """What the rules see: the org registries, every plan, today, and the findings so far."""

    org: Document | None
    plans: list[Document]
    today: dt.date
    found: list[Diagnostic] = field(default_factory=list)
    measurements: dict[str, MeasurementFile] = field(default_factory=dict)
    people: dict[str, tuple] = field(default_factory=dict)
    teams: dict[str, tuple] = field(default_factory=dict)
    tools: dict[str, dict] = field(default_factory=dict)
    org_modules: dict[str, dict] = field(default_factory=dict)
    faq: Document | None = None  # plans/_faq.yaml

    def __post_init__(self) -> None:
        data = self.org.data if self.org else {}
        self.people = {p["id"]: p for _, p in entries(data.get("people")) if is_slug(p.get("id"))}
        self.teams = {t["id"]: t for _, t in entries(data.get("teams")) if is_slug(t.get("id"))}
        self.tools = {t["id"]: t for _, t in entries(data.get("tools")) if is_slug(t.get("id"))}
        self.org_modules = {
            m["id"]: m for _, m in entries(data.get("training")) if is_slug(m.get("id"))
        }

    def known(self, kind: str, value: Any) -> bool:
        """Whether `value` names a person, team (or either) of plans/_org.yaml. One mistake,
        one diagnostic: where a name is unknown the ref rule reports it, and a rule that would
        judge from that name (or from a total it spoils) says nothing more. Without a readable
        _org.yaml nothing is unknown (its own error is reported)."""
        registry = {PERSON: self.people, TEAM: self.teams}.get(kind)
        found = value in registry if registry is not None else (
            value in self.people or value in self.teams)
        return self.org is None or (isinstance(value, str) and found)

    def report(self, doc: Document, path: tuple, severity: str, rule: str, message: str,
               hint: str = "", *, key: bool = False) -> Diagnostic:
        line, col = doc.position(path, key=key)
        where = display_path(path)
        return Diagnostic(doc.file, line, col, severity, rule,
                          f"{where}: {message}" if where else message, hint)


def _modules_of(scope: Scope, plan: dict) -> dict[str, dict]:
    own = {m["id"]: m for _, m in entries(get(plan, "training", "modules")) if is_slug(m.get("id"))}
    return {**scope.org_modules, **own}


def _stages(plan: dict) -> list[tuple[int, dict]]:
    return entries(plan.get("stages"))


def _required(plan: dict) -> Requirements:
    """The tier table's column for this plan (macros/tiers.py): what its tier requires."""
    return requirements(plan.get("risk_tier"))


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


PLURALS = {PERSON: "people", AUDIENCE: "teams and people"}


def _known_list(kind: str, known: Iterable[str]) -> str:
    names = sorted(k for k in known if isinstance(k, str))
    plural = PLURALS.get(kind, kind + "s")
    shown = ", ".join(names[:20]) + (f", … ({len(names)} in all)" if len(names) > 20 else "")
    return f"Known {plural}: {shown}." if names else f"No {kind} is defined yet."


def reads(*fields: str) -> Callable:
    """Declare the fields a rule reads, for the format reference. Only ids, dates, numbers,
    enumerations and the presence of a key: never the words of a free-text field."""

    def declare(rule: Callable) -> Callable:
        rule.reads = fields
        return rule

    return declare


def emits(*ids: str) -> Callable:
    """Declare the rule ids a rule prints, where they are not its name (`rule_tier_review`
    prints `tier-review`, `review-output` and `review-covers`): the reference lists them."""

    def declare(rule: Callable) -> Callable:
        rule.emits = ids
        return rule

    return declare


def rule_ids(rule: Callable) -> tuple[str, ...]:
    """The ids a rule prints in `[...]`: declared with `emits`, or its name."""
    return getattr(rule, "emits", (rule.__name__.removeprefix("rule_").replace("_", "-"),))


# --- the rules --------------------------------------------------------------------------------


@reads('id', 'the file name')
def rule_file_name(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 1: the file stem equals the plan id, and is itself a valid id."""
    for doc in scope.plans:
        stem = doc.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        plan_id = doc.data.get("id")
        if not is_slug(stem):
            yield scope.report(doc, (), ERROR, "file-name",
                               f"the file name '{stem}.yaml' is not a valid plan id",
                               "Name plan files with lowercase letters, digits and hyphens.")
        elif isinstance(plan_id, str) and plan_id != stem:
            yield scope.report(doc, ("id",), ERROR, "file-name",
                               f"'{plan_id}' does not match the file name '{stem}.yaml'",
                               f"Rename the file to {plan_id}.yaml, or set id: {stem}.")


@reads('every id and `former_ids` in plans and plans/_org.yaml')
def rule_unique_id(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 1: ids are unique in their collection; people, teams and tools share one namespace;
    training modules are unique across the whole handbook (their pages are /training/<id>/)."""

    def duplicates(doc: Document, patterns: list[tuple], kind: str, seen: dict, reserved=()):
        for pattern in patterns:
            for path, value in select(doc.data, pattern):
                if not isinstance(value, str):
                    continue
                if value in reserved:
                    yield scope.report(doc, path, ERROR, "unique-id",
                                       f"'{value}' is reserved for a section of the plan page",
                                       "Choose another id.")
                elif value in seen:
                    other_doc, other_path, other_kind = seen[value]
                    where = f"line {other_doc.position(other_path)[0]}"
                    if other_doc is not doc:
                        where += f" of {other_doc.file}"
                    yield scope.report(doc, path, ERROR, "unique-id",
                                       f"the id '{value}' is already used by the {other_kind} "
                                       f"on {where}", "Ids must be unique; rename one of them.")
                else:
                    seen[value] = (doc, path, kind)

    if scope.org:
        registry: dict = {}
        for name, kind in (("people", PERSON), ("teams", TEAM), ("tools", TOOL)):
            yield from duplicates(scope.org, [(name, "*", "id")], kind, registry)
    if scope.faq:
        yield from duplicates(scope.faq, [("faq", "*", "id")], "FAQ entry", {})
    modules: dict = {}
    if scope.org:
        yield from duplicates(scope.org, [("training", "*", "id")], MODULE, modules)
    for doc in scope.plans:
        yield from duplicates(doc, [("training", "modules", "*", "id")], MODULE, modules)
        yield from duplicates(doc, PLAN_PAGE_IDS, "use, review rule or escalation path", {},
                              reserved=PLAN_SECTIONS)
        for kind, patterns in PLAN_COLLECTIONS.items():
            yield from duplicates(doc, patterns, kind, {})
        for i, _stage in _stages(doc.data):
            yield from duplicates(doc, [("stages", i, "checklist", "*", "id"),
                                        ("stages", i, "gate", "criteria", "*", "id")],
                                  "checklist item or criterion", {})


@reads('id', 'former_ids', 'stages[].former_ids', "training modules' former_ids")
def rule_former_id(scope: Scope) -> Iterator[Diagnostic]:
    """Renames keep links: an old id redirects to the new one, so no id may take over a former
    id of something else (its old links would land on the wrong page)."""

    def clashes(docs_paths: list[tuple[Document, tuple, tuple]], kind: str):
        current: dict[str, tuple] = {}
        former: dict[str, tuple] = {}
        for doc, id_path, former_path in docs_paths:
            own = get(doc.data, *id_path)
            if isinstance(own, str):
                current[own] = (doc, id_path)
            for i, old in enumerate(texts(get(doc.data, *former_path))):
                former.setdefault(old, (doc, former_path + (i,), own))
        for old, (doc, path, owner) in former.items():
            if old == owner:
                yield scope.report(doc, path, ERROR, "former-id",
                                   f"'{old}' is this {kind}'s current id, not a former one",
                                   "List only ids it no longer has.")
            elif old in current:
                yield scope.report(doc, path, ERROR, "former-id",
                                   f"'{old}' is a former id of '{owner}' but is now the id of "
                                   f"another {kind}", f"Give the other {kind} a new id, or "
                                   "drop the former id (its old links would break).")

    yield from clashes([(d, ("id",), ("former_ids",)) for d in scope.plans], "plan")
    for doc in scope.plans:
        yield from clashes([(doc, ("stages", i, "id"), ("stages", i, "former_ids"))
                            for i, _ in _stages(doc.data)], "stage")
    modules = []
    if scope.org:
        modules += [(scope.org, ("training", i, "id"), ("training", i, "former_ids"))
                    for i, _ in entries(scope.org.data.get("training"))]
    for doc in scope.plans:
        modules += [(doc, ("training", "modules", i, "id"),
                     ("training", "modules", i, "former_ids"))
                    for i, _ in entries(get(doc.data, "training", "modules"))]
    yield from clashes(modules, "training module")


@reads('every field that names a person, team, tool, module, metric or stage (ids only)')
def rule_ref(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 1: every person, team, tool, module, metric, stage and use named must exist."""
    registries = {PERSON: scope.people, TEAM: scope.teams, TOOL: scope.tools}
    registries[AUDIENCE] = {**scope.people, **scope.teams}
    # Without a readable _org.yaml (its own error is reported) nothing can be resolved against
    # it: a reference error per plan would bury the one that matters.
    unjudged = set() if scope.org is not None else {PERSON, TEAM, TOOL, AUDIENCE, MODULE}

    def check(doc: Document, table, local: dict[str, set],
              renamed: dict[str, dict[str, str]]) -> Iterator[Diagnostic]:
        for pattern, kind in table:
            if kind in unjudged:
                continue
            known = local.get(kind) if kind in local else registries.get(kind, {})
            for path, value in select(doc.data, pattern):
                if not isinstance(value, str) or value in known or is_placeholder(value):
                    continue  # placeholders are reported once, by the schema step
                where = ("in this plan or plans/_org.yaml" if kind == MODULE else
                         "in this plan" if kind in local else "in plans/_org.yaml")
                message = f"'{value}' is not a {kind} {where}"
                other = next((k for k, r in registries.items()
                              if k not in (kind, AUDIENCE) and value in r), None)
                if other:
                    message += f" (it is a {other})"
                new = renamed.get(kind, {}).get(value)
                if new:  # a leftover reference to a renamed stage or module, not a typo
                    yield scope.report(doc, path, ERROR, "ref", f"{message}: it was renamed "
                                       f"to '{new}'", f"Write '{new}', its id since the rename.")
                    continue
                message += _suggest(value, known)
                hint = _known_list(kind, known)
                if kind == STAGE and doc is scope.org:  # help for everyone's from_stage
                    hint = ("The organisation has no stages: remove from_stage here, or move "
                            "the entry into a plan's support, whose stages it can name.")
                yield scope.report(doc, path, ERROR, "ref", message, hint)

    if scope.org:
        yield from check(scope.org, ORG_REFERENCES, {},
                         {MODULE: _renamed(scope.org_modules.values())})
    for doc in scope.plans:
        plan = doc.data
        renamed = {STAGE: _renamed(s for _, s in _stages(plan)), MODULE: _renamed(
            _modules_of(scope, plan).values())}
        local = {
            MODULE: set(_modules_of(scope, plan)),
            METRIC: {m.get("id") for _, m in entries(plan.get("monitoring"))},
            STAGE: {s.get("id") for _, s in _stages(plan)},
        }
        yield from check(doc, PLAN_REFERENCES, local, renamed)


def _renamed(items: Iterable[dict]) -> dict[str, str]:
    """{former id: current id} of stages or modules (`former_ids`)."""
    return {old: item["id"] for item in items if isinstance(item.get("id"), str)
            for old in texts(item.get("former_ids"))}


@reads('scope.tools', 'tools[].status in plans/_org.yaml')
def rule_tool_status(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 11: a plan's tools are `approved`; a prohibited tool named anywhere is an error."""
    for doc in scope.plans:
        for path, tool_id in select(doc.data, ("scope", "tools", "*")):
            status = get(scope.tools.get(tool_id), "status")
            if status == "prohibited":
                yield scope.report(doc, path, ERROR, "tool-status",
                                   f"'{tool_id}' is a prohibited tool",
                                   "Prohibited tools must not be used by any plan; remove it.")
            elif status == "restricted":
                yield scope.report(doc, path, ERROR, "tool-status",
                                   f"'{tool_id}' is restricted, not approved",
                                   "Only approved tools may be rolled out; ask governance to "
                                   "approve it in plans/_org.yaml first.")


def strings(data: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) for every string anywhere in `data`."""
    if isinstance(data, str):
        yield prefix, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, prefix + (index,))


@reads('every text value, only for the `TODO(` prefix that `handbook new` writes')
def rule_placeholder(scope: Scope) -> Iterator[Diagnostic]:
    """`handbook new` and `init` leave `TODO(kind): what to write` values; none may reach the
    handbook."""
    for doc in ([scope.org] if scope.org else []) + scope.plans + _faq_file(scope):
        for path, text in strings(doc.data):
            if is_placeholder(text):
                yield scope.report(doc, path, ERROR, "placeholder",
                                   f"still a placeholder: {text}",
                                   "Replace it with the real value.")


@reads('every text value, only for invisible control and direction characters')
def rule_text_hazard(scope: Scope) -> Iterator[Diagnostic]:
    """Invisible characters (control codes, bidi overrides) can hide text: refused everywhere."""
    for doc in ([scope.org] if scope.org else []) + scope.plans + _faq_file(scope):
        for path, text in strings(doc.data):
            bad = _HAZARD.search(text)
            if bad is not None:
                yield scope.report(doc, path, ERROR, "text-hazard",
                                   f"contains the invisible character U+{ord(bad.group()):04X}",
                                   "Retype the text; invisible control and direction characters "
                                   "can hide what it says.")


@reads("people's `github`, and `contact` when it holds an @, of those plans name as owner, "
       "definition_owner or sponsor (only whether CODEOWNERS can use it)")
def rule_codeowners_handle(scope: Scope) -> Iterator[Diagnostic]:
    """CODEOWNERS is written from the `github` user name or e-mail contact of the people who
    own plans: each must be one clean owner, so no contact can add a line or an owner."""
    if scope.org is None:
        return
    named = named_owners(doc.data for doc in scope.plans)
    for index, person in entries(scope.org.data.get("people")):
        found = codeowners_problem(person) if is_slug(person.get("id")) \
            and person["id"] in named else None
        if found is not None:
            field, message = found
            yield scope.report(
                scope.org, ("people", index, field), ERROR, "codeowners-handle", message,
                "Write one e-mail address (name@example.com) or one GitHub @user or @org/team "
                "and nothing else; or give the person a `github:` user name, and the contact "
                "stays free text for the pages.")


@reads('status', 'approval', 'review_by')
def rule_approval(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 9 and the tier table: approved and active plans carry approval and review_by."""
    for doc in scope.plans:
        status = doc.data.get("status")
        if status not in APPROVAL_STATUSES:
            continue
        for key in ("approval", "review_by"):
            if key not in doc.data:
                yield scope.report(doc, ("status",), ERROR, "approval",
                                   f"a plan that is {status} needs '{key}'",
                                   "Add approval: {by: <person>, date: YYYY-MM-DD} and "
                                   "review_by: YYYY-MM-DD." if key == "approval" else
                                   "Add review_by: YYYY-MM-DD, the date of the next review.")


@reads('review_by', 'status', 'owner')
def rule_review_overdue(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 9: review_by in the past is a warning; the page shows the plan as overdue."""
    for doc in scope.plans:
        due = parse_date(doc.data.get("review_by"))
        if due and due < scope.today and doc.data.get("status") != "retired":
            owner = doc.data.get("owner")
            name = get(scope.people.get(owner), "name", default=owner or "the owner")
            yield scope.report(doc, ("review_by",), WARNING, "review-overdue",
                               f"the review was due on {due.isoformat()}; {name} owns the plan",
                               "Review the plan, then set a new review_by date.")


@reads('risk_tier', 'owner', 'scope.tools', 'uses.allowed', 'uses.prohibited',
       'data_rules.never_enter')
def rule_tier_required(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table, first row: required at every tier."""
    what = {("owner",): "a business owner", ("scope", "tools"): "the tools used",
            ("uses", "allowed"): "the allowed uses", ("uses", "prohibited"): "the prohibited uses",
            ("data_rules", "never_enter"): "the data that must never be entered"}
    for doc in scope.plans:
        for path in ALWAYS_REQUIRED:
            value = get(doc.data, *path)
            if value in (None, [], ""):
                yield scope.report(doc, path, ERROR, "tier-required",
                                   f"is required at every tier ({what[path]})",
                                   f"Add {display_path(path)} to the plan.")


def _normalised(text: str) -> str:
    """Text compared as an id: case, runs of spaces and a final full stop do not count."""
    return " ".join(text.casefold().split()).rstrip(".;:!")


@emits("tier-review", "review-output", "review-covers")
@reads('risk_tier', 'review[].covers', 'review[].output (compared with scope.outputs as exact '
       'text)', 'review[].mode', 'scope.outputs', 'stages[0].pattern')
def rule_tier_review(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 review rule; medium one per output; high approval-first or a
    read-only first stage. A review rule names the outputs it covers in `covers` (a list of
    scope.outputs entries, or `all`); without it, its `output` text is compared with
    scope.outputs (case, spacing and a final full stop aside): a text that names none is a
    warning, never an error, as it was valid before `covers` existed."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        rules = entries(plan.get("review"))
        if not rules:
            yield scope.report(doc, ("review",), ERROR, "tier-review",
                               "at least one human review rule is required",
                               "Add review: [{id, output, reviewer, mode}].")
            continue
        outputs = {_normalised(o): o for _, o in select(plan, ("scope", "outputs", "*"))
                   if isinstance(o, str)}
        covered: set[str] = set()
        for i, rule in rules:
            if "covers" in rule:
                yield from _review_covers(scope, doc, i, rule.get("covers"), outputs, covered)
            else:
                yield from _review_output(scope, doc, i, rule.get("output"), outputs, covered)
        # A covers the schema refuses (`covers: everything`) leaves coverage unknown: its type
        # error is the one diagnostic, not an uncovered output as well.
        shapeless = any("covers" in r and r["covers"] != "all" and not texts(r["covers"])
                        for _, r in rules)
        if required.review in (PER_OUTPUT, APPROVAL_FIRST) and not shapeless:
            for path, output in select(plan, ("scope", "outputs", "*")):
                if isinstance(output, str) and _normalised(output) not in covered:
                    yield scope.report(doc, path, ERROR, "tier-review",
                                       f"the output '{output}' has no review rule (required "
                                       "at medium and high tier)",
                                       f"Add a review rule with covers: [{output}], or add it "
                                       "to the covers of a rule that reviews it.")
        if required.review == APPROVAL_FIRST:
            first_pattern = get(plan, "stages", 0, "pattern")
            if first_pattern != "read_only":
                for i, r in rules:
                    if r.get("mode") != "approval_first":
                        yield scope.report(doc, ("review", i, "mode"), ERROR, "tier-review",
                                           "at high tier every review is approval_first unless "
                                           "the first stage is read_only",
                                           "Set mode: approval_first, or start with a read_only "
                                           "stage.")


def _review_covers(scope: Scope, doc: Document, i: int, covers: Any, outputs: dict[str, str],
                   covered: set[str]) -> Iterator[Diagnostic]:
    """`covers: all` or `covers: [<output>, …]`: structured, so an entry that is not one of
    scope.outputs is an error (the schema reports a value of the wrong shape)."""
    if covers == "all":
        covered.update(outputs)
        return
    for j, named in enumerate(texts(covers)):
        key = _normalised(named)
        if key in outputs:
            covered.add(key)
        elif outputs:
            yield scope.report(doc, ("review", i, "covers", j), ERROR, "review-covers",
                               f"'{named}' is not one of scope.outputs"
                               + _suggest(named, outputs.values()),
                               "Name each output exactly as scope.outputs lists it: "
                               + "; ".join(outputs.values()) + "; or write covers: all.")
        else:
            yield scope.report(doc, ("review", i, "covers", j), ERROR, "review-covers",
                               f"'{named}' names an output, but scope.outputs lists none",
                               "Add the outputs to scope.outputs, or write covers: all.")


def _review_output(scope: Scope, doc: Document, i: int, named: Any, outputs: dict[str, str],
                   covered: set[str]) -> Iterator[Diagnostic]:
    """A review rule without `covers`: its `output` text, compared with scope.outputs."""
    if not isinstance(named, str) or not outputs:
        return
    key = _normalised(named)
    if key in outputs:
        covered.add(key)
        return
    # An older plan may abbreviate ("Draft reply" for "Draft reply text"): under 0.1.0 such a
    # rule covered every output it is a part of (or that is a part of it), so it still does,
    # but the link is made explicit before anything relies on it.
    partial = [o for k, o in outputs.items() if key and (key in k or k in key)]
    if partial:
        covered.update(_normalised(o) for o in partial)
        meant = " and ".join(f"'{o}'" for o in partial)
        yield scope.report(doc, ("review", i, "output"), WARNING, "review-output",
                           f"'{named}' is not one of scope.outputs; it is taken to "
                           f"{'mean' if len(partial) == 1 else 'cover'} {meant}",
                           f"Write covers: [{', '.join(partial)}] in this review rule.")
        return
    # Valid before 0.2.0 (a catch-all such as "All our drafts"): a warning naming the field
    # that says what the rule covers; at medium and high tier the uncovered outputs keep their
    # own tier-review error.
    yield scope.report(doc, ("review", i, "output"), WARNING, "review-output",
                       f"'{named}' is not one of scope.outputs, so which outputs this rule "
                       "covers is not known" + _suggest(named, outputs.values()),
                       "Add covers: all, or covers: [<output>, ...] naming entries of "
                       "scope.outputs: " + "; ".join(outputs.values()) + ".")


@reads('risk_tier', 'stages[].gate', 'stages[].gate.criteria[].blocking')
def rule_tier_stages(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 stage; medium >= 2, gates on all but the last; high >= 3 and every
    gate has a blocking criterion."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        stages = _stages(plan)
        if len(stages) < required.min_stages:
            yield scope.report(doc, ("stages",), ERROR, "tier-stages",
                               f"a {required.tier}-tier plan needs at least "
                               f"{required.min_stages} stage(s); it has {len(stages)}",
                               "Expand in controlled stages, each ending in a gate (seed 000).")
        for n, (i, stage) in enumerate(stages):
            gate = stage.get("gate")
            if (required.gate_on_every_stage_but_last and n < len(stages) - 1
                    and not isinstance(gate, dict)):
                yield scope.report(doc, ("stages", i), ERROR, "tier-stages",
                                   f"stage '{stage.get('id')}' has no gate; every stage but the "
                                   "last needs one at this tier",
                                   "Add gate: {decider, criteria, outcomes}.")
            elif required.blocking_criterion_on_every_gate and isinstance(gate, dict):
                if not any(c.get("blocking") is True for _, c in entries(gate.get("criteria"))):
                    yield scope.report(doc, ("stages", i, "gate"), ERROR, "tier-stages",
                                       "at high tier a gate needs at least one blocking criterion",
                                       "Mark the criterion that must be met with blocking: true.")


@reads('risk_tier', 'training.modules', 'stages[].training', 'stages[].headcount',
       'stages[].teams', 'stages[].people', 'review[].reviewer', "modules' audience")
def rule_tier_training(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low >= 1 module; medium each stage that adds people requires a module; high
    also trains the reviewers."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        own = entries(get(plan, "training", "modules"))
        needed = {m for _, s in _stages(plan) for m in texts(s.get("training"))}
        if not own and not needed:
            yield scope.report(doc, ("training",), ERROR, "tier-training",
                               "at least one training module is required",
                               "Add training.modules, or require an organisation-wide module "
                               "in a stage's training list.")
        if required.training_per_stage_that_adds_people:
            for i, stage in _stages(plan):
                if gives_access(stage) and not texts(stage.get("training")):
                    yield scope.report(doc, ("stages", i), ERROR, "tier-training",
                                       f"stage '{stage.get('id')}' adds people but requires no "
                                       "training", "List the modules required before access in "
                                       "the stage's training.")
        if required.reviewers_trained:
            modules = _modules_of(scope, plan)
            trained = {a for m in needed for a in texts(get(modules.get(m), "audience"))}
            judged = needed <= set(modules)  # an unknown module is the ref rule's finding
            for i, rule in entries(plan.get("review")):
                reviewer = rule.get("reviewer")
                if (judged and isinstance(reviewer, str) and reviewer not in trained
                        and scope.known(AUDIENCE, reviewer)):
                    yield scope.report(doc, ("review", i, "reviewer"), ERROR, "tier-training",
                                       f"the reviewer '{reviewer}' is not in the audience of any "
                                       "module a stage requires (high tier)",
                                       "Add the reviewer to the audience of a required module.")


@reads('risk_tier', 'support.owner', 'support.tiers[].response_time', 'issue_reporting')
def rule_tier_support(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: support owner always; issue reporting at medium and high; support tiers with
    response times at high."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        if not get(plan, "support", "owner"):
            yield scope.report(doc, ("support",), ERROR, "tier-support",
                               "a named support owner is required; champions alone are not "
                               "support", "Add support: {owner: <person>}.")
        if required.issue_reporting and not isinstance(plan.get("issue_reporting"), dict):
            yield scope.report(doc, (), ERROR, "tier-support",
                               "issue_reporting is required at medium and high tier",
                               "Add issue_reporting: {channel, triage_owner, capture}.")
        tiers = entries(get(plan, "support", "tiers"))
        if required.support_tiers and not tiers:
            yield scope.report(doc, ("support",), ERROR, "tier-support",
                               "support tiers with response times are required at high tier",
                               "Add support.tiers with level, name and response_time.")
        if required.response_time_on_every_tier:
            for i, t in tiers:
                if not t.get("response_time"):
                    yield scope.report(doc, ("support", "tiers", i), ERROR, "tier-support",
                                       "every support tier needs a response_time at high tier",
                                       "Add response_time, e.g. 24 hours.")


@reads('support.champions', 'support.champion_groups', 'stages[].headcount',
       'stages[].headcount_by_team', 'stages[].teams', 'stages[].leave', 'risk_tier',
       'teams[].headcount, support.champion_groups and support.people_per_champion in '
       'plans/_org.yaml')
def rule_champion_ratio(scope: Scope) -> Iterator[Diagnostic]:
    """A plan that names champions has enough of them at every stage: people with access (from
    headcounts) per champion at most the organisation's ratio (default 50, seed 003). A
    warning; an error at high tier where the plan uses champion_groups."""
    org = scope.org.data if scope.org else {}
    org_help = build_help(org.get("support"))
    sizes = {t: n for t, team in scope.teams.items()
             if isinstance(n := team.get("headcount"), int)}
    for doc in scope.plans:
        plan = doc.data
        own = build_help(get(plan, "support"))
        stages = [s for _, s in _stages(plan)]
        users = tuple(texts(get(plan, "scope", "users")))
        strict = plan.get("risk_tier") == "high" and bool(own.champion_groups)
        for i, stage in _stages(plan):
            people, teams = with_access(stages, users, sizes, i)
            champions = champions_at(own, org_help, stages, i, teams)
            if not (own.names_champions or champions) or not gives_access(stage):
                continue  # no champion anywhere: the pages say so; the ratio needs one
            ratio = org_help.people_per_champion
            if people <= ratio * len(champions):
                continue
            need = champions_needed(people, ratio)
            have = f"{len(champions)} champion" + ("s help" if len(champions) != 1 else
                                                   " helps")
            said = (f"{have} them, more than {ratio} people per champion" if champions
                    else "no champion helps them yet")
            yield scope.report(
                doc, ("stages", i), ERROR if strict else WARNING, "champion-ratio",
                f"{people} people have access at this stage and {said}",
                f"At most {ratio} people per champion (support.people_per_champion in "
                f"plans/_org.yaml, 50 unless set): name at least {need} champions for this "
                "stage in support.champion_groups (people, teams, from_stage).")


def _outside_access(scope: Scope, where: tuple, field: str) -> Iterator[tuple]:
    """(doc, path, team) for each known team that `field` of the entries at `where` names and
    the plan never gives access (not a user, in no stage): whom that part can never reach."""
    for doc in scope.plans:
        plan = doc.data
        named = set(texts(get(plan, "scope", "users"))) | {
            t for _, s in _stages(plan) for t in texts(s.get("teams"))}
        for i, item in entries(get(plan, *where)):
            for n, team in enumerate(texts(item.get(field))):
                if scope.known(TEAM, team) and team not in named:
                    yield doc, (*where, i, field, n), team


@reads('support.champion_groups[].teams', 'scope.users', 'stages[].teams')
def rule_champion_team(scope: Scope) -> Iterator[Diagnostic]:
    """A plan's champion group helps teams the plan gives access: elsewhere it helps nobody,
    and no team page names it."""
    for doc, path, team in _outside_access(scope, ("support", "champion_groups"), "teams"):
        yield scope.report(doc, path, ERROR, "champion-team", f"the team '{team}' never gets "
                           "access under this plan, so these champions would help nobody there",
                           "Name a team of scope.users or of a stage; champions for other "
                           "teams belong in support.champion_groups of plans/_org.yaml.")


@reads('support.channels[].opens', 'support.channels[].closes', 'support.office_hours[].time',
       'support.office_hours[].minutes', 'the same in plans/_org.yaml')
def rule_support_hours(scope: Scope) -> Iterator[Diagnostic]:
    """A help channel closes after it opens, and office hours end on the day they start."""
    docs = ([scope.org] if scope.org else []) + scope.plans
    for doc in docs:
        for i, channel in entries(get(doc.data, "support", "channels")):
            opens = minutes_of(str(channel.get("opens", "")))
            closes = minutes_of(str(channel.get("closes", "")))
            if opens is not None and closes is not None and closes <= opens:
                yield scope.report(doc, ("support", "channels", i, "closes"), ERROR,
                                   "support-hours", f"the channel closes at "
                                   f"{channel['closes']}, not after it opens at "
                                   f"{channel['opens']}", "Write the hours on the 24-hour "
                                   "clock, e.g. opens: \"08:00\", closes: \"18:00\".")
        for i, session in entries(get(doc.data, "support", "office_hours")):
            start = minutes_of(str(session.get("time", "")))
            length = session.get("minutes")
            if start is not None and isinstance(length, int) and start + length > 24 * 60:
                yield scope.report(doc, ("support", "office_hours", i, "minutes"), ERROR,
                                   "support-hours", f"a session starting at "
                                   f"{session['time']} for {length} minutes runs past midnight",
                                   "Shorten it, or start it earlier.")


@reads('risk_tier', 'escalation[].steps[].contact', 'pause.authority')
def rule_tier_escalation(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: escalation is a warning at low, required at medium; at high every path ends
    with someone who has pause authority."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        paths = entries(plan.get("escalation"))
        if not paths:
            yield scope.report(doc, (), required.escalation, "tier-escalation",
                               "no escalation path: staff will not know who to call when "
                               "something goes wrong", "Add escalation: [{id, when, steps}].")
        if required.escalation_ends_with_pause_authority:
            authority = set(texts(get(plan, "pause", "authority")))
            if not all(scope.known(PERSON, p) for p in authority):
                continue  # a misspelt authority is the ref rule's finding, not every path's
            for i, path in paths:
                steps = entries(path.get("steps"))
                last = steps[-1][1].get("contact") if steps else None
                if steps and last not in authority and scope.known(PERSON, last):
                    yield scope.report(doc, ("escalation", i, "steps", steps[-1][0], "contact"),
                                       ERROR, "tier-escalation",
                                       f"the path '{path.get('id')}' ends at '{last}', who has no "
                                       "pause authority (high tier)",
                                       "End the path with someone listed in pause.authority.")


@reads('risk_tier', 'monitoring[].area')
def rule_tier_monitoring(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: low monitors quality and value; medium and high all six areas."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        areas = {m.get("area") for _, m in entries(plan.get("monitoring"))}
        missing = [a for a in required.monitoring_areas if a not in areas]
        if missing:
            yield scope.report(doc, ("monitoring",), ERROR, "tier-monitoring",
                               f"no metric for {', '.join(missing)} (required at "
                               f"{required.tier} tier)",
                               "Add a monitoring entry with area: " + missing[0] + ".")


@reads('monitoring[].area')
def rule_monitoring_adoption_only(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 7: monitoring only adoption is an error; usage alone is not success (seed 000)."""
    for doc in scope.plans:
        areas = {m.get("area") for _, m in entries(doc.data.get("monitoring"))}
        if areas == {"adoption"}:
            yield scope.report(doc, ("monitoring",), ERROR, "monitoring-adoption-only",
                               "only adoption is monitored; usage alone is not success",
                               "Add quality and value metrics.")


@reads('risk_tier', 'pause.authority', 'pause.triggers', 'pause.fallbacks',
       'pause.return_to_normal')
def rule_tier_pause(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: pause authority always; triggers, fallbacks and return_to_normal at medium;
    two people with authority at high."""
    for doc in scope.plans:
        plan, required = doc.data, _required(doc.data)
        for key in required.pause_keys:
            if not get(plan, "pause", key):
                yield scope.report(doc, ("pause", key), ERROR, "tier-pause",
                                   f"is required at {required.tier} tier",
                                   "Say who can pause, when, what happens instead, and how use "
                                   "resumes.")
        authority = texts(get(plan, "pause", "authority"))
        if 0 < len(set(authority)) < required.min_pause_authority:
            yield scope.report(doc, ("pause", "authority"), ERROR, "tier-pause",
                               f"at {required.tier} tier at least "
                               f"{NUMBER_WORDS.get(required.min_pause_authority)} people must be "
                               "able to pause",
                               "Add a second person to pause.authority.")


@emits("tier-communications", "communication-timing")
@reads('risk_tier', 'communications[].before', 'communications[].date',
       'communications[].at_each_gate', 'stages[0].id', 'stages[0].start (never `when`)')
def rule_tier_communications(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: medium and high announce the rollout before the first stage. Only the
    structured timing counts (`before: <stage-id>`, or a `date` before the first stage starts);
    `when` is words for people and is never read."""
    for doc in scope.plans:
        plan = doc.data
        if not _required(plan).communication_before_first_stage:
            continue
        first = get(plan, "stages", 0, default={})
        first_id = first.get("id") if isinstance(first.get("id"), str) else None
        start = parse_date(first.get("start"))
        messages = entries(plan.get("communications"))
        timed = [(i, c) for i, c in messages if any(k in c for k in ("before", "date",
                                                                      "at_each_gate"))]
        stage_ids = {s.get("id") for _, s in _stages(plan)}
        if any("before" in c and c["before"] not in stage_ids for _, c in timed):
            continue  # the unknown stage is reported by rule_ref: one mistake, one diagnostic
        dates = [(i, parse_date(c.get("date"))) for i, c in timed if parse_date(c.get("date"))]
        if any(first_id and c.get("before") == first_id for _, c in timed) or any(
                start and date < start for _, date in dates):
            continue
        untimed = [i for i, c in messages if (i, c) not in timed]
        target = first_id or "<first-stage-id>"
        if dates and start is None:
            yield scope.report(doc, ("communications", dates[0][0], "date"), WARNING,
                               "communication-timing",
                               "the first stage has no start date, so this date cannot be "
                               "compared with it", f"Add before: {target}, or a start date to "
                               "the first stage.")
        elif untimed:
            # Older plans say it in words only: they stay valid, and learn the field to add.
            yield scope.report(doc, ("communications", untimed[0]), WARNING,
                               "communication-timing",
                               "no message is marked as going out before the first stage; "
                               "'when' is read by people, not by the check",
                               f"Add before: {target} to the message that announces the "
                               "rollout (or date: YYYY-MM-DD before the first stage starts).")
        else:
            yield scope.report(doc, ("communications",), ERROR, "tier-communications",
                               "no communication before the first stage",
                               f'Add communications: [{{when: "Two weeks before the start", '
                               f"before: {target}, audience, channel, message}}].")


@emits("tier-risks", "tier-governance")
@reads('risk_tier', 'risks', 'governance')
def rule_tier_risks_governance(scope: Scope) -> Iterator[Diagnostic]:
    """Tier table: risks and governance are warnings at medium, required at high."""
    for doc in scope.plans:
        severity = _required(doc.data).risks_and_governance
        if severity is None:
            continue
        for key, what in (("risks", "a risk register"), ("governance", "who may change the "
                                                          "definitions of good, and how")):
            if not doc.data.get(key):
                yield scope.report(doc, (), severity, f"tier-{key}",
                                   f"'{key}' is missing: {what}",
                                   f"Add {key} (required at high tier, recommended at medium).")


@reads('impact', 'risk_tier', 'whether tier_rationale is given (not what it says)')
def rule_impact_tier(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 6: high-stakes impact means high tier; any impact means at least medium, unless
    tier_rationale explains (then a warning)."""
    for doc in scope.plans:
        plan, tier = doc.data, _required(doc.data).rank
        impact = set(texts(plan.get("impact")))
        needed = TIERS.index(implied_tier(plan.get("impact")))
        if tier < needed:
            names = ", ".join(sorted(impact & HIGH_IMPACTS or impact))
            level = "high" if needed == 2 else "at least medium"
            explained = bool(plan.get("tier_rationale"))
            yield scope.report(doc, ("risk_tier",), WARNING if explained else ERROR,
                               "impact-tier", f"impact on {names} means the tier should be "
                               f"{level}", "tier_rationale explains the lower tier, and whoever "
                               "approves the plan reads it: raise risk_tier when it no longer "
                               "holds." if explained else
                               "Raise risk_tier, or explain in tier_rationale why not.")


@reads('stages[].access_percent', 'stages[].headcount', 'scope.users',
       'teams[].headcount in plans/_org.yaml', 'end_state')
def rule_stage_access(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 2: access shares rise to 100 (unless end_state: limited); headcounts match access
    shares within 10 %. An adoption target is a share of those with access at that stage
    (seed 003): it may fall as access widens, and may be above the access share itself. Once a
    stage says a team leaves (`leave`), access may fall: from there on neither the rise nor the
    headcounts can be judged from the sums, and neither is; a rollout that ends below 100 %
    says so with end_state: limited."""
    for doc in scope.plans:
        plan = doc.data
        stages = _stages(plan)
        users = texts(get(plan, "scope", "users"))
        population = sum(get(scope.teams.get(t), "headcount", default=0) for t in users)
        if not all(scope.known(TEAM, t) for t in users):
            population = 0  # an unknown user team spoils the total: the ref rule reports it
        previous_access = None
        added = 0
        for i, stage in stages:
            if texts(stage.get("leave")):
                break
            access = stage.get("access_percent")
            numeric = isinstance(access, (int, float)) and not isinstance(access, bool)
            if numeric and previous_access is not None and access <= previous_access:
                yield scope.report(doc, ("stages", i, "access_percent"), ERROR, "stage-access",
                                   f"{access} % does not rise above the previous stage's "
                                   f"{previous_access} %",
                                   "access_percent is cumulative: each stage reaches more people.")
            headcount = stage.get("headcount")
            if isinstance(headcount, int) and not isinstance(headcount, bool):
                added += headcount
                if numeric and population:
                    expected = population * access / 100
                    if abs(added - expected) > 0.1 * expected:
                        yield scope.report(doc, ("stages", i, "headcount"), WARNING,
                                           "stage-access", f"{added} people have access by this "
                                           f"stage, but {access} % of the {population} users is "
                                           f"{expected:g}", "Align headcount with access_percent "
                                           "(within 10 %), or fix the teams' headcounts.")
            if numeric:
                previous_access = access
        if stages and plan.get("end_state") != "limited":
            i, last = stages[-1]
            access = last.get("access_percent")
            if isinstance(access, (int, float)) and access != 100:
                yield scope.report(doc, ("stages", i, "access_percent"), ERROR, "stage-access",
                                   f"the last stage reaches {access} %, not 100 %",
                                   "End at 100 %, or set end_state: limited if the rollout "
                                   "deliberately stops short.")


@reads('stages[].start', 'stages[].end', 'decisions[].date', 'decisions[].stage')
def rule_stage_dates(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 3: stage dates are ordered and do not overlap; a decision falls after its stage's
    start."""
    for doc in scope.plans:
        plan = doc.data
        previous_end = None
        starts = {}
        for i, stage in _stages(plan):
            start, end = parse_date(stage.get("start")), parse_date(stage.get("end"))
            starts[stage.get("id")] = start
            if start and end and end < start:
                yield scope.report(doc, ("stages", i, "end"), ERROR, "stage-dates",
                                   f"ends on {end} before it starts on {start}",
                                   "Correct one of the dates: a stage ends on or after its start.")
            if start and previous_end and start <= previous_end[0]:
                yield scope.report(doc, ("stages", i, "start"), ERROR, "stage-dates",
                                   f"starts on {start}, on or before the day the previous "
                                   f"stage {previous_end[1]} on {previous_end[0]}",
                                   "Stages follow one another without overlapping.")
            if end or start:
                previous_end = (end, "ends") if end else (start, "starts")
        for i, decision in entries(plan.get("decisions")):
            date, start = parse_date(decision.get("date")), starts.get(decision.get("stage"))
            if date and start and date <= start:
                yield scope.report(doc, ("decisions", i, "date"), ERROR, "stage-dates",
                                   f"decided on {date}, not after the stage started on {start}",
                                   "A gate decides a stage that has begun: check the decision's "
                                   "date and stage.")


@reads('stages[].gate.outcomes')
def rule_gate_outcomes(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 4: a gate offers proceed and one of pause/stop."""
    for doc in scope.plans:
        for i, stage in _stages(doc.data):
            gate = stage.get("gate")
            if not isinstance(gate, dict):
                continue
            outcomes = set(texts(gate.get("outcomes")))
            if "proceed" not in outcomes or not outcomes & {"pause", "stop"}:
                yield scope.report(doc, ("stages", i, "gate", "outcomes"), ERROR, "gate-outcomes",
                                   "a gate must offer proceed and at least one of pause or stop",
                                   "e.g. outcomes: [proceed, extend, limit, pause, stop].")


@reads('decisions[].stage', 'decisions[].outcome', 'decisions[].date', 'decisions[].by',
       'stages[].gate.outcomes', 'stages[].gate.decider')
def rule_decision_log(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 5: a decision is one its gate offers, decisions are in date order, and after a
    stop nothing proceeds."""
    for doc in scope.plans:
        plan = doc.data
        gates = {s.get("id"): s.get("gate") for _, s in _stages(plan)}
        stages = _stages(plan)
        # Stages whose missing gate tier-stages reports: a decision there is not a second error.
        gate_required = {s.get("id") for n, (_, s) in enumerate(stages) if n < len(stages) - 1
                         and _required(plan).gate_on_every_stage_but_last}
        previous, stopped = None, False
        for i, decision in entries(plan.get("decisions")):
            stage, outcome = decision.get("stage"), decision.get("outcome")
            date = parse_date(decision.get("date"))
            if stage in gates:
                gate = gates[stage]
                if not isinstance(gate, dict):
                    if stage not in gate_required:
                        yield scope.report(doc, ("decisions", i, "stage"), ERROR,
                                           "decision-log", f"stage '{stage}' has no gate to "
                                           "decide", "Add a gate to the stage (decider, "
                                           "criteria, outcomes), or remove the decision.")
                elif outcome not in texts(gate.get("outcomes")):
                    yield scope.report(doc, ("decisions", i, "outcome"), ERROR, "decision-log",
                                       f"'{outcome}' is not an outcome the gate of '{stage}' "
                                       "offers",
                                       "Offered: " + ", ".join(texts(gate.get("outcomes"))))
                elif (decision.get("by") not in (None, gate.get("decider"))
                      and not (outcome == "pause" and decision.get("by") in texts(
                          get(plan, "pause", "authority")))
                      and scope.known(PERSON, decision.get("by"))
                      and scope.known(PERSON, gate.get("decider"))):
                    yield scope.report(doc, ("decisions", i, "by"), WARNING, "decision-log",
                                       f"decided by '{decision.get('by')}', but the gate's decider "
                                       f"is '{gate.get('decider')}'",
                                       "Record who decided, or change the gate's decider.")
            if date and previous and date < previous:
                yield scope.report(doc, ("decisions", i, "date"), ERROR, "decision-log",
                                   f"{date} comes before the previous decision ({previous})",
                                   "Keep the decision log in date order.")
            if stopped and outcome == "proceed":
                yield scope.report(doc, ("decisions", i, "outcome"), ERROR, "decision-log",
                                   "nothing may proceed after a stop decision",
                                   "Start a new plan, or correct the earlier stop.")
            stopped = stopped or outcome == "stop"
            previous = date or previous


@reads('stages[].headcount_by_team', 'stages[].headcount', 'stages[].teams')
def rule_headcount_split(scope: Scope) -> Iterator[Diagnostic]:
    """A headcount split by team names the stage's own teams and adds up to its headcount."""
    for doc in scope.plans:
        for i, stage in _stages(doc.data):
            split = stage.get("headcount_by_team")
            if not isinstance(split, dict) or not split:
                continue
            teams = texts(stage.get("teams"))
            for team in split:
                if isinstance(team, str) and scope.known(TEAM, team) and team not in teams:
                    yield scope.report(doc, ("stages", i, "headcount_by_team", team), ERROR,
                                       "headcount-split", f"'{team}' is not one of this "
                                       "stage's teams", "Split the headcount among the "
                                       "stage's teams: " + (", ".join(teams) or "add teams"))
            total = sum(n for n in split.values() if isinstance(n, int))
            headcount = stage.get("headcount")
            if headcount != total:
                said = "not given" if headcount is None else headcount
                yield scope.report(doc, ("stages", i, "headcount_by_team"), ERROR,
                                   "headcount-split", f"the split adds up to {total}, but "
                                   f"headcount is {said}",
                                   f"Set headcount: {total}, or correct the split.")


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


@reads('pauses[].by', 'pauses[].date', 'pauses[].fallbacks', 'pauses[].resume.date',
       'pauses[].resume.by', 'pause.authority', 'pause.fallbacks')
def rule_pause_entry(scope: Scope) -> Iterator[Diagnostic]:
    """A pause entry is taken and lifted by someone in pause.authority, names only fallbacks
    the plan lists, is not dated after today, and resumes on or after the day it began."""
    for doc in scope.plans:
        plan = doc.data
        authority = texts(get(plan, "pause", "authority"))
        listed = texts(get(plan, "pause", "fallbacks"))
        for i, entry in entries(plan.get("pauses")):
            resume = entry.get("resume") if isinstance(entry.get("resume"), dict) else {}
            for path, who in ((("pauses", i, "by"), entry.get("by")),
                              (("pauses", i, "resume", "by"), resume.get("by"))):
                if isinstance(who, str) and scope.known(PERSON, who) and who not in authority:
                    yield scope.report(doc, path, ERROR, "pause-entry",
                                       f"'{who}' does not have pause authority in this plan",
                                       "Record who paused or resumed it, or add that person "
                                       "to pause.authority.")
            for n, fallback in enumerate(texts(entry.get("fallbacks"))):
                if fallback not in listed:
                    yield scope.report(doc, ("pauses", i, "fallbacks", n), ERROR,
                                       "pause-entry", f"'{fallback}' is not one of this plan's "
                                       "pause.fallbacks", "Name fallbacks the plan lists: "
                                       + (", ".join(listed) or "add pause.fallbacks first") + ".")
            began, ended = parse_date(entry.get("date")), parse_date(resume.get("date"))
            if began and began > scope.today:
                yield scope.report(doc, ("pauses", i, "date"), ERROR, "pause-entry",
                                   f"the pause is dated {began}, after today ({scope.today})",
                                   "Record a pause once it is taken.")
            if began and ended and ended < began:
                yield scope.report(doc, ("pauses", i, "resume", "date"), ERROR, "pause-entry",
                                   f"use resumed on {ended}, before the pause began ({began})",
                                   "A resume is dated on or after its pause.")


@reads('stages[].training', 'stages[].headcount', 'stages[].teams', 'stages[].people',
       "modules' topics")
def rule_training_topics(scope: Scope) -> Iterator[Diagnostic]:
    """Rule 8: by the first stage that adds people, the required modules cover purpose, limits,
    data rules, review, escalation and issue reporting; missing overreliance is a warning."""
    for doc in scope.plans:
        plan = doc.data
        modules = _modules_of(scope, plan)
        required: list[str] = []
        for i, stage in _stages(plan):
            required += texts(stage.get("training"))
            if not gives_access(stage):
                continue
            if any(m not in modules for m in required):
                break  # an unknown module is reported by rule_ref; its topics cannot be judged
            covered = {t for m in required for t in texts(get(modules.get(m), "topics"))}
            missing = [t for t in REQUIRED_TOPICS if t not in covered]
            where = ("stages", i, "training") if "training" in stage else ("stages", i)
            if missing:
                yield scope.report(doc, where, ERROR, "training-topics",
                                   f"before access at stage '{stage.get('id')}', the required "
                                   f"training does not cover: {', '.join(missing)}",
                                   "Require a module whose topics include them (e.g. the "
                                   "organisation-wide basics).")
            elif "overreliance" not in covered:
                yield scope.report(doc, where, WARNING, "training-topics",
                                   f"before access at stage '{stage.get('id')}', no required module "
                                   "covers overreliance", "Add overreliance to a required module's "
                                   "topics.")
            break


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


@reads('monitoring[].target_value', 'monitoring[].pause_value', 'monitoring[].better',
       'monitoring[].pause_after_readings')
def rule_monitor_values(scope: Scope) -> Iterator[Diagnostic]:
    """Numeric targets and pause values need a direction, or nobody can tell a breach; readings
    in a row before a pause need a pause value to count against."""
    for doc in scope.plans:
        for i, monitor in entries(doc.data.get("monitoring")):
            numeric = [k for k in ("target_value", "pause_value") if k in monitor]
            if numeric and "better" not in monitor:
                yield scope.report(doc, ("monitoring", i, numeric[0]), ERROR, "monitor-values",
                                   f"{numeric[0]} is given without 'better'",
                                   "Add better: higher or better: lower.")
            if "pause_after_readings" in monitor and "pause_value" not in monitor:
                yield scope.report(doc, ("monitoring", i, "pause_after_readings"), ERROR,
                                   "monitor-values",
                                   "pause_after_readings is given without 'pause_value'",
                                   "Add pause_value and better, or remove "
                                   "pause_after_readings: it counts readings past the pause "
                                   "value.")


def _measured(scope: Scope, doc: Document) -> MeasurementFile | None:
    return scope.measurements.get(doc.data.get("id"))


@emits("measurement-plan", "measurement-metric")
@reads('the measurements file name', 'its metric column', 'monitoring[].id')
def rule_measurement_ref(scope: Scope) -> Iterator[Diagnostic]:
    """Measurements belong to a plan, and name one of its metrics."""
    plans = {doc.data.get("id"): doc for doc in scope.plans}
    for plan_id, measured in scope.measurements.items():
        doc = plans.get(plan_id)
        if doc is None and any(d.file.endswith(f"{plan_id}.yaml") and d.is_error
                               for d in scope.found):
            continue  # the plan is there but broken: its own errors say so
        if doc is None:
            yield Diagnostic(measured.file, 1, 1, ERROR, "measurement-plan",
                             f"there is no plan '{plan_id}' for these measurements",
                             f"Name the file <plan-id>{MEASUREMENTS_SUFFIX}.")
            continue
        metrics = {m.get("id") for _, m in entries(doc.data.get("monitoring"))}
        for row in measured.rows:
            if row.metric not in metrics:
                yield Diagnostic(measured.file, row.line, _metric_column(row), ERROR,
                                 "measurement-metric",
                                 f"'{row.metric}' is not a metric of {plan_id}"
                                 + _suggest(row.metric, [m for m in metrics if m]),
                                 _known_list(METRIC, [m for m in metrics if m]))


def _metric_column(row: Any) -> int:
    return len(row.date.isoformat()) + 2


def breached(value: float, pause_value: float, better: str) -> bool:
    """Reaching the pause value counts: 1 incident with pause_value 1 (better: lower) pauses."""
    return value >= pause_value if better == "lower" else value <= pause_value


def latest_breaches(monitoring: list, rows) -> list[tuple[dict, Any, Any]]:
    """(monitor, latest row, first row of the current breach) for each metric whose latest
    `pause_after_readings` measurements (default 1), one after another, all reach or pass its
    pause_value. Shared with the model."""
    found = []
    for monitor in monitoring:
        pause, better = monitor.get("pause_value"), monitor.get("better")
        if pause is None or better not in ("higher", "lower"):
            continue
        needed = monitor.get("pause_after_readings")
        needed = needed if isinstance(needed, int) and needed >= 1 else 1
        series = sorted((r for r in rows if r.metric == monitor.get("id")), key=lambda r: r.date)
        run = []  # the latest readings past the pause value, newest first
        for row in reversed(series):
            if not breached(row.value, pause, better):
                break
            run.append(row)
        if len(run) >= needed:
            found.append((monitor, series[-1], run[-1]))
    return found


@reads('monitoring[].pause_value', 'monitoring[].better', 'monitoring[].pause_after_readings',
       'the measurements', 'pause.authority')
def rule_pause_triggered(scope: Scope) -> Iterator[Diagnostic]:
    """A metric whose latest measurement reaches its pause value (its latest
    `pause_after_readings` in a row, when given): the pause authority must decide (a warning:
    the check cannot pause anything itself; every page shows a banner)."""
    for doc in scope.plans:
        measured = _measured(scope, doc)
        if measured is None:
            continue
        monitors = [m for _, m in entries(doc.data.get("monitoring"))]
        authority = [get(scope.people.get(p), "name", default=p)
                     for p in texts(get(doc.data, "pause", "authority"))]
        decisions = [d for _, d in entries(doc.data.get("decisions"))]
        for monitor, latest, since in latest_breaches(monitors, measured.rows):
            if _already_paused(doc.data, decisions, since.date):
                continue  # the pause authority has decided: nothing is waiting on them
            yield Diagnostic(measured.file, latest.line, 1, WARNING, "pause-triggered",
                             f"{monitor['id']} measured {latest.value:g} on {latest.date} "
                             f"(since {since.date}), "
                             f"{'at' if latest.value == monitor['pause_value'] else 'past'} its "
                             "pause value "
                             f"{monitor['pause_value']:g}; pause authority: "
                             f"{', '.join(authority) or 'nobody named'}",
                             "The pause authority decides now: pause, limit, or record why not "
                             "in the decision log.")


def _already_paused(plan: dict, decisions: list[dict], breach_since: dt.date) -> bool:
    """The plan is paused or stopped (its status, or a decision on or after the breach)."""
    if plan.get("status") == "paused":
        return True
    latest = decisions[-1] if decisions else {}
    decided = parse_date(latest.get("date"))
    if latest.get("outcome") in ("pause", "stop") and decided and decided >= breach_since:
        return True
    # A pause entry taken on or after the breach and not resumed since.
    return any(parse_date(e.get("date")) and parse_date(e.get("date")) >= breach_since
               and not isinstance(e.get("resume"), dict) for _, e in entries(plan.get("pauses")))


ABSURD = 1e12  # no count, duration, share or amount a rollout measures comes near this


@emits("measurement-date", "measurement-value")
@reads("the measurements' dates and values", 'stages[0].start',
       'monitoring[].unit (only the exact unit "%")')
def rule_measurement_sane(scope: Scope) -> Iterator[Diagnostic]:
    """A measurement is evidence only if it could have been taken: not in the future, not
    before the rollout began, and a value the metric's unit allows. `unit` is free text, so
    only the exact unit "%" is read as a share (0 to 100)."""
    for doc in scope.plans:
        measured = _measured(scope, doc)
        if measured is None:
            continue
        starts = [parse_date(stage.get("start")) for _, stage in _stages(doc.data)]
        first = starts[0] if starts else None
        units = {m.get("id"): m.get("unit") for _, m in entries(doc.data.get("monitoring"))}
        for row in measured.rows:
            if row.date > scope.today:
                yield Diagnostic(measured.file, row.line, 1, ERROR, "measurement-date",
                                 f"{row.metric} is dated {row.date}, after today "
                                 f"({scope.today})",
                                 "Record a measurement once it has been taken; check the year.")
            elif first and row.date < first:
                yield Diagnostic(measured.file, row.line, 1, ERROR, "measurement-date",
                                 f"{row.metric} is dated {row.date}, before the first stage "
                                 f"starts on {first}",
                                 "Keep baselines taken before the rollout out of this file, or "
                                 "check the date.")
            if abs(row.value) > ABSURD:
                yield Diagnostic(measured.file, row.line, row.value_column, ERROR,
                                 "measurement-value",
                                 f"{row.metric} is {row.value:g}, beyond ±{ABSURD:g}: "
                                 "not a plausible measurement",
                                 "Check the export: the value looks like an id or a timestamp.")
            elif units.get(row.metric) == "%" and not 0 <= row.value <= 100:
                yield Diagnostic(measured.file, row.line, row.value_column, ERROR,
                                 "measurement-value",
                                 f"{row.metric} is {row.value:g}, but its unit is % (0 to 100)",
                                 "Write shares as percentages: 22.5 for 22.5 %.")


@reads('stages[].teams', 'scope.users')
def rule_stage_team(scope: Scope) -> Iterator[Diagnostic]:
    """A team a stage gives access to is one of the plan's users: scope.users says who the
    plan is for, and every page that says who may do what reads the stages."""
    for doc in scope.plans:
        listed = get(doc.data, "scope", "users")
        users = set(texts(listed))
        if not isinstance(listed, list) or not users <= set(scope.teams):
            continue  # the schema or the ref rule already reports scope.users itself
        for i, stage in _stages(doc.data):
            for j, team in enumerate(stage.get("teams") or []):
                # A misspelt team (`suport`) is the ref rule's error alone: a hint to add it to
                # scope.users would copy the typo.
                if isinstance(team, str) and team not in users and team in scope.teams:
                    yield scope.report(doc, ("stages", i, "teams", j), WARNING, "stage-team",
                                       f"'{team}' gets access at this stage but is not among "
                                       "the plan's users (scope.users)",
                                       f"Add {team} to scope.users, or remove it from the "
                                       "stage.")


@reads('stages[].gate.criteria[].value', 'stages[].gate.criteria[].metric', 'monitoring[].better')
def rule_criterion_value(scope: Scope) -> Iterator[Diagnostic]:
    """A criterion's `value` is judged in the direction of its metric's `better`: without a
    metric that has one, nobody can tell whether it is met."""
    for doc in scope.plans:
        better = {m.get("id"): m.get("better") for _, m in entries(doc.data.get("monitoring"))}
        for i, stage in _stages(doc.data):
            for j, criterion in entries(get(stage, "gate", "criteria")):
                if "value" not in criterion:
                    continue
                metric = criterion.get("metric")
                path = ("stages", i, "gate", "criteria", j, "value")
                if not isinstance(metric, str):
                    yield scope.report(doc, path, ERROR, "criterion-value",
                                       "value is given without a metric to measure it",
                                       "Name the metric this value is judged on.")
                elif metric in better and better[metric] not in ("higher", "lower"):
                    yield scope.report(doc, path, ERROR, "criterion-value",
                                       f"value is given, but the metric '{metric}' has no "
                                       "'better'", f"Add better: higher or better: lower to "
                                       f"the metric {metric}.")


def _content_lines(doc: Document, path: tuple, text: str) -> dict[int, tuple[int, str]]:
    """Where each line of `content` sits in the file: {line of the text: (file line, file
    text)}, for a literal block (`content: |`) or a value on one line; {} when the file's lines
    are not exactly the content's (folded or escaped text), and the value's own line is used."""
    line, col = doc.position(path)
    try:
        source = doc.source.read_text(encoding="utf-8").splitlines() if doc.source else []
    except (OSError, UnicodeError):
        return {}
    if not 0 < line <= len(source):
        return {}
    lines = text.split("\n")
    if "\n" not in text:  # only what follows the value's start, not an earlier field
        return {0: (line, " " * (col - 1) + source[line - 1][col - 1:])}
    if not source[line - 1][col - 1:].startswith("|"):
        return {}
    body = source[line:line + len(lines)]
    if len(body) < len(lines) - 1 or any(want and not have.endswith(want)
                                         for want, have in zip(lines, body)):
        return {}
    return {n: (line + 1 + n, have) for n, have in enumerate(body)}


def _markdown_places(scope: Scope) -> list[tuple[Document, tuple, str]]:
    """Where Markdown is written: (file, list path, field): training modules' `content` and
    FAQ answers, which go through the same sanitiser."""
    places = [(scope.org, ("training",), "content")] if scope.org else []
    places += [(doc, ("training", "modules"), "content") for doc in scope.plans]
    return places + [(doc, ("faq",), "answer") for doc in scope.plans + _faq_file(scope)]


@reads("training modules' content and FAQ answers (length, and brackets left open)")
def rule_content_limit(scope: Scope) -> Iterator[Diagnostic]:
    """Training content of more than 30,000 characters, or with more than 16 brackets '[' or
    parentheses '(' open at once in one paragraph, is an error: Markdown's time grows with
    both, so such content never reaches it and a small plan cannot make a long build."""
    for doc, where, key in _markdown_places(scope):
        for index, module in entries(get(doc.data, *where)):
            text = module.get(key)
            found = over_limit(text) if isinstance(text, str) else None
            if found is None:
                continue
            number, message, hint = found
            path = (*where, index, key)
            line, column = doc.position(path)
            in_file = _content_lines(doc, path, text)
            if number in in_file:  # the line itself, at its first character
                line, have = in_file[number]
                column = len(have) - len(have.lstrip()) + 1
            yield Diagnostic(doc.file, line, column, ERROR, "content-limit",
                             f"{display_path(path)}: {message}", hint)


@reads("training modules' content and FAQ answers (rendered and sanitised as the page would "
       "be)")
def rule_content_link(scope: Scope) -> Iterator[Diagnostic]:
    """Training content: every link or image that the published page would drop or change is a
    warning. The findings come from the renderer itself (macros/content.py), so the check and the
    page can never disagree; each is reported on the line that holds it where that can be told."""
    for doc, where, key in _markdown_places(scope):
        for index, module in entries(get(doc.data, *where)):
            text = module.get(key)
            path = (*where, index, key)
            findings = render_content(text)[1] if isinstance(text, str) else []
            in_file = _content_lines(doc, path, text) if findings else {}
            last: dict[str, int] = {}  # the same target again is looked for further down
            reported = set()
            for finding in findings:
                line, column = doc.position(path)
                hits = [n for n, (_, have) in in_file.items() if finding.target in have]
                if finding.target and hits:
                    later = [n for n in hits if n > last.get(finding.target, -1)]
                    last[finding.target] = hit = later[0] if later else hits[-1]
                    line, have = in_file[hit]
                    column = have.find(finding.target) + 1
                message = f"{display_path(path)}: {finding.kind} '{finding.target}': " + (
                    finding.reason if finding.published is None else
                    f"{finding.reason}; it would be published as '{finding.published}'")
                if (line, column, message) not in reported:
                    reported.add((line, column, message))
                    # A warning: the format shows such a link inert (its text stays, its
                    # target goes), it does not refuse the plan; the page shows what the
                    # check says, to the letter.
                    yield Diagnostic(doc.file, line, column, WARNING, "content-link", message,
                                     finding.hint or CONTENT_HINTS[finding.kind])


CONTENT_HINTS = {
    "link": "Link to an https://, http:// or mailto: address, or to a handbook page by a "
            "relative address; to show an address without linking it, put it in `backticks`.",
    "image": "Training content shows no images. Remove it, or link to it instead: "
             "[what it shows](https://...).",
}


def _faq_file(scope: Scope) -> list[Document]:
    return [scope.faq] if scope.faq else []


def _faq_places(scope: Scope) -> tuple[Known, list[tuple[Document, str | None]]]:
    """What FAQ entries may link (macros/faq_check.py), and each file with entries: every
    plan (its own id for short links) and plans/_faq.yaml (no home plan)."""
    modules = set(scope.org_modules)
    for doc in scope.plans:
        modules |= {m["id"] for _, m in entries(get(doc.data, "training", "modules"))
                    if isinstance(m.get("id"), str)}
    plans = {d.data["id"]: d.data for d in scope.plans if isinstance(d.data.get("id"), str)}
    known = Known(plans, set(scope.tools), modules, set(scope.people) | set(scope.teams),
                  scope.org is not None,
                  bool(get(scope.org.data if scope.org else {}, "baseline", "never_enter")))
    places = [(d, d.data.get("id") if isinstance(d.data.get("id"), str) else None)
              for d in scope.plans]
    return known, places + [(doc, None) for doc in _faq_file(scope)]


@reads("faq[].uses, escalation, stage (<id> or <plan>/<id>), tools, training, audience and "
       "data_rules, in plans and plans/_faq.yaml")
def rule_faq_link(scope: Scope) -> Iterator[Diagnostic]:
    """An FAQ answer is shown with the status of what it links, so each link must exist."""
    known, places = _faq_places(scope)
    for doc, home in places:
        for problem in link_problems(doc.data, home, known):
            yield scope.report(doc, problem.path, ERROR, "faq-link", problem.message,
                               problem.hint)


@reads("faq[].added and faq[].uses; the linked plan's decisions, pauses, approval and stage "
       "dates; faq_review_days in plans/_org.yaml")
def rule_faq_review(scope: Scope) -> Iterator[Diagnostic]:
    """An entry older than faq_review_days (default 30) whose linked use's plan changed since
    it was added (by the plan's own dates) is a warning: the answer may no longer hold."""
    days = get(scope.org.data if scope.org else {}, "faq_review_days")
    days = days if isinstance(days, int) and not isinstance(days, bool) and days > 0 \
        else DEFAULT_REVIEW_DAYS
    known, places = _faq_places(scope)
    for doc, home in places:
        for problem in review_problems(doc.data, home, known, scope.today, days):
            yield scope.report(doc, problem.path, WARNING, "faq-review", problem.message,
                               problem.hint)


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
    rule_monitor_values, rule_measurement_ref, rule_pause_triggered,
    rule_measurement_sane, rule_stage_team, rule_criterion_value, rule_content_limit,
    rule_content_link, rule_faq_link, rule_faq_review,
]


CROSS_PLAN_RULES = {rule_unique_id, rule_former_id, rule_text_hazard, rule_placeholder, rule_ref,
                    rule_measurement_ref, rule_content_limit, rule_content_link,
                    rule_codeowners_handle, rule_support_hours, rule_faq_link,
                    rule_faq_review}


def _count(value: Any) -> float:
    """A number from a field the schema may have rejected ('ten'): 0 for anything else."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
