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
from collections.abc import Callable, Iterator
from pathlib import Path

import markdown
import yaml

from macros.core.content import MAX_CHARS, MAX_OPEN_BRACKETS, over_limit
from macros.core.content import render as render_content
from macros.history.diff import diff
from macros.history.leaves import walk
from macros.history.sides import Side
from macros.history.listdiff import SMALL, differing_spans
from macros.render import text
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, invalid_case_plans


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
                          preexec_fn=cap, capture_output=True, text=True, check=False)
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
        from macros.core.load import load_text
        line = "list: [ a" + '"\\\\' * 200_000
        doc, found = load_text("x.yaml", ("id: x\\n" + line + "\\nmore: 1\\n").encode())
        print(found[0].rule, found[0].line, found[0].message)
    """)
    assert out == "yaml-syntax 2 YAML syntax: this '[' is never closed\n"


# --- training content ----------------------------------------------------------------------


NESTED = "[" * 18_000  # 18 KB: check 6 s, build 22 s, before the limit


def content_case(tmp_path: Path, content: str) -> Path:
    plans = invalid_case_plans(FIXTURES / "invalid" / "content-limit", tmp_path / "plans")
    plan_file = plans / "menu-drafts.yaml"
    plan = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    plan["training"]["modules"][0]["content"] = content
    plan_file.write_text(yaml.safe_dump(plan, sort_keys=False, width=100), encoding="utf-8")
    return plans


def converted(monkeypatch) -> list[str]:
    """Every text Python-Markdown is asked to convert from now on."""
    seen: list[str] = []
    convert = markdown.Markdown.convert

    def counting(self, source: str) -> str:
        seen.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    return seen


def test_deeply_nested_content_is_refused_before_markdown_sees_it(tmp_path, monkeypatch):
    plans = content_case(tmp_path, f"Intro\n\n{NESTED}\n")
    seen = converted(monkeypatch)
    monkeypatch.chdir(plans)
    found = [d for d in check([Path(".")], today=TODAY).diagnostics
             if d.rule == "content-limit"]
    assert [(d.file, d.is_error) for d in found] == [("menu-drafts.yaml", True)]
    assert f"more than {MAX_OPEN_BRACKETS} brackets" in found[0].message and found[0].hint
    assert not [s for s in seen if NESTED in s]
    # The page (text.markdown, as the build calls it) never hands it to Markdown either, and
    # shows it as the text it is.
    shown = text.markdown(f"Intro\n\n{NESTED}\n")
    assert not [s for s in seen if NESTED in s]
    assert NESTED in shown and "<a" not in shown


def test_content_longer_than_the_limit_is_refused_at_its_line(tmp_path, monkeypatch):
    long = "A sentence about menus.\n\n" * (MAX_CHARS // 25 + 1)
    plans = content_case(tmp_path, long)
    seen = converted(monkeypatch)
    monkeypatch.chdir(plans)
    found = [d for d in check([Path(".")], today=TODAY).diagnostics
             if d.rule == "content-limit"]
    source = (plans / "menu-drafts.yaml").read_text(encoding="utf-8").splitlines()
    assert len(found) == 1 and f"at most {MAX_CHARS}" in found[0].message
    assert source[found[0].line - 1].lstrip().startswith("content:")
    assert not [s for s in seen if s.startswith(long[:100]) and len(s) > MAX_CHARS]


def test_the_limits_leave_ordinary_content_alone():
    assert over_limit("[a [b [c]]](https://example.com) (see (this)) " * 600) is None
    assert over_limit(("[ " * MAX_OPEN_BRACKETS + "\n\n") * 50) is None  # a blank line ends it
    assert over_limit("[ " * (MAX_OPEN_BRACKETS + 1)) is not None
    assert over_limit("[a](" * (MAX_OPEN_BRACKETS + 1)) is not None  # 4 KB: 3.5 s before
    html, findings = render_content("Read [the guide](https://example.com).")
    assert '<a href="https://example.com"' in html and findings == []


# --- the diff of long lists --------------------------------------------------------------------


def repeated(n: int) -> tuple[list, list]:
    """n equal list items; the new side changes one, removes one and adds two."""
    old = ["Customer names"] * n
    new = old[:n // 3] + ["Card numbers"] + old[n // 3 + 1:n // 2] + old[n // 2 + 1:]
    return old, new + ["Staff ids", "Customer names"]


def test_the_diff_of_a_long_repetitive_list_runs_in_linear_work():
    """1,500 repeated items made SequenceMatcher(autojunk=False) cubic: 37 s to build."""
    work = {}
    for n in (1_500, 3_000):
        old, new = repeated(n)
        work[n] = lines_run(lambda old=old, new=new: list(walk({"items": old}, {"items": new})))
    assert work[3_000] <= 2.2 * work[1_500]


def test_the_diff_of_a_long_list_still_reports_every_change():
    old, new = repeated(1_500)
    plan = yaml.safe_load((FIXTURES / "valid" / "minimum" / "menu-drafts.yaml").read_text())
    before, after = dict(plan), dict(plan)
    before["data_rules"] = dict(plan["data_rules"], never_enter=old)
    after["data_rules"] = dict(plan["data_rules"], never_enter=new)
    changes = diff(Side("old", {plan["id"]: before}, {}), Side("new", {plan["id"]: after}, {}))
    leaves = list(walk(before, after))
    # As short as an edit can be: 1,499 items stay, one goes and two come.
    assert sorted(((leaf.old, leaf.new) for leaf in leaves), key=str) == sorted([
        ("Customer names", None), (None, "Card numbers"), (None, "Staff ids")], key=str)
    assert len(changes) == 3


def test_long_lists_are_told_apart_exactly():
    """Applying the spans turns the old list into the new one, and what they keep is equal."""
    import random

    rng = random.Random(18)
    for _ in range(300):
        old = [rng.choice("abcde") for _ in range(rng.randint(SMALL - 20, SMALL + 60))]
        new = [rng.choice("abcde") if rng.random() < 0.2 else x for x in old]
        new = [x for x in new if rng.random() > 0.1] + [rng.choice("xy")] * rng.randint(0, 3)
        rebuilt, done = [], 0
        for a1, a2, b1, b2 in differing_spans(old, new):
            assert a1 >= done and (a2 > a1 or b2 > b1)
            rebuilt += old[done:a1] + new[b1:b2]
            done = a2
        assert rebuilt + old[done:] == new


def test_the_reference_states_the_limits_the_check_applies():
    from macros.core.rules.content import rule_content_limit

    assert f"{MAX_CHARS:,} characters" in rule_content_limit.__doc__
    assert f"more than {MAX_OPEN_BRACKETS} brackets" in rule_content_limit.__doc__
