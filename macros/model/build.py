"""From checked documents to the model: the org mapping, each plan's mapping, its measurements
and its git history become the read-only Plan and Handbook of model.py."""
from __future__ import annotations

import datetime as dt

from ..core.baseline import build_baseline
from ..core.measurements import Measurement
from ..core.support import build_help
from ..core.values import gives_access, parse_date
from .faq import entries_of
from .model import Handbook, Plan
from .parts import (ChecklistItem, Criterion, Decision, Gate, LastChange, Module, Monitor, Pause,
                    Person, Stage, Team, Tool, Use, _list)


def _module(raw: dict, plan_id: str | None) -> Module:
    return Module(
        id=raw["id"], title=raw["title"], audience=_list(raw.get("audience")),
        topics=_list(raw.get("topics")), duration_minutes=raw.get("duration_minutes"),
        format=raw.get("format", ""), required_before_access=bool(raw.get("required_before_access")),
        objectives=_list(raw.get("objectives")), content=raw.get("content", ""), plan_id=plan_id,
        former_ids=_list(raw.get("former_ids")),
    )


def _stage(raw: dict, index: int) -> Stage:
    gate = raw.get("gate")
    return Stage(
        id=raw["id"], name=raw["name"], index=index, pattern=raw.get("pattern", ""),
        former_ids=_list(raw.get("former_ids")),
        teams=_list(raw.get("teams")), leave=_list(raw.get("leave")),
        people=_list(raw.get("people")), headcount=raw.get("headcount"),
        access_percent=raw.get("access_percent"),
        adoption_target_percent=raw.get("adoption_target_percent"),
        start=parse_date(raw.get("start")), end=parse_date(raw.get("end")),
        training=_list(raw.get("training")), gives_access=gives_access(raw),
        headcount_by_team=tuple((t, n) for t, n in (raw.get("headcount_by_team") or {}).items()
                                if isinstance(n, int)),
        checklist=tuple(
            ChecklistItem(c.get("id") or f"check-{n}", c["item"], c.get("owner"),
                          c.get("evidence", ""), parse_date(c.get("done")), c.get("kind"))
            for n, c in enumerate(_list(raw.get("checklist")), 1)
        ),
        gate=Gate(
            decider=gate["decider"],
            criteria=tuple(
                Criterion(c.get("id") or f"criterion-{n}", c["question"], c.get("metric"),
                          c.get("threshold", ""), bool(c.get("blocking")), c.get("value"))
                for n, c in enumerate(_list(gate.get("criteria")), 1)
            ),
            outcomes=_list(gate.get("outcomes")),
        ) if isinstance(gate, dict) else None,
    )


_MONITOR_FIELDS = {f for f in Monitor.__dataclass_fields__}


def build_plan(raw: dict, file: str, today: dt.date,
               measurements: tuple[Measurement, ...] = (),
               last_change: LastChange | None = None,
               stale_after_days: int | None = None) -> Plan:
    uses = raw.get("uses") or {}
    # A row dated after today is not evidence yet: no page, verdict or chart counts it.
    measurements = tuple(m for m in measurements if m.date <= today)
    return Plan(
        id=raw["id"], title=raw["title"], status=raw["status"], risk_tier=raw["risk_tier"],
        raw=raw, file=file, today=today, measurements=measurements, last_change=last_change,
        stale_after_days=stale_after_days,
        monitors=tuple(Monitor(**{k: v for k, v in m.items() if k in _MONITOR_FIELDS})
                       for m in _list(raw.get("monitoring"))),
        stages=tuple(_stage(s, i) for i, s in enumerate(_list(raw.get("stages")))),
        uses=tuple(
            Use(u["id"], u["text"], True, example=u.get("example", ""),
                from_stage=u.get("from_stage"), audience=_list(u.get("audience")))
            for u in _list(uses.get("allowed"))
        ) + tuple(
            Use(u["id"], u["text"], False, reason=u.get("reason", ""))
            for u in _list(uses.get("prohibited"))
        ),
        modules=tuple(_module(m, raw["id"]) for m in _list((raw.get("training") or {}).get("modules"))),
        decisions=tuple(
            Decision(d["stage"], parse_date(d["date"]), d["outcome"], d["by"],
                     d.get("rationale", ""), _list(d.get("evidence")))
            for d in _list(raw.get("decisions"))
        ),
        pauses=tuple(_pause(p) for p in _list(raw.get("pauses"))),
    )


def _pause(raw: dict) -> Pause:
    resume = raw.get("resume") or {}
    return Pause(parse_date(raw["date"]), raw["by"], raw.get("reason", ""),
                 _list(raw.get("fallbacks")), parse_date(resume.get("date")),
                 resume.get("by"), resume.get("reason", ""))


def build_handbook(org: dict, plans: list[tuple[dict, str]], today: dt.date,
                   measurements: dict[str, tuple[Measurement, ...]] | None = None,
                   history: dict[str, LastChange] | None = None,
                   faq: dict | None = None) -> Handbook:
    """From checked data (org mapping, (plan mapping, file) pairs, measurements by plan id,
    git history by file name and plans/_faq.yaml's mapping) to the model."""
    measurements, history = measurements or {}, history or {}
    stale_days = org.get("stale_after_days")
    built = [build_plan(raw, file, today, measurements.get(raw["id"], ()),
                        history.get(f"{raw['id']}.yaml"),
                        stale_days if isinstance(stale_days, int) else None)
             for raw, file in plans]
    modules = {m["id"]: _module(m, None) for m in _list(org.get("training"))}
    for plan in built:
        modules.update({m.id: m for m in plan.modules})
    return Handbook(
        name=(org.get("organisation") or {}).get("name", "Handbook"),
        people={p["id"]: Person(p["id"], p["name"], p.get("role", ""), p.get("contact", ""))
                for p in _list(org.get("people"))},
        teams={t["id"]: Team(t["id"], t["name"], t.get("headcount"), t.get("lead"))
               for t in _list(org.get("teams"))},
        tools={t["id"]: Tool(t["id"], t["name"], t["status"], t.get("vendor", ""),
                             t.get("account", ""), t.get("trains_on_inputs"),
                             t.get("instructions", ""), t.get("available_to", "everyone"))
               for t in _list(org.get("tools"))},
        modules=dict(sorted(modules.items())),
        plans={p.id: p for p in sorted(built, key=lambda p: p.id)},
        today=today,
        org=org,
        baseline=build_baseline(org),
        help=build_help(org.get("support")),
        faq=entries_of(faq, None, today) + tuple(
            e for raw, _ in sorted(plans, key=lambda p: p[0]["id"])
            for e in entries_of(raw, raw["id"], today)),
    )
