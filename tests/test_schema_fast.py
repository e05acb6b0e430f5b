"""The fast "yes" (macros/core/schema_fast.py) answers exactly as Cerberus does: on every file the
repository ships or tests with, and on generated edits of real plans — a wrong type, a missing
or unknown key, a value out of range, both halves of an exclusive pair. A fast path that let one
invalid plan through would publish it; one that said "not sure" too often would save nothing."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.core.load import load_file
from macros.core.schema_errors import schema_diagnostics
from macros.core.schema_fast import accepts
from macros.core.schemas import Schemas, _build_validator, schemas

ROOT = Path(__file__).resolve().parent.parent
S = schemas()


def _kind(path: Path) -> str:
    return {"_org.yaml": "org", "_faq.yaml": "faq-file"}.get(path.name, "plan")


def _cerberus(kind: str, data) -> bool:
    return _build_validator(kind, S).validate(data, normalize=False)


FILES = sorted(p for folder in (ROOT / "plans", ROOT / "tests" / "fixtures", ROOT / "docs")
               for p in folder.rglob("*.yaml") if p.name != "case.yaml")


def _loaded():
    for path in FILES:
        doc, _ = load_file(path, str(path))
        if doc is not None:
            yield path, _kind(path), doc


LOADED = list(_loaded())


def test_every_shipped_and_fixture_file_gets_the_answer_cerberus_gives():
    valid = invalid = 0
    for path, kind, doc in LOADED:
        expected = _cerberus(kind, doc.data)
        assert accepts(kind, S)(doc.data) is expected, path
        valid, invalid = valid + expected, invalid + (not expected)
    # Both answers are exercised, on many files: the examples and the stranger plans are valid,
    # the schema fixtures not (most negative fixtures break a rule, not the schema).
    assert valid >= 100 and invalid >= 30, (valid, invalid)


def test_the_shipped_examples_take_the_fast_path():
    examples = [(kind, doc) for path, kind, doc in LOADED if path.parent == ROOT / "plans"]
    assert len(examples) >= 4 and all(accepts(kind, S)(doc.data) for kind, doc in examples)


def test_a_rule_the_fast_path_does_not_copy_means_not_sure():
    plan = next(doc for path, kind, doc in LOADED
                if path.parent == ROOT / "plans" and kind == "plan")
    title = dict(S.plan["title"], nullable=True)  # a rule schema_fast.COPIED does not list
    changed = Schemas(S.org, {**S.plan, "title": title}, S.parts)
    assert accepts("plan", S)(plan.data)
    assert not accepts("plan", changed)(plan.data)  # so Cerberus decides


def test_a_plan_the_fast_path_accepts_has_no_schema_diagnostics_and_one_it_refuses_has_them():
    doc = copy.deepcopy(next(doc for path, kind, doc in LOADED
                             if path.parent == ROOT / "plans" and kind == "plan"))
    assert schema_diagnostics(doc, "plan", S) == []
    doc.data["title"] = 7
    assert [d.rule for d in schema_diagnostics(doc, "plan", S)] == ["type"]


# -- generated edits --------------------------------------------------------------------------

BASES = [(kind, doc.data) for path, kind, doc in LOADED
         if path.parent in (ROOT / "plans", ROOT / "tests" / "fixtures" / "stranger-2" / "plans")
         and _cerberus(kind, doc.data)]


def _allowed_values(rules) -> list:
    found = []
    if isinstance(rules, dict):
        for key, value in rules.items():
            if key == "allowed" and isinstance(value, list):
                found += value
            else:
                found += _allowed_values(value)
    elif isinstance(rules, list):
        for value in rules:
            found += _allowed_values(value)
    return found


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 400), st.floats(-2, 200, allow_nan=False),
    st.sampled_from(["", "  ", "x", "Some text", "dana-okafor", "Dana-Okafor", "a--b",
                     "2026-01-31", "2026-02-30", "20260131", "all", "USD", "usd", "abc1234",
                     "TODO", "https://example.org", "5 %"]),
    st.sampled_from(_allowed_values([S.plan, S.org, S.parts]) or [""]),
    st.text(max_size=6),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "title", "text", "x", "before", "date"]),
                    inner, max_size=3)), max_leaves=6)


def _places(data, path=()):
    """Every (container, key) in the document, with the path to it."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield data, key, path + (key,)
            yield from _places(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield data, index, path + (index,)
            yield from _places(value, path + (index,))


def _top_fields(kind: str) -> dict:
    return getattr(S, kind) if kind in ("org", "plan") else S.parts[kind]


@st.composite
def edited(draw):
    kind, base = draw(st.sampled_from(BASES))
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(data))
        container, key, path = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "remove", "unknown", "known", "copy",
                                       "empty"]))
        if action == "replace":
            container[key] = draw(VALUES)
        elif action == "remove":
            del container[key]
        elif action == "copy" and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        elif action == "empty":
            container[key] = type(container[key])() if isinstance(
                container[key], (list, dict, str)) else container[key]
        elif isinstance(container, dict):
            # A key the schema knows at this place (an exclusive partner, a missing required
            # one), or one it does not.
            fields = S.rules_at(_top_fields(kind), path[:-1]) or {}
            names = sorted(set(fields) - set(container)) if action == "known" else []
            name = draw(st.sampled_from(names)) if names else draw(
                st.sampled_from(["notes", "Title", "title ", "extra"]))
            container[name] = draw(VALUES)
    return kind, data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_on_edited_plans_the_fast_path_answers_as_cerberus_does(case):
    kind, data = case
    assert accepts(kind, S)(data) is _cerberus(kind, data)


@pytest.mark.parametrize("kind", ["plan", "org", "faq-file"])
def test_a_document_that_is_not_a_mapping_is_not_accepted(kind):
    for data in ([], "plan", None, 3):
        assert accepts(kind, S)(data) is False
