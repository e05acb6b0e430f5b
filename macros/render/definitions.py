"""Definitions of good on the pages: on a plan's evidence page, each definition with how long it
has held and the plan's records of changes; on /governance/definitions/, every definition of
every plan. How long a definition has held is model data (`Handbook.definitions_held`, from
git); nothing here reads history. Plan text goes through text.py.
"""
from __future__ import annotations

from ..core.dates import day_words
from ..core.definitions import Definition, Held, definitions, key_of, records, what_text
from ..model.model import Handbook, Plan
from ..core.values import parse_date
from .fragments import Fragments
from .paths import Paths
from .page import page
from .text import cell, code, inline, table

# A metric's fields read as two definitions, its target and its pause value: the text staff
# read and the number the checks use say one thing, and changed together they hold together.
_GROUP = {"target": "target", "target_value": "target", "pause_threshold": "pause value",
          "pause_value": "pause value", "pause_after_readings": "pause value",
          "baseline": "usual range"}


def held_text(held: Held | None) -> str:
    """How long a definition has held, in words; where no day is known, why, and no day."""
    if held is None or held.reason == "unknown":
        return "not known: the plans' change history could not be read"
    if held.reason == "untraced":
        return "not known: the plans' history does not show when it was last changed"
    if held.reason == "uncommitted":
        return "changed in this build, not yet committed"
    if held.reason == "before" or held.since is None:
        return ("no change since this handbook's history began (history_since: "
                + code(held.history_since) + "); the day before that is not known")
    return "unchanged since " + day_words(held.since)


def latest(helds: list[Held | None]) -> Held | None:
    """How long a group of definitions has held together: since its latest change."""
    known = [h for h in helds if h is not None]
    for held in known:
        if held.reason == "uncommitted":
            return held
    dated = [h for h in known if h.since]
    return max(dated, key=lambda h: h.since) if dated else (known[0] if known else None)


def _grouped(plan: Plan) -> list[tuple[str, list[Definition]]]:
    """The plan's definitions as staff read them: one per metric target and pause value, one
    per criterion and review rule; each with the definitions (fields) it stands for."""
    groups: dict[str, list[Definition]] = {}
    for found in definitions(plan.raw):
        kind, _, rest = found.key.partition(":")
        metric_id, _, name = rest.rpartition(":")
        label = f"metric:{metric_id}:{_GROUP.get(name, name)}" if kind == "metric" else found.key
        groups.setdefault(label, []).append(found)
    return list(groups.items())


def _label(f: Fragments, plan: Plan, label: str, found: Definition) -> str:
    kind, _, rest = label.partition(":")
    if kind == "metric":
        metric_id, _, name = rest.rpartition(":")
        monitor = next((m for m in plan.monitors if m.id == metric_id), None)
        return (f.link(monitor.metric if monitor else metric_id, Paths.evidence(plan.id),
                       f"metric-{metric_id}") + f": {name}")
    if kind == "review":
        rule = next((r for r in plan.get("review", default=[]) if r.get("id") == rest), {})
        return f"Review of {inline(rule.get('output', rest))}: what the reviewer checks"
    stage_id, _, anchor_id = rest.partition("/")
    stage = plan.stage(stage_id)
    question = found.value.get("question") if isinstance(found.value, dict) else None
    return (f.link(stage.name if stage else stage_id, Paths.stage(plan.id, stage_id),
                   anchor_id) + " gate: " + inline(question or anchor_id))


def _values(fields: list[Definition]) -> str:
    """A metric's target or pause value as the plan words it (the number where no words are
    given), with the readings in a row a pause waits for."""
    by_field = {d.key.rpartition(":")[2]: d for d in fields}
    if "baseline" in by_field:
        return _usual_range(by_field["baseline"].value)
    words = by_field.get("target") or by_field.get("pause_threshold")
    number = by_field.get("target_value") or by_field.get("pause_value")
    shown = _value(words or number or fields[0])
    readings = by_field.get("pause_after_readings")
    if readings is not None and isinstance(readings.value, int):
        shown += f" ({readings.value} readings in a row)"
    return shown


def _usual_range(baseline: object) -> str:
    """A baseline as its plan gives it: '20 ± 2' or 'readings from … to …'."""
    if not isinstance(baseline, dict):
        return cell(None)
    if "from" in baseline or "to" in baseline:
        return "readings from " + " to ".join(
            day_words(day) if (day := parse_date(baseline.get(k))) else cell(baseline.get(k))
            for k in ("from", "to"))
    value, band = baseline.get("value"), baseline.get("band")
    if all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in (value, band)):
        return f"{value:g} ± {band:g}"
    return cell(None)


