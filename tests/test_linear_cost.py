"""Small valid plans, short builds: the pathological inputs of issue 18 run in bounded work.

Nothing here reads a clock. Python code runs under a budget of executed lines (`budget`), and
its work is compared at n and 2n; the C regular-expression engine cannot be counted, so those
inputs run in a child process whose CPU time is capped (`within_cpu`): at these sizes the old
quadratic patterns need hours and the linear code a fraction of a second, so the cap decides
nothing but which of the two is running.
"""
from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
import textwrap
from typing import Callable, Iterator

from .conftest import ROOT


class OverBudget(BaseException):
    """Past the budget (a BaseException, so that no `except Exception` in the code hides it)."""


@contextlib.contextmanager
def budget(lines: int) -> Iterator[Callable[[], int]]:
    """Counts the Python lines executed inside the block; raises OverBudget past `lines`."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > lines:
                raise OverBudget(f"more than {lines} lines executed")
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        yield lambda: count
    finally:
        sys.settrace(previous)


def lines_run(function: Callable[[], object], limit: int = 3_000_000) -> int:
    with budget(limit) as used:
        function()
    return used()


def within_cpu(code: str, seconds: int = 30) -> str:
    """Runs `code` in a child Python with its CPU time capped; its output, or a failure."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          preexec_fn=cap, capture_output=True, text=True)
    assert done.returncode == 0, f"over {seconds} s of CPU or failed: {done.stderr[-2000:]}"
    return done.stdout


# --- regular expressions over plan text --------------------------------------------------------


def test_a_long_run_of_commas_before_the_end_of_a_text_is_trimmed_in_linear_time():
    """`plain_end` ran `[\\s.,;:!?…]+$`, which tries every start of a run that does not reach the
    end: a 47 KB fallback of ", " took 38 s to build. One megabyte now takes no time."""
    out = within_cpu("""
        from macros.render.sentences import plain_end
        text = ", " * 500_000 + "x" + ", " * 500_000
        assert plain_end(text) == ", " * 500_000 + "x"
        assert plain_end("Ask a lead. \\u00a0,;") == "Ask a lead"
        print("ok")
    """)
    assert out == "ok\n"


def test_a_flow_list_full_of_escaped_quotes_is_explained_in_linear_time():
    """A YAML error in an unclosed '[' blanks quoted text out of the line before counting
    brackets; the pattern for it retried every quote after an unclosed one (20 KB: 2.6 s)."""
    out = within_cpu("""
        from macros.load import load_text
        line = "list: [ a" + '"\\\\' * 200_000
        doc, found = load_text("x.yaml", ("id: x\\n" + line + "\\nmore: 1\\n").encode())
        print(found[0].rule, found[0].line, found[0].message)
    """)
    assert out == "yaml-syntax 2 YAML syntax: this '[' is never closed\n"
