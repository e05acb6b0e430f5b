"""Validate: the macro calls in hand-written pages (docs/*.md), located like a plan's errors.

mkdocs-macros stops at the first error of a page and reports a Jinja syntax error by page line
only, with a traceback. So the check reads every page that opts in (`render_macros: true`)
itself, before the build: each call of a handbook macro whose ids are written out is resolved
against the plans, and a wrong id is `docs/page.md:12:18: error: … did you mean …?`.

Pages render in a sandbox that holds only the handbook's macros (page_sandbox.py); the check
refuses, at its line and column, what the sandbox would stop in the middle of a build:
a name that is not a macro or a variable the page sets, a call of anything but a macro,
attribute or item access other than on a variable the page sets, and include/import/extends.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Iterator

import jinja2
import yaml
from jinja2 import nodes

from ..core.diagnostics import ERROR, Diagnostic
from ..model.model import Handbook
from .page_expressions import close_macro, refused_expressions

PLAN, STAGE, PATH, MODULE, TEAM = "plan", "stage", "escalation path", "training module", "team"

# Each handbook macro (macros/main.py) and what its arguments name, in order; keyword
# arguments by name. tests/test_pages_check.py keeps this in step with main.py.
MACRO_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "rules_for_everyone": (),
    "find_your_team": (),
    "plans_table": (),
    "allowed_now": (PLAN, TEAM),
    "allowed_uses": (PLAN, STAGE),
    "prohibited_uses": (PLAN,),
    "never_enter": (PLAN,),
    "checklist": (PLAN, STAGE),
    "gate": (PLAN, STAGE),
    "escalation_path": (PLAN, PATH),
    "support_tiers": (PLAN,),
    "training_module": (MODULE,),
    "readiness_matrix": (),
    "tools_table": (),
    "handbook_examples": (),
}
KEYWORDS = {"plan_id": PLAN, "stage_id": STAGE, "path_id": PATH, "module_id": MODULE,
            "team": TEAM}

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def _opted_in(text: str) -> tuple[bool, str]:
    """Whether the page is a template (`render_macros: true`), and its text with the front
    matter blanked out line for line, so that Jinja's line numbers are the file's."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return False, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        meta = {}
    blank = "\n" * match.group(0).count("\n")
    return isinstance(meta, dict) and meta.get("render_macros") is True, blank + text[match.end():]


def _known(handbook: Handbook, kind: str, plan_id: str | None) -> list[str] | None:
    """The ids an argument of `kind` may name (None: cannot tell, the plan itself is wrong)."""
    plan = handbook.plans.get(plan_id) if plan_id else None
    if kind == PLAN:
        return list(handbook.plans)
    if kind == MODULE:
        return list(handbook.modules)
    if kind == TEAM:
        return list(handbook.teams)
    if plan is None:
        return None
    if kind == STAGE:
        return [s.id for s in plan.stages]
    return [p.get("id") for p in plan.get("escalation", default=[]) if isinstance(p, dict)]


def _renamed(handbook: Handbook, kind: str, plan_id: str | None) -> dict[str, str]:
    """{former id: current id} for an argument of `kind` (`former_ids`): a leftover id after a
    rename is named as such, never matched to another id that looks alike."""
    plan = handbook.plans.get(plan_id) if plan_id else None
    items = (handbook.plans.values() if kind == PLAN else handbook.modules.values()
             if kind == MODULE else plan.stages if kind == STAGE and plan else ())
    return {old: item.id for item in items for old in item.former_ids}


def _column(lines: list[str], line: int, value: str, after: str) -> int:
    """1-based column of the quoted `value` on `line`, after the macro's name if present."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    start = max(text.find(after), 0)
    for quote in ("'", '"'):
        found = text.find(f"{quote}{value}{quote}", start)
        if found >= 0:
            return found + 1
    return start + 1


def _calls(tree: nodes.Template) -> Iterator[nodes.Call]:
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name):
            yield call


def check_page(file: str, text: str, handbook: Handbook) -> list[Diagnostic]:
    opted_in, source = _opted_in(text)
    if not opted_in:
        return []
    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError as error:
        return [Diagnostic(file, error.lineno or 1, 1, ERROR, "page-syntax",
                           f"template syntax: {error.message}",
                           "Macros are written {{ name('id') }}; show literal braces inside "
                           "{% raw %} … {% endraw %}.")]
    lines = source.splitlines()
    found = [Diagnostic(file, line, column, ERROR, "page-expression", message,
                        "A page may use only the handbook's macros, with ids written out or "
                        "taken from a variable it sets: " + ", ".join(MACRO_ARGUMENTS) + ".")
             for line, column, message in refused_expressions(tree, lines, MACRO_ARGUMENTS)]
    for call in _calls(tree):
        name = call.node.name
        if name not in MACRO_ARGUMENTS:
            close = close_macro(name, MACRO_ARGUMENTS)
            if close:
                column = max(lines[call.lineno - 1].find(name), 0) + 1 if call.lineno <= len(
                    lines) else 1
                found.append(Diagnostic(file, call.lineno, column, ERROR, "page-macro",
                                        f"there is no macro '{name}'; did "
                                        f"you mean '{close}'?", "Macros: "
                                        + ", ".join(MACRO_ARGUMENTS)))
            continue
        named = list(zip(MACRO_ARGUMENTS[name], call.args))
        named += [(KEYWORDS[k.key], k.value) for k in call.kwargs if k.key in KEYWORDS]
        plan_id = next((a.value for kind, a in named if kind == PLAN
                        and isinstance(a, nodes.Const)), None)
        for kind, argument in named:
            if not isinstance(argument, nodes.Const) or argument.value is None:
                continue  # a variable (the macro guide's own examples): resolved when built
            value = argument.value
            known = _known(handbook, kind, plan_id)
            if known is None or value in known:
                continue
            where = f" in plan '{plan_id}'" if kind in (STAGE, PATH) else ""
            column = _column(lines, argument.lineno, str(value), name)
            new = _renamed(handbook, kind, plan_id).get(value)
            if new:
                found.append(Diagnostic(file, argument.lineno, column, ERROR, "page-macro",
                                        f"{name}: '{value}' is not a {kind}{where}: it was "
                                        f"renamed to '{new}'",
                                        f"Write '{new}', its id since the rename."))
                continue
            close = difflib.get_close_matches(str(value), known, n=1, cutoff=0.5)
            found.append(Diagnostic(
                file, argument.lineno, column, ERROR, "page-macro",
                f"{name}: '{value}' is not a {kind}{where}"
                + (f"; did you mean '{close[0]}'?" if close else ""),
                (f"Known {kind}s: " + ", ".join(sorted(known))) if known else
                f"There is no {kind} yet."))
    return found


def check_pages(docs_dir: Path, handbook: Handbook, shown: str = "docs",
                plans_dir: Path | None = None) -> list[Diagnostic]:
    """Every hand-written page that opts in to macros, checked against the handbook. A file in
    `plans_dir` (docs_dir: plans) is never published, so it is not a page."""
    if not docs_dir.is_dir():
        return []
    data = plans_dir.resolve() if plans_dir is not None else None
    found = []
    for page in sorted(docs_dir.rglob("*.md")):
        if "overrides" in page.relative_to(docs_dir).parts or (
                data is not None and page.resolve().is_relative_to(data)):
            continue
        file = f"{shown}/{page.relative_to(docs_dir).as_posix()}"
        try:
            text = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            found.append(Diagnostic(file, 1, 1, ERROR, "file-read",
                                    f"cannot read the page: {error}"))
            continue
        found += check_page(file, text, handbook)
    return found
