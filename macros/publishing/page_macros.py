"""The mkdocs-macros module (mkdocs.yml: module_name: macros/main).

Each macro is a one-line call into `render`: hand-written pages in docs/ show exactly the
fragments the generated pages show. Pages opt in with `render_macros: true` in their front matter.
A macro given an unknown id raises, and the build fails (on_error_fail: true). Both ways of
loading this module (`module_name: macros/main` and the pluglet `rollout-handbook:macros.main`)
call define_env and on_pre_page_macros: every page renders in the sandbox of page_sandbox.py.
Macros reach the handbook only through page_fragments (no MkDocs internals, so any engine that
runs mkdocs-macros' define_env can call them); `handbook render` renders the tool's pages with
render_page, the same macros in the same sandbox.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import jinja2

from macros.publishing.build_session import active
from macros.model.model import Handbook, Plan
from macros.render.page_sandbox import PageSandbox, page_environment
from macros.render import Fragments
from macros.render.examples import examples
from macros.render.validate_pages import MACRO_ARGUMENTS

UNAVAILABLE = ('!!! danger "Not available"\n    The plans have errors, so this part of the page '
               "cannot be shown. See the Plan errors page.")


class PlansBroken(Exception):
    """No good handbook yet (only under `make serve`; a build stops before macros run)."""


class PipelineNotRun(RuntimeError):
    """A page asked for the handbook before any pipeline run: the engine ran the macros module
    without the hook, the plugin or `handbook render` (Zensical ignores `hooks:`)."""

    def __init__(self) -> None:
        super().__init__(
            "handbook: the plans were never read, so the macros have no handbook to show. "
            "This engine ran macros/main.py without the handbook hook or plugin (Zensical "
            "ignores `hooks:`). Hint: run `handbook render DIR` and build DIR/mkdocs.yml, or "
            "build with MkDocs (`handbook build`).")


def page_fragments(page: str) -> Fragments:
    """The handbook's fragments for the page at `page` (its path in the docs folder, e.g.
    `index.md`), from the latest good pipeline run: how every macro reaches the handbook, under
    any engine. PipelineNotRun when nothing ran the pipeline (never the broken-plans notice:
    the plans may be valid); PlansBroken while serve has only broken plans."""
    session = active()
    if session is None or session.latest is None:
        raise PipelineNotRun
    site = session.shown()
    if site is None:
        raise PlansBroken
    return Fragments(site.handbook, page)


def render_page(markdown: str, page: str, handbook: Handbook) -> str:
    """A hand-written page (its Markdown after the front matter) with its macros rendered, in
    the same sandbox the build uses; `page` is its path in the docs folder. For `handbook
    render`, which writes pages another engine builds without macros."""
    fragments = Fragments(handbook, page)
    sandbox = page_environment(handbook_macros(lambda: fragments),
                               jinja2.Environment(undefined=jinja2.StrictUndefined))
    return sandbox.from_string(markdown).render()


def _page_path(page: Any) -> str:
    """The page's path in the docs folder: MkDocs' `page.file.src_uri`, or Zensical's
    `page.path` (its Page has no `file`)."""
    file = getattr(page, "file", None)
    path = file.src_uri if file is not None else getattr(page, "path", None)
    if not isinstance(path, str):
        raise TypeError(f"handbook: cannot tell which page {page!r} is (no file, no path); "
                        "the macros need it for relative links")
    return path


def on_pre_page_macros(env) -> None:
    """Before mkdocs-macros renders a page: its plain Jinja environment (which reaches Python,
    `config` and the plugin) is replaced by the sandbox holding only the handbook's macros.
    mkdocs-macros 1.5 offers no public setter; `_env` is what its `env` property returns."""
    if not isinstance(env.env, PageSandbox):
        env._env = page_environment({name: env.macros[name] for name in MACRO_ARGUMENTS},
                                    env.env)


def define_env(env) -> None:
    for function in handbook_macros(lambda: page_fragments(_page_path(env.page))).values():
        env.macro(function)  # registered by its name (functools.wraps keeps it)


# Over 60 lines: the registry of every macro, each a short closure over `fragments`.
def handbook_macros(fragments: Callable[[], Fragments]) -> dict[str, Callable[..., Any]]:
    """Every handbook macro by name, each reading the handbook through `fragments()`."""
    macros: dict[str, Callable[..., Any]] = {}

    def macro(function):
        """Register a macro; while the plans are broken it shows a notice instead of failing."""

        @functools.wraps(function)
        def shown(*args, **kwargs) -> str:
            try:
                return function(*args, **kwargs)
            except PlansBroken:
                return UNAVAILABLE

        macros[function.__name__] = shown
        return shown

    def plan(plan_id: str) -> Plan:
        plans = fragments().hb.plans
        if plan_id not in plans:
            raise KeyError(f"no plan '{plan_id}'; known plans: {', '.join(plans)}")
        return plans[plan_id]

    def stage(plan_id: str, stage_id: str):
        found = plan(plan_id).stage(stage_id)
        if found is None:
            raise KeyError(f"plan '{plan_id}' has no stage '{stage_id}'")
        return found

    def escalation(plan_id: str, path_id: str) -> dict:
        for path in plan(plan_id).get("escalation", default=[]):
            if path["id"] == path_id:
                return path
        raise KeyError(f"plan '{plan_id}' has no escalation path '{path_id}'")

    @macro
    def rules_for_everyone() -> str:
        """The rules that bind everyone: tools by status, data never to enter, review before
        sending, where to report and where to ask (the `#everyone` block of team pages)."""
        return fragments().rules_for_everyone()

    @macro
    def find_your_team() -> str:
        """Every team, linked to its page: the front door for staff."""
        return fragments().find_your_team()

    @macro
    def plans_table() -> str:
        """Every plan with status, tier, current stage, owner and review date."""
        return fragments().plans_table()

    @macro
    def allowed_now(plan_id: str, team: str | None = None) -> str:
        """What staff may do under a plan today, at its current stage; with a team, what that
        team may do (nothing while it has no access)."""
        if team is not None and team not in fragments().hb.teams:
            raise KeyError(f"no team '{team}'; known teams: {', '.join(fragments().hb.teams)}")
        return fragments().allowed_now(plan(plan_id), team)

    @macro
    def allowed_uses(plan_id: str, stage_id: str | None = None) -> str:
        """A plan's allowed uses; with a stage, those in force at that stage."""
        return fragments().allowed_uses(plan(plan_id), stage(plan_id, stage_id) if stage_id
                                        else None)

    @macro
    def prohibited_uses(plan_id: str) -> str:
        """A plan's prohibited uses, with reasons."""
        return fragments().prohibited_uses(plan(plan_id))

    @macro
    def never_enter(plan_id: str) -> str:
        """The data that must never be entered under a plan."""
        return fragments().never_enter(plan(plan_id))

    @macro
    def checklist(plan_id: str, stage_id: str) -> str:
        """A stage's checklist table: item, owner, evidence."""
        return fragments().checklist(plan(plan_id), stage(plan_id, stage_id))

    @macro
    def gate(plan_id: str, stage_id: str) -> str:
        """A stage's gate: decider, criteria, outcomes."""
        return fragments().gate(plan(plan_id), stage(plan_id, stage_id))

    @macro
    def escalation_path(plan_id: str, path_id: str) -> str:
        """One escalation path, as a diagram and a table."""
        return fragments().escalation_path(plan(plan_id), escalation(plan_id, path_id))

    @macro
    def support_tiers(plan_id: str) -> str:
        """Where to ask for help under a plan."""
        return fragments().support_tiers(plan(plan_id))

    @macro
    def training_module(module_id: str) -> str:
        """A training module's facts, objectives and content."""
        if module_id not in fragments().hb.modules:
            raise KeyError(f"no training module '{module_id}'")
        return fragments().training_module(module_id)

    @macro
    def readiness_matrix() -> str:
        """Every plan against every readiness area."""
        return fragments().readiness_matrix()

    @macro
    def handbook_examples() -> dict:
        """Ids from the current plans for the macro guide's live examples, so that the guide
        works with any organisation's plans (each id is None when no plan has one)."""
        return examples(fragments().hb)

    @macro
    def tools_table() -> str:
        """The AI tool inventory with status."""
        return fragments().tools_table()

    return macros
