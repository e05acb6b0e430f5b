"""A fast "yes" in front of Cerberus: the schema compiled into plain Python tests that answer
only one question, whether Cerberus would find nothing wrong with a document.

Cerberus takes about three quarters of a cold check (a child validator per mapping and list,
a rule handler looked up per rule per value). Nearly every plan is valid, so a check that says
"valid" in a fraction of that time saves most of it. The tests copy Cerberus 1.3's own semantics
for the rules the schema uses (its type table and our custom types are called, not rewritten);
when a document is not certainly valid, or the schema uses a rule not copied here, the answer is
"not sure" and Cerberus runs as before, so every error message still comes from Cerberus.
tests/test_schema_fast.py holds the two answers equal on every fixture and on generated edits.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Callable

from .schemas import PlanValidator, Schemas, _build_validator, _top

Test = Callable[[Any], bool]

# The Cerberus rules copied below. Any other rule in a field's rules makes that field "not sure".
COPIED = frozenset({"type", "schema", "required", "allowed", "min", "max", "regex", "minlength",
                    "keysrules", "valuesrules", "excludes"})


def _not_sure(value: Any) -> bool:
    return False


@lru_cache(maxsize=3)  # org, plan and faq-file, like the validators
def accepts(kind: str, s: Schemas) -> Test:
    """A test that is True only when Cerberus reports no error for the document."""
    validator = _build_validator(kind, s)  # its schema is the one Cerberus checks: no `meta`
    return _Compiler(validator).mapping(validator.schema)


class _Compiler:
    def __init__(self, validator: PlanValidator):
        self.validator = validator
        self.named: dict[str, Test] = {}  # registry parts, compiled once (and may recurse)

    def mapping(self, fields: Any) -> Test:
        """A mapping's test: only known keys, every required key, no excluded pair, and each
        value passing its field's rules (Cerberus' __validate_unknown_fields, _required_fields
        and __validate_definitions)."""
        if isinstance(fields, str):
            return self._named(fields)
        if not isinstance(fields, Mapping) or not all(isinstance(r, Mapping)
                                                      for r in fields.values()):
            return _not_sure
        fields = dict(fields)
        required = frozenset(k for k, r in fields.items() if r.get("required") is True)
        excludes = {k: (r["excludes"],) if isinstance(r["excludes"], str) else
                    tuple(r["excludes"]) for k, r in fields.items() if "excludes" in r}
        # `excludes` also lifts `required` (one of the pair suffices): not copied.
        if any(k in required or required.intersection(v) for k, v in excludes.items()):
            return _not_sure
        checks = {k: self.field(r) for k, r in fields.items()}
        exclusive = tuple(excludes.items())

        def test(value: Any) -> bool:
            if not isinstance(value, Mapping):
                return False
            for key, item in value.items():
                check = checks.get(key)
                if check is None or not check(item):
                    return False
            if not required <= value.keys():
                return False
            return not any(key in value and any(o in value for o in others)
                           for key, others in exclusive)
        return test

    def _named(self, name: str) -> Test:
        if name not in self.named:
            self.named[name] = _not_sure  # while compiling: a part that contains itself
            fields = self.validator.schema_registry.get(name)
            self.named[name] = self.mapping(fields) if fields is not None else _not_sure
        return lambda value: self.named[name](value)  # looked up late: parts may recurse

    def field(self, rules: Mapping) -> Test:
        """One value's test: not None (no field is nullable), then its type, then every other
        rule, each as Cerberus applies it to a value of that type."""
        if not set(rules) <= COPIED:
            return _not_sure
        of_type = self._type(rules.get("type"))
        if of_type is None:
            return _not_sure
        others = [self._rule(name, argument) for name, argument in rules.items()
                  if name not in ("type", "required", "excludes")]
        if any(test is None for test in others):
            return _not_sure

        def test(value: Any) -> bool:
            if value is None or not of_type(value):
                return False
            return all(rule(value) for rule in others)
        return test

    def _type(self, names: Any) -> Test | None:
        if not names:
            return lambda value: True
        tests = []
        for name in (names,) if isinstance(names, str) else names:
            if name in self.validator.types_mapping:
                included, excluded = self.validator.types_mapping[name][1:]
                tests.append(lambda v, i=included, e=excluded: isinstance(v, i)
                             and not isinstance(v, e))
            elif (handler := getattr(self.validator, f"_validate_type_{name}", None)) is not None:
                tests.append(handler)
            else:
                return None
        return lambda value: any(test(value) for test in tests)

    def _rule(self, name: str, argument: Any) -> Test | None:
        if name == "allowed":
            return lambda v: (all(x in argument for x in v)
                              if isinstance(v, Iterable) and not isinstance(v, str)
                              else v in argument)
        if name in ("min", "max"):
            def bounded(v: Any) -> bool:
                try:
                    return not (v < argument if name == "min" else v > argument)
                except TypeError:  # Cerberus lets an uncomparable value pass
                    return True
            return bounded
        if name == "minlength":
            return lambda v: not (isinstance(v, Iterable) and len(v) < argument)
        if name == "regex":  # PlanValidator._validate_regex: the whole text
            pattern = re.compile(argument)
            return lambda v: not isinstance(v, str) or pattern.fullmatch(v) is not None
        if name in ("keysrules", "valuesrules"):
            if not isinstance(argument, Mapping):
                return None
            each = self.field(argument)
            if name == "keysrules":
                return lambda v: not isinstance(v, Mapping) or all(each(k) for k in v)
            return lambda v: not isinstance(v, Mapping) or all(each(x) for x in v.values())
        if name == "schema":
            return self._schema(argument)
        return None

    def _schema(self, argument: Any) -> Test:
        """`schema`: the rules of every item of a list, or the fields of a mapping."""
        items = self.field(argument) if isinstance(argument, Mapping) else _not_sure
        fields = self.mapping(argument)

        def test(value: Any) -> bool:
            if isinstance(value, Sequence) and not isinstance(value, str):
                return all(items(x) for x in value)
            if isinstance(value, Mapping):
                return fields(value)
            return True
        return test
