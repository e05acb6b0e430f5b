"""What every rule shares: the Scope it reads (org registries and every plan), the walks over
raw documents, and the `reads`/`emits` declarations the format reference lists. Rules read the
raw documents defensively: a file may also have schema errors.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..diagnostics import Diagnostic
from ..load import Document
from ..yaml_strict import display_path
from ..measurements import MeasurementFile
from ..tiers import Requirements, requirements
from ..values import is_slug


PERSON, TEAM, TOOL, MODULE, METRIC, STAGE, AUDIENCE = (
    "person", "team", "tool", "training module", "metric", "stage", "team or person",
)


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
    _texts: dict[int, str] = field(default_factory=dict, repr=False, compare=False)  # by id(doc)

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

    def all_text(self, doc: Document) -> str:
        """Every string anywhere in the document, one a line, without its path: the rules that
        look at every text first ask whether any is worth a path (a plan has thousands, almost
        always fine). Walked once a run for all of them."""
        text = self._texts.get(id(doc))
        if text is None:
            found, stack = [], [doc.data]
            while stack:
                item = stack.pop()
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, dict):
                    stack.extend(item.values())
                elif isinstance(item, list):
                    stack.extend(item)
            text = self._texts[id(doc)] = "\n".join(found)
        return text

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


def _faq_file(scope: Scope) -> list[Document]:
    return [scope.faq] if scope.faq else []


def _count(value: Any) -> float:
    """A number from a field the schema may have rejected ('ten'): 0 for anything else."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
