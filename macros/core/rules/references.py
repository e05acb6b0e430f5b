"""Rules on ids and references: file names, unique and former ids, every reference to a person,
team, tool, module, metric or stage, tool status, placeholders, hidden characters and the
owners CODEOWNERS names.
"""
from __future__ import annotations

import re
from dataclasses import field
from typing import Any, Iterable, Iterator

from ..codeowners import named_owners
from ..codeowners import problem as codeowners_problem
from ..diagnostics import ERROR, Diagnostic
from ..load import Document
from ..yaml_strict import HAZARDS
from ..values import is_placeholder, is_slug
from .base import (
    AUDIENCE,
    METRIC,
    MODULE,
    PERSON,
    STAGE,
    TEAM,
    TOOL,
    Scope,
    _faq_file,
    _known_list,
    _modules_of,
    _stages,
    _suggest,
    entries,
    get,
    reads,
    select,
    texts,
)


_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)) + "]")


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
    (("definition_changes", "*", "validated_by"), PERSON),
    (("definition_changes", "*", "approved_by"), PERSON),
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
        if "\nTODO(" not in "\n" + scope.all_text(doc):
            continue  # the common case (no text starts a placeholder), without every path
        for path, text in strings(doc.data):
            if is_placeholder(text):
                yield scope.report(doc, path, ERROR, "placeholder",
                                   f"still a placeholder: {text}",
                                   "Replace it with the real value.")


@reads('every text value, only for invisible control and direction characters')
def rule_text_hazard(scope: Scope) -> Iterator[Diagnostic]:
    """Invisible characters (control codes, bidi overrides) can hide text: refused everywhere."""
    for doc in ([scope.org] if scope.org else []) + scope.plans + _faq_file(scope):
        if not _HAZARD.search(scope.all_text(doc)):
            continue  # the common case, without building every path
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
