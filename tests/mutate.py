"""`make mutate`: mutmut over the areas of pyproject.toml [tool.mutmut.areas], then the mutation
score of each area (killed / total) from mutmut's own results (mutants/*.meta).

    python -m tests.mutate                 every area, then the scores
    python -m tests.mutate access diff     those areas only
    python -m tests.mutate --names GLOB    only the mutants GLOB names (a documented sample)
    python -m tests.mutate --score         the scores of what was run before, nothing run

The areas are the one list of what is mutated: mutmut's `only_mutate` is set from them here,
so a module moved elsewhere is updated in one place (tests/test_mutants_areas.py fails first).
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent


def areas() -> dict[str, list[str]]:
    """Area name -> selectors: "path.py" (a module) or "path.py:function" / "path.py:Class.m"."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["mutmut"]["areas"]


def module_path(selector: str) -> str:
    return selector.partition(":")[0]


def mutant_glob(selector: str) -> str:
    """The names mutmut gives the mutants of a selector (x_f for a function, xǁCǁm for a
    method: mutmut's own mangling)."""
    path, _, function = selector.partition(":")
    module = path.removesuffix(".py").replace("/", ".")
    if not function:
        return f"{module}.*"
    owner, _, name = function.rpartition(".")
    mangled = f"xǁ{owner}ǁ{name}" if owner else f"x_{name}"
    return f"{module}.{mangled}__mutmut_*"


def area_of(mutant: str, table: dict[str, list[str]]) -> str | None:
    """The area a mutant counts for: a function selector wins over a whole module."""
    found = None
    for area, selectors in table.items():
        for selector in selectors:
            if fnmatch.fnmatchcase(mutant, mutant_glob(selector)):
                if ":" in selector:
                    return area
                found = found or area
    return found


def _results(table: dict[str, list[str]]) -> Iterator[tuple[str, str, str]]:
    """(area, mutant, status) of every mutant of every area: areas are assigned over the whole
    table, so that a function listed in one area is never counted in its module's area."""
    from mutmut.stats import status_by_exit_code

    for path in sorted({module_path(s) for selectors in table.values() for s in selectors}):
        meta = ROOT / "mutants" / f"{path}.meta"
        if meta.is_file():
            codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
            for mutant, code in codes.items():
                area = area_of(mutant, table)
                if area:
                    yield area, mutant, status_by_exit_code[code]


def statuses(table: dict[str, list[str]], chosen: list[str]) -> dict[str, Counter]:
    """Per chosen area, how many mutants ended in each of mutmut's statuses."""
    counts: dict[str, Counter] = {area: Counter() for area in chosen}
    for area, _, status in _results(table):
        if area in counts:
            counts[area][status] += 1
    return counts


def score_lines(counts: dict[str, Counter]) -> list[str]:
    """killed / total per area; total counts every mutant run (not those never run: a sample)."""
    lines = [f"{'area':<8} {'killed':>7} / {'total':<6} {'score':>7}  besides"]
    for area, count in counts.items():
        total = sum(v for k, v in count.items() if k != "not checked")
        killed = count["killed"]
        pct = f"{100 * killed / total:.1f} %" if total else "-"
        besides = ", ".join(f"{v} {k}" for k, v in sorted(count.items()) if k != "killed")
        lines.append(f"{area:<8} {killed:>7} / {total:<6} {pct:>7}  {besides}")
    return lines


def survivors(table: dict[str, list[str]], chosen: list[str]) -> list[str]:
    return [m for area, m, status in _results(table) if area in chosen and status == "survived"]


# The rules' decorators (macros/core/rules/base.py `reads`, `emits`) only set an attribute on the rule and
# return it. mutmut 3.8.1 leaves every decorated function alone (a decorator may register it or
# change its signature); these two do neither, so the rules are mutated like any function.
ATTRIBUTE_DECORATORS = frozenset({"reads", "emits"})


def _mutate_attribute_decorated_functions() -> None:
    import libcst as cst
    from mutmut.mutation.file_mutation import MutationVisitor

    skip = MutationVisitor._skip_node_and_children

    def only_attributes(node: cst.CSTNode) -> bool:
        return (isinstance(node, cst.FunctionDef) and bool(node.decorators) and all(
            isinstance(d.decorator, cst.Call) and isinstance(d.decorator.func, cst.Name)
            and d.decorator.func.value in ATTRIBUTE_DECORATORS for d in node.decorators))

    def skip_unless_attributes(self, node: cst.CSTNode) -> bool:
        return False if only_attributes(node) else skip(self, node)

    MutationVisitor._skip_node_and_children = skip_unless_attributes


def run(selectors: list[str], names: list[str]) -> None:
    """mutmut run of the mutants `names` (globs), in this process so that only_mutate comes
    from the areas' `selectors`."""
    from mutmut import configuration

    configuration.config().only_mutate = sorted({module_path(s) for s in selectors})
    _mutate_attribute_decorated_functions()
    # `python -m tests.mutate` imported this repository's tests package: mutmut's pytest, run
    # in mutants/, must import the copy there under the same name.
    for module in [m for m in sys.modules if m == "tests" or m.startswith("tests.")]:
        del sys.modules[module]
    from mutmut.__main__ import cli

    cli(["run", "--max-children", "2", *names], standalone_mode=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make mutate", description=__doc__.split("\n")[0])
    parser.add_argument("areas", nargs="*", help="areas to run (default: all)")
    parser.add_argument("--names", action="append", default=[], help="mutant name glob")
    parser.add_argument("--score", action="store_true", help="print the scores only")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    args = parser.parse_args(argv)
    table = areas()
    unknown = set(args.areas) - set(table)
    if unknown:
        parser.error(f"unknown area(s): {', '.join(sorted(unknown))}; known: {', '.join(table)}")
    chosen = list(args.areas or table)
    if not (args.score or args.survivors):
        # Every area's modules are mutated on every run, whichever areas are run: mutmut
        # copies a module it does not mutate newer than its source and then never mutates it.
        every = [s for selectors in table.values() for s in selectors]
        run(every, args.names or [mutant_glob(s) for area in chosen for s in table[area]])
    if args.survivors:
        print("\n".join(survivors(table, chosen)))
    print("\n".join(score_lines(statuses(table, chosen))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
