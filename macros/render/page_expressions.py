"""What a hand-written page may write inside {{ … }} and {% … %}: the handbook's macros, the
variables the page sets itself, literals, and Jinja's filters, tests and control structures.

Pages render in a sandbox that holds nothing else (page_sandbox.py); this module finds, before
the build and at a line and column, every expression that the sandbox would refuse mid-build
or that reaches for more than the macros: `cycler.__init__.__globals__.os`, `config.extra`,
`range(9)`, `x.__class__`, `{% include %}`. One finding per refused expression, outermost first.
"""
from __future__ import annotations

import difflib
import re
from typing import Collection, Iterator

from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.tests import TESTS

# Names Jinja itself binds inside a for loop or a {% call %} block.
_JINJA_BOUND = {"loop", "caller", "varargs", "kwargs"}
_TEMPLATES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def close_macro(name: str, macros: Collection[str]) -> str | None:
    """The macro a misspelt name most likely means (reported as `page-macro`), if any."""
    close = difflib.get_close_matches(name, list(macros), n=1, cutoff=0.75)
    return close[0] if close else None


def _chain(node: nodes.Node) -> list[nodes.Node]:
    """The nodes an expression is built from, outermost first: `a.b(c)` -> call, .b, a."""
    chain = [node]
    while isinstance(chain[-1], (nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Filter)) and (
            chain[-1].node is not None):
        chain.append(chain[-1].node)
    return chain


def _leftmost(node: nodes.Node) -> nodes.Node:
    """The node an expression starts with: `a` in `a.b(c)[d]`."""
    return _chain(node)[-1]


def _column(lines: list[str], node: nodes.Node) -> tuple[int, int]:
    """1-based line and column of where `node` starts. Jinja records lines only, so the
    column is where the expression's first name and what follows it (`.attr`, `[`, `(`) are
    written on that line."""
    chain = _chain(node)
    start = chain[-1]
    line = start.lineno or node.lineno or 1
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    patterns = []
    if isinstance(start, nodes.Name):
        head = rf"(?<![\w.]){re.escape(start.name)}\b"
        after = chain[-2] if len(chain) > 1 else None
        if isinstance(after, nodes.Getattr):
            patterns.append(rf"{head}\s*\.\s*{re.escape(after.attr)}\b")
        elif isinstance(after, (nodes.Getitem, nodes.Call)):
            patterns.append(head + (r"\s*\[" if isinstance(after, nodes.Getitem) else r"\s*\("))
        patterns.append(head)
    if isinstance(node, nodes.Getattr):
        patterns.append(rf"\.\s*{re.escape(node.attr)}\b")
    if isinstance(node, nodes.Filter):
        patterns.insert(0, rf"\|\s*{re.escape(node.name)}\b")
    if isinstance(node, nodes.Test):
        patterns.insert(0, rf"\bis\s+(?:not\s+)?{re.escape(node.name)}\b")
    for pattern in patterns:
        found = re.search(pattern, text)
        if found:
            return line, found.start() + 1
    return line, 1


def _described(node: nodes.Node) -> str:
    start = _leftmost(node)
    return f"'{start.name}'" if isinstance(start, nodes.Name) else "a value"


def _refusal(node: nodes.Node, macros: Collection[str], bound: set[str]) -> str | None:
    """Why the page may not write `node`, or None (then its parts are looked at)."""
    if isinstance(node, _TEMPLATES):
        return "pages cannot include, import or extend other templates"
    if isinstance(node, nodes.Name) and node.ctx == "load":
        if node.name not in macros and node.name not in bound:
            return (f"'{node.name}' is not a handbook macro or a variable the page sets; "
                    "nothing else is available in pages")
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) else None)
        if isinstance(key, str) and key.startswith("_"):
            return f"'{key}': names starting with _ are not available in pages"
        if not (isinstance(node.node, nodes.Name) and node.node.name in bound):
            return (f"reads into {_described(node)}: pages read attributes and items only of "
                    "a variable they set ({% set ex = handbook_examples() %} … ex.plan)")
    if isinstance(node, nodes.Call):
        callee = node.node
        if not isinstance(callee, nodes.Name):
            return f"calls into {_described(node)}: pages may call only the handbook's macros"
        if callee.name not in macros:
            if callee.name not in bound and close_macro(callee.name, macros):
                return None  # a misspelt macro: `page-macro` says which one was meant
            return f"'{callee.name}' is not a handbook macro; pages may call only those"
    if isinstance(node, nodes.Filter) and node.name == "attr":
        return "the attr filter reads attributes: pages may not"
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return f"'{node.name}' is not one of Jinja's filters, the only ones pages have"
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        return f"'{node.name}' is not one of Jinja's tests, the only ones pages have"
    return None


def refused_expressions(tree: nodes.Template, lines: list[str], macros: Collection[str]
                        ) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) for each expression of the page the sandbox would refuse."""
    bound = _JINJA_BOUND | {n.name for n in tree.find_all(nodes.Name)
                            if n.ctx in ("store", "param")}

    def walk(node: nodes.Node) -> Iterator[tuple[int, int, str]]:
        message = _refusal(node, macros, bound)
        if message is not None:
            yield (*_column(lines, node), message)
            return
        for child in node.iter_child_nodes():
            if isinstance(node, nodes.Call) and child is node.node:
                continue  # the macro's own name: looked at above
            yield from walk(child)

    yield from walk(tree)