def _value(found: Definition) -> str:
    value = found.value
    if isinstance(value, list):
        return "; ".join(inline(v) for v in value) or cell(None)
    if isinstance(value, dict):  # a criterion: what counts as met
        met = value.get("threshold") or value.get("value")
        return cell(met) + (" (blocking)" if value.get("blocking") else "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell(f"{value:g}")
    return cell(value)


def _rows(f: Fragments, hb: Handbook, plan: Plan) -> list[list[str]]:
    held = hb.definitions_held.get(plan.id, {})
    return [[
        _label(f, plan, label, fields[0]),
        _values(fields) if label.startswith("metric:") else _value(fields[0]),
        f.person(fields[0].owner), held_text(latest([held.get(d.key) for d in fields]))]
        for label, fields in _grouped(plan)]


def _recorded(f: Fragments, plan: Plan, key: str | None) -> str:
    """What a record names, as the definitions table names it ('Edit rate: pause value'); the
    reference as written when the plan no longer has that definition."""
    if key is None:
        return cell(None)
    kind, _, rest = key.partition(":")
    label = key
    if kind == "metric":
        metric_id, _, name = rest.rpartition(":")
        label = f"metric:{metric_id}:{_GROUP.get(name, name)}"
    found = next((d for d in definitions(plan.raw) if d.key == key), None)
    return _label(f, plan, label, found) if found else code(what_text(key))


def plan_definitions(f: Fragments, hb: Handbook, plan: Plan) -> str:
    """The evidence page's table of the plan's definitions, then its records of changes."""
    rows = _rows(f, hb, plan)
    if not rows:
        return ""
    shown = table(["Definition", "Now", "Who may change it", "How long it has held"], rows)
    logged = [[cell(day_words(day) if (day := parse_date(r.get("date"))) else r.get("date")),
               _recorded(f, plan, key_of(r.get("what"))),
               f.person(r.get("validated_by")), cell(r.get("how")), f.person(r.get("approved_by"))]
              for _, r in records(plan.raw)]
    return "\n\n".join(filter(None, [
        "**Definitions of good** and how long each has held (from the plans' history):",
        shown,
        ("**Recorded changes:**\n\n" + table(
            ["Date", "What", "Validated by", "How", "Approved by"], logged)) if logged else ""]))


def definitions_page(hb: Handbook) -> str:
    """/governance/definitions/: every definition of good across the plans, with its age."""
    f = Fragments(hb, Paths.definitions)
    # One table per plan, under the plan's name: the plan is said once, not on every row.
    plans = [(plan, rows) for plan in hb.plans.values()
             if (rows := _rows(f, hb, plan))]
    return page(
        "Definitions of good",
        "What each plan counts as good — metric targets and pause values, gate criteria, what "
        "reviewers check — who may change it, and how long it has held. A scorecard people "
        "believe holds still: each change is recorded on the plan's evidence page. Back to "
        + f.link("governance", Paths.governance) + ".",
        "\n\n".join(f"## {inline(plan.title)} {{#{plan.id}}}\n\n"
                     + table(["Definition", "Now", "Who may change it", "How long it has held"],
                             rows) for plan, rows in plans)
        or "_No plan defines a target, a pause value, a gate criterion or review checks yet._",
        search={"exclude": True})


def definitions_reference() -> str:
    """The format reference's part on definitions of good: the references a record writes and
    what `handbook diff` requires (its `definition-record` finding is no rule of the check)."""
    return (
        "## Definitions of good and their records {#definitions}\n\n"
        "A plan's definitions of good are its metrics' `target`, `target_value`, "
        "`pause_threshold`, `pause_value`, `pause_after_readings` and `baseline`, its gate "
        "criteria and "
        "its review rules' `checks`. A record in `definition_changes` names one in `what`:\n\n"
        + table(["Definition", "`what`"], [
            ["A field of a metric", code("{metric: edit-rate, field: pause_value}")],
            ["A gate criterion", code("{criterion: pilot/approved-use}") + " (a criterion "
             "without an id: " + code("<stage id>/criterion-<n>") + ", counting from 1)"],
            ["What a review rule checks", code("{review: reply-check}")]])
        + "\n\nWhen `plans/_org.yaml` sets `definitions_recorded_since`, `handbook diff` "
        "reports `definition-record` (and exits 1) for each definition changed in a plan "
        "that existed before, on or after that day, that the change does not record in a "
        "new entry of the plan's `definition_changes`. It points at the changed "
        "definition's line in the new file. A definition removed with its metric, criterion "
        "or review rule needs no record (none can name it), and a new plan brings its own. "
        "The evidence page of each plan says how long each definition has held, from the "
        "git history within `history_since`.")
