"""The check's half of the FAQ (a plan's `faq`, plans/_faq.yaml): every link of an entry names
something that exists, and an entry older than `faq_review_days` whose linked use's plan
changed since the entry was added is reported, so that "updated daily" stays true.

"Changed since" is read from the plan's own dates only (gate decisions, pauses and their
resumes, the approval, stage starts): they are what moves a use between allowed, paused and not
yet. Nothing here reads an answer's words. A tool's status carries no date in plans/_org.yaml,
so a linked tool alone never makes an entry stale (the page shows its status today anyway).
The rules in macros/core/rules/ turn these findings into diagnostics.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .values import parse_date

DEFAULT_REVIEW_DAYS = 30  # a month: an FAQ "updated daily" is looked at far more often
ITEM_LINKS = {"uses": "use", "escalation": "escalation path"}  # `<id>` or `<plan>/<id>`


def split_ref(ref: str, home: str | None) -> tuple[str | None, str]:
    """(plan id, item id) of `<plan>/<id>`, or of `<id>` inside the plan `home`."""
    plan, sep, item = ref.partition("/")
    return (plan, item) if sep else (home, ref)


@dataclass
class Known:
    """What FAQ entries may link, by id: each plan's uses, escalation paths and stages, the
    tools, training modules, people and teams. `registries` is False without a readable
    _org.yaml: then tools, modules and audiences are not judged (its own error is reported)."""

    plans: dict[str, dict] = field(default_factory=dict)  # raw plan data by id
    tools: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    audience: set[str] = field(default_factory=set)
    registries: bool = True
    everyone_never: bool = False  # _org.yaml's baseline lists what never to enter

    def items(self, plan_id: str, key: str) -> set[str]:
        plan = self.plans.get(plan_id) or {}
        if key == "stages":
            found = plan.get("stages")
        elif key == "uses":
            uses = plan.get("uses") if isinstance(plan.get("uses"), dict) else {}
            found = [u for k in ("allowed", "prohibited") for u in _list(uses.get(k))]
        else:
            found = plan.get(key)
        return {x["id"] for x in _list(found)
                if isinstance(x, dict) and isinstance(x.get("id"), str)}


@dataclass(frozen=True)
class Problem:
    path: tuple  # within the file, from its top
    message: str
    hint: str


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def entries(data: Any) -> list[tuple[int, dict]]:
    return [(i, e) for i, e in enumerate(_list(data.get("faq") if isinstance(data, dict)
                                               else None)) if isinstance(e, dict)]


def link_problems(data: Any, home: str | None, known: Known) -> Iterator[Problem]:
    """Every link of every entry of `data` (a plan, home = its id; or _faq.yaml, home None)
    that names nothing."""
    where = "this plan" if home else "plans/_faq.yaml"
    for i, entry in entries(data):
        for key, kind in ITEM_LINKS.items():
            for j, ref in enumerate(_list(entry.get(key))):
                if isinstance(ref, str):
                    yield from _item(("faq", i, key, j), ref, home, key, kind, known)
        stage = entry.get("stage")
        if isinstance(stage, str):
            yield from _item(("faq", i, "stage"), stage, home, "stages", "stage", known)
        if not known.registries:
            continue
        for key, kind, registry, held in (
                ("tools", "tool", known.tools, "plans/_org.yaml"),
                ("training", "training module", known.modules, "plans/_org.yaml or a plan"),
                ("audience", "team or person", known.audience, "plans/_org.yaml")):
            for j, ref in enumerate(_list(entry.get(key))):
                if isinstance(ref, str) and ref not in registry:
                    close = difflib.get_close_matches(ref, sorted(registry), n=1, cutoff=0.5)
                    yield Problem(("faq", i, key, j), f"'{ref}' is not a {kind} in {held}" + (
                                      f"; did you mean '{close[0]}'?" if close else ""),
                                  f"Name a {kind} by its id; {where} may only link what exists.")
        if entry.get("data_rules") is True and not (_list(
                (known.plans.get(home, {}).get("data_rules") or {}).get("never_enter"))
                if home else known.everyone_never):
            what = ("the plan's data rules", "data_rules.never_enter to the plan") if home else (
                "the rules for everyone on what never to enter",
                "baseline.never_enter to plans/_org.yaml")
            yield Problem(("faq", i, "data_rules"), f"links {what[0]}, which list nothing",
                          f"Add {what[1]}, or remove the link.")


def _item(path: tuple, ref: str, home: str | None, key: str, kind: str, known: Known
          ) -> Iterator[Problem]:
    plan_id, item = split_ref(ref, home)
    if plan_id is None:
        yield Problem(path, f"'{ref}' does not say which plan's {kind} it is",
                      f"In plans/_faq.yaml write <plan>/<id>, e.g. {_example(known, key)}.")
    elif plan_id not in known.plans:
        yield Problem(path, f"'{ref}': there is no plan '{plan_id}'",
                      "Write <plan>/<id> with the id of an existing plan.")
    elif item not in known.items(plan_id, key):
        ids = sorted(known.items(plan_id, key))
        article = "an" if kind.startswith(("a", "e", "i", "o")) else "a"  # "a use"
        yield Problem(path, f"'{ref}' is not {article} {kind} of the plan '{plan_id}'",
                      f"Known {kind}s of {plan_id}: {', '.join(ids)}." if ids else
                      f"The plan '{plan_id}' has no {kind} yet.")


def _example(known: Known, key: str) -> str:
    for plan_id in sorted(known.plans):
        for item in sorted(known.items(plan_id, key)):
            return f"{plan_id}/{item}"
    return "support-replies/draft-reply"


def policy_dates(plan: dict) -> list[tuple[dt.date, str]]:
    """The days on which a plan's uses can change status, each with what happened, from the
    plan's structured dates."""
    found = []
    for d in _list(plan.get("decisions")):
        if isinstance(d, dict) and (day := parse_date(d.get("date"))):
            found.append((day, f"gate decision '{d.get('outcome')}' of {day.isoformat()}"))
    for p in _list(plan.get("pauses")):
        if isinstance(p, dict) and (day := parse_date(p.get("date"))):
            found.append((day, f"pause of {day.isoformat()}"))
        resume = p.get("resume") if isinstance(p, dict) else None
        if isinstance(resume, dict) and (day := parse_date(resume.get("date"))):
            found.append((day, f"resume of {day.isoformat()}"))
    approval = plan.get("approval")
    if isinstance(approval, dict) and (day := parse_date(approval.get("date"))):
        found.append((day, f"approval of {day.isoformat()}"))
    for s in _list(plan.get("stages")):
        if isinstance(s, dict) and (day := parse_date(s.get("start"))):
            found.append((day, f"start of the stage '{s.get('id')}' on {day.isoformat()}"))
    return sorted(found)


def review_problems(data: Any, home: str | None, known: Known, today: dt.date,
                    days: int) -> Iterator[Problem]:
    """Entries added more than `days` before `today` that link a use whose plan changed since
    (`policy_dates`, after `added` and up to today)."""
    for i, entry in entries(data):
        added = parse_date(entry.get("added"))
        if added is None or (today - added).days <= days:
            continue
        changed = []
        for ref in _list(entry.get("uses")):
            if not isinstance(ref, str):
                continue
            plan_id, item = split_ref(ref, home)
            if plan_id in known.plans and item in known.items(plan_id, "uses"):
                changed += [(day, plan_id, what) for day, what in
                            policy_dates(known.plans[plan_id]) if added < day <= today]
        if changed:
            day, plan_id, what = max(changed)
            yield Problem(("faq", i, "added"),
                          f"added {added.isoformat()}, more than {days} days ago, and the plan "
                          f"'{plan_id}' of a use it links changed since ({what})",
                          "Check that the answer still holds, then set added to the day you "
                          "checked it (or correct the answer); faq_review_days in "
                          "plans/_org.yaml sets the age.")
