"""`make mutate`'s areas (pyproject.toml [tool.mutmut.areas]) name modules and functions that
exist, and ones mutmut can mutate: a module moved or a function renamed cannot silently empty
an area or leave its score to the functions still found."""
from __future__ import annotations

import ast
import tomllib

import pytest

from .conftest import ROOT
from .mutate import ATTRIBUTE_DECORATORS, area_of, areas, mutant_glob

AREAS = ("rules", "model", "access", "diff")
MUTABLE_DECORATORS = {"staticmethod", "classmethod", *ATTRIBUTE_DECORATORS}


def _definitions(path: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and class methods of a module, as "f" and "Class.m"."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    found: dict = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found |= {f"{node.name}.{child.name}": child for child in node.body
                      if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return found


def test_the_four_areas_of_the_issue_are_listed():
    assert tuple(areas()) == AREAS


def test_every_module_an_area_names_exists_and_defines_functions():
    for area, selectors in areas().items():
        assert selectors, f"area {area} is empty"
        for selector in selectors:
            path, _, function = selector.partition(":")
            assert path.startswith("macros/") and path.endswith(".py"), selector
            assert (ROOT / path).is_file(), f"{area}: {path} does not exist (moved?)"
            defined = _definitions(path)
            assert defined, f"{area}: {path} defines no function to mutate"
            if function:
                assert function in defined, f"{area}: {selector} names no function (renamed?)"
                # mutmut 3 never mutates a decorated function (but those tests/mutate.py lets
                # through): listed, it would count nothing.
                decorators = {ast.unparse(d).partition("(")[0]
                              for d in defined[function].decorator_list}
                assert decorators <= MUTABLE_DECORATORS, (
                    f"{area}: {selector} is decorated ({decorators}); mutmut skips it")


def test_mutant_names_follow_mutmuts_mangling():
    assert mutant_glob("macros/values.py") == "macros.values.*"
    assert mutant_glob("macros/values.py:gives_access") == "macros.values.x_gives_access__mutmut_*"
    assert (mutant_glob("macros/render/front.py:uses_in_force")
            == "macros.render.front.x_uses_in_force__mutmut_*")
    assert (mutant_glob("macros/model.py:Plan.joins_at")
            == "macros.model.xǁPlanǁjoins_at__mutmut_*")


def test_the_fast_tests_mutmut_runs_exist():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    for test_id in config["pytest_add_cli_args_test_selection"]:
        test_file, _, test = test_id.partition("::")
        assert (ROOT / test_file).is_file(), test_id
        assert not test or f"def {test}(" in (ROOT / test_file).read_text(encoding="utf-8"), (
            f"{test_id}: no such test (renamed?)")
    for copied in config["also_copy"]:
        assert (ROOT / copied).exists(), copied


def test_the_rules_decorators_only_set_an_attribute_so_mutmut_may_mutate_the_rules():
    from macros.core.rules import base as rules

    def rule(scope):
        return iter(())

    for name in ATTRIBUTE_DECORATORS:
        assert getattr(rules, name)("x")(rule) is rule
    assert (rule.reads, rule.emits) == (("x",), ("x",))
    visitor = pytest.importorskip("mutmut.mutation.file_mutation").MutationVisitor
    assert callable(visitor._skip_node_and_children), "mutmut changed: see tests/mutate.py"


def test_a_function_listed_in_an_area_counts_there_and_not_in_its_modules_area():
    table = areas()
    assert area_of("macros.model.plan_access.xǁPlanAccessǁgrants_through__mutmut_3",
                   table) == "access"
    assert area_of("macros.model.model.xǁPlanǁposition_at__mutmut_3", table) == "model"
    assert area_of("macros.core.rules.tier_rules.x_rule_impact_tier__mutmut_1", table) == "rules"
    assert area_of("macros.core.load.x_load__mutmut_1", table) is None
