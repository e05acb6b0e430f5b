"""Fragments: the Markdown pieces that generated pages and hand-written pages (macros) share.

A `Fragments` is bound to the handbook and to the page it writes into, so that every link it
makes is relative to that page and checked by MkDocs under --strict. Its methods are grouped
by theme: links, banners and people here; access and uses in access_fragments.py; stages,
training, escalation, support and monitoring in stage_fragments.py; what spans plans in
site_fragments.py (each a part Fragments inherits, one class to callers and macros).
"""
from __future__ import annotations

import posixpath

from ..core.dates import day_words
from ..model.model import Handbook, Plan
from ..model.parts import Stage
from .access_fragments import AccessFragments
from .labels import CONTINUING_FALLBACKS, FALLBACKS, STATUS, continues_while_paused
from .paths import Paths, relative
from .sentences import amount, and_list, plain_end, sentence, sentences
from .site_fragments import SiteFragments
from .stage_fragments import StageFragments
from .text import cell, inline, link_or_text, table, visible

# Read from fragments before labels.py and paths.py were split off; still found here.
from .labels import (CAPTURE, FORMATS, MODES, PATTERNS, _percent, _period,  # noqa: F401
                     fields_as_code, written_day)
from .paths import use_anchor  # noqa: F401


class Fragments(AccessFragments, StageFragments, SiteFragments):
    def __init__(self, handbook: Handbook, page: str):
        self.hb = handbook
        self.page = page

    # --- links ---------------------------------------------------------------------------------

    def href(self, target: str, fragment: str = "") -> str:
        rel = relative(target, posixpath.dirname(self.page))
        return rel + (f"#{fragment}" if fragment else "")

    def link(self, label: object, target: str, fragment: str = "") -> str:
        return f"[{inline(label)}]({self.href(target, fragment)})"

    def plan_link(self, plan: Plan, fragment: str = "") -> str:
        return self.link(plan.title, Paths.plan(plan.id), fragment)

    def stage_link(self, plan: Plan, stage: Stage | None) -> str:
        if stage is None:
            return cell(None)
        return self.link(stage.name, Paths.stage(plan.id, stage.id))

    def module_link(self, module_id: str) -> str:
        module = self.hb.modules.get(module_id)
        return self.link(module.title if module else module_id, Paths.module(module_id))

    def person(self, ref: str | None) -> str:
        if not ref:
            return cell(None)
        return self.link(self.hb.name_of(ref), Paths.contacts, ref)

    def who(self, ref: str | None) -> str:
        """A person or team: teams link to their page, people to the contacts page."""
        if ref in self.hb.teams:
            return self.link(self.hb.teams[ref].name, Paths.team(ref))
        return self.person(ref)

    def people(self, refs) -> str:
        return ", ".join(self.who(r) for r in refs) or cell(None)

    def contact(self, ref: str, role: bool = False) -> str:
        """A person by name (with their role if asked), then how to reach them."""
        person = self.hb.people.get(ref)
        out = self.person(ref)
        if role and person and person.role:
            out += f" ({inline(person.role)})"
        if person and person.contact:
            contact = person.contact
            url = f"mailto:{contact}" if "@" in contact and ":" not in contact else contact
            out += " — " + link_or_text(contact, url)
        return out

    def person_with_contact(self, ref: str) -> str:
        return self.contact(ref, role=True)

    def last_change(self, plan: Plan) -> str:
        """The day and what changed for staff, and whether that change was approved. Commit
        ids, authors and messages are the governance change log's, not staff pages'."""
        change = plan.last_change
        if change is None:
            return "_not recorded_"
        by = plan.change_approved_by
        day = day_words(change.date) if change.date else "date unknown"
        return (f"{day}: {inline(visible(change.summary))} — "
                + (f"approved by {self.person(by)}" if by else "approval not recorded"))

    # --- banners -------------------------------------------------------------------------------

    def banners(self, plan: Plan, pause: bool = True) -> str:
        """What must be impossible to miss on every page of a plan. `pause=False` where the
        text beside it already says the rollout is paused and what to do (a team page's may
        block), so it is not said twice."""
        out = [self.breach_banner(plan, b) for b in plan.breaches]
        authority = plan.get("pause", "authority", default=[])
        if plan.paused and pause:
            text = sentences(
                " ".join(["The rollout is **paused**", self.pause_record(plan)]).strip(),
                self.while_paused(plan),
                ("Who may lift the pause: " + self.people_and(authority)) if authority else
                "The plan names nobody who may lift the pause: ask its owner")
            out.append(f'!!! danger "Paused"\n    {text}')
        if plan.position.state == "stopped":
            out.append('!!! danger "Stopped"\n    The rollout was stopped by a gate decision. '
                       "Do not use AI for this work.")
        if plan.review_overdue:
            out.append(
                f'!!! warning "Overdue for review"\n    This plan was due for review on '
                f"{day_words(plan.review_by)}. Owner: {self.person(plan.owner)}."
            )
        if plan.status in ("draft", "approved", "retired") and not plan.paused:
            meaning = {
                "draft": "This plan is a **draft**: nothing in it is allowed yet.",
                "approved": "This plan is **approved** but not active yet: nothing in it is "
                            "allowed yet.",
                "retired": "This plan is **retired**: its uses are no longer allowed.",
            }[plan.status]
            out.append(f'!!! note "{STATUS[plan.status]}"\n    {meaning}')
        return "\n\n".join(out)

    def use_while_paused(self, plan: Plan) -> str:
        """A use of the stage a pause interrupted, as /uses/ says it: the same reading as the
        plan's Paused banner (what continues, on which condition), in one cell."""
        since = plan.position.since
        head = "Paused" + (f" since {day_words(since)}" if since else "")
        if continues_while_paused(plan):
            return (f"{head}: only on the conditions its "
                    f"{self.link('Paused notice', Paths.plan(plan.id))} names")
        return f"{head}: do not use"

    def status_word(self, plan: Plan) -> str:
        """The plan's status as staff must read it: a pause in force outranks 'Active'."""
        if plan.paused and plan.status != "paused":
            since = plan.position.since
            return "Paused" + (f" since {day_words(since)}" if since else "")
        return STATUS.get(plan.status, plan.status)

    def pause_history(self, plan: Plan) -> str:
        """Every recorded pause, with who took and lifted it, why, and what was in force."""
        rows = []
        for pause in plan.pauses:
            listed = pause.fallbacks or tuple(plan.get("pause", "fallbacks", default=[]))
            ended = (f"{day_words(pause.resumed)}, by {self.person(pause.resumed_by)}"
                     + (f": {inline(plain_end(pause.resume_reason))}"
                        if pause.resume_reason else "")) if pause.resumed else "**in force**"
            rows.append([cell(day_words(pause.date)), self.person(pause.by), cell(pause.reason),
                         "; ".join(inline(plain_end(FALLBACKS.get(f, f))) for f in listed)
                         or cell(None), ended])
        return table(["Paused on", "By", "Why", "In force", "Resumed"], rows)

    def pause_record(self, plan: Plan) -> str:
        """'since … , by …: reason', from what recorded the pause ('' when nothing did: a
        `status: paused` says neither when nor who)."""
        position = plan.position
        pause = position.pause
        if pause is not None:
            reason = f": {inline(plain_end(pause.reason))}" if pause.reason else ""
            return f"since {day_words(pause.date)}, by {self.person(pause.by)}{reason}"
        decision = position.decision
        if decision is not None and decision.outcome == "pause":
            return (f"since {day_words(decision.date)}, by {self.person(decision.by)} at the "
                    f"gate of {self.stage_link(plan, plan.stage(decision.stage))}")
        return ""

    def while_paused(self, plan: Plan) -> str:
        """What staff do while paused. A fallback that lets use go on (extra review, trained
        staff only, no sensitive data access, no expansion) is a condition of continued use,
        never listed beside "use is paused" as if both held."""
        in_force = plan.fallbacks_in_force
        continuing = [f for f in in_force if f in CONTINUING_FALLBACKS]
        stopping = [f for f in in_force if f not in CONTINUING_FALLBACKS]
        named = [inline(plain_end(FALLBACKS.get(f, f))) for f in stopping]
        if not continuing:
            return (("Do not use AI for this work. Instead: " + "; ".join(named)) if named
                     else "Do not use AI for this work")
        conditions = "; ".join(inline(plain_end(FALLBACKS[f])) for f in continuing)
        return sentences(
            f"Use may continue for those who had access, only on these conditions: {conditions}",
            ("Where these cannot be met: " + "; ".join(named)) if named else "")

    def breach_banner(self, plan: Plan, breach) -> str:
        monitor = breach.monitor
        fired = "; ".join(inline(plain_end(t)) for t in breach.triggers)
        fallbacks = [inline(plain_end(FALLBACKS.get(f, f)))
                     for f in plan.get("pause", "fallbacks", default=[])]
        authority = plan.get("pause", "authority", default=[])
        reached = "at" if breach.latest.value == monitor.pause_value else "past"
        lines = [
            (f"**Trigger fired: {fired}.** " if fired else "")
            + sentence(f"{self.metric_link(plan, monitor.id)}"
                       f" measured **{inline(amount(breach.latest.value, monitor.unit))}** on "
                       f"{day_words(breach.latest.date)}, {reached} its pause value of "
                       f"{inline(amount(monitor.pause_value, monitor.unit))} (since "
                       f"{day_words(breach.since.date)})"),
        ]
        if plan.paused:  # decided: the Paused banner says what holds now
            return '!!! warning "Pause threshold reached"\n' + "\n".join(
                f"    {line}\n" for line in lines).rstrip("\n")
        if plan.stale(monitor.id):  # an old reading is not a current alarm: it asks for data
            lines.append(sentence("No reading since: the metric's owner, "
                                  f"{self.person(monitor.owner)}, must measure it again "
                                  "before anyone can tell whether the threshold still holds")
                         if monitor.owner else sentence(
                             "No reading since: measure it again before anyone can tell "
                             "whether the threshold still holds"))
            return '!!! warning "Last reading past the pause threshold — no current data"\n' \
                + "\n".join(f"    {line}\n" for line in lines).rstrip("\n")
        lines.append(sentence("**Who decides now:** " + (
            self.people_and(authority) if authority
            else "the plan names nobody: ask its owner")))
        if fallbacks:
            lines.append(sentence("**Fallbacks:** " + "; ".join(fallbacks)))
        return '!!! danger "Pause threshold crossed"\n' + "\n".join(
            f"    {line}\n" for line in lines).rstrip("\n")

    def people_and(self, refs) -> str:
        """People or teams in a sentence: 'A, B and C'."""
        return and_list(self.who(r) for r in refs)
