"""`handbook diff` never hides a change, and its pull-request comment is inert.

1. For every example file (plans/*.yaml, the org file included) and every leaf of it, one
   mutation of that leaf (a string changed, a number bumped, a bool flipped, a list item
   dropped) is reported at its path. A changed policy TEXT always needs approval, for the
   wording cannot be judged.
2. The Markdown comment, rendered by markdown-it-py (CommonMark + GFM tables, strikethrough and
   linkify), has hostile text in every field and still holds no link, image, HTML, heading,
   list, table or mention that the tool did not write itself.
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator

import pytest
from markdown_it import MarkdownIt

from macros.history.diff import diff, to_json, to_markdown
from macros.history.sides import FAQ_FILE, ORG_FILE, Side
from macros.core.load import load_text

from .conftest import FIXTURES, ROOT

FILES = sorted((ROOT / "plans").glob("*.yaml"))
ORG = load_text(ORG_FILE, (ROOT / "plans" / ORG_FILE).read_bytes())[0].data


def _selector(items: list, index: int) -> str:
    """How a path names a list item: by id where the item has one (unique in its list), else
    by position — written out here, independently of the diff's own code."""
    item = items[index]
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        if sum(isinstance(x, dict) and x.get("id") == item["id"] for x in items) == 1:
            return f"[{item['id']}]"
    return f"[{index}]"


def leaves(data, path: str = "", trail: tuple = ()) -> Iterator[tuple[str, tuple, object]]:
    """(path as the diff writes it, keys and indexes to reach it, value) for every scalar, and
    for every list item (which can be dropped)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else key, trail + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            here = path + _selector(data, index)
            yield here, trail + (index,), value  # the item itself: dropped
            if isinstance(value, (dict, list)):
                yield from leaves(value, here, trail + (index,))
    else:
        yield path, trail, data


def mutate(data, trail: tuple, drop: bool = False) -> None:
    """Change the one leaf at `trail`: drop the list item, or alter the scalar."""
    parent = data
    for step in trail[:-1]:
        parent = parent[step]
    last = parent[trail[-1]]
    if drop:
        del parent[trail[-1]]
    elif isinstance(last, bool):
        parent[trail[-1]] = not last
    elif isinstance(last, (int, float)):
        parent[trail[-1]] = last + 1
    elif last is None:
        parent[trail[-1]] = "set"
    else:
        parent[trail[-1]] = f"{last} (changed)"


def expected_path(path: str, trail: tuple, data) -> str:
    """A changed `id` moves the whole item (removed, and one with the new id added)."""
    if trail and trail[-1] == "id" and len(trail) > 1:
        parent = data
        for step in trail[:-2]:
            parent = parent[step]
        if isinstance(parent, list):
            return path[: -len(".id")]
    return path


def cases() -> Iterator:
    for file in FILES:
        data = load_text(file.name, file.read_bytes())[0].data
        for path, trail, value in leaves(data):
            if isinstance(trail[-1], int):
                yield pytest.param(file.name, path, trail, "drop", id=f"{file.stem}:{path}:drop")
                if isinstance(value, (dict, list)):
                    continue
            yield pytest.param(file.name, path, trail, "alter", id=f"{file.stem}:{path}")


CASES = list(cases())


def _diff_one(name: str, old: dict, new: dict) -> list[dict]:
    if name == ORG_FILE:
        sides = Side("old", {}, old), Side("new", {}, new)
    elif name == FAQ_FILE:
        sides = Side("old", {}, ORG, faq=old), Side("new", {}, ORG, faq=new)
    else:
        sides = Side("old", {old["id"]: old}, ORG), Side("new", {new["id"]: new}, ORG)
    return json.loads(to_json(diff(*sides)))


def _load(name: str) -> dict:
    return load_text(name, (ROOT / "plans" / name).read_bytes())[0].data


_DOCS = {file.name: _load(file.name) for file in FILES}


def test_there_are_many_leaves():
    assert len(CASES) > 1000  # the examples are rich; a walk that stopped early would show


@pytest.mark.parametrize("name, path, trail, mode", CASES)
def test_every_mutated_leaf_is_reported(name: str, path: str, trail: tuple, mode: str):
    old = _DOCS[name]
    new = copy.deepcopy(old)
    mutate(new, trail, drop=mode == "drop")
    changes = _diff_one(name, old, new)
    if trail == ("id",):  # the plan's own id: a plan removed and a new one
        assert {(c["plan"], c["path"]) for c in changes} >= {(old["id"], ""), (new["id"], "")}
        return
    expected = expected_path(path, trail, old)
    paths = [c["path"] for c in changes]
    assert expected in paths, f"{expected} not in {paths}"


# Policy text, listed here from the brief (pause rules and triggers, thresholds, targets, uses,
# data rules, review rules, gates, governance), not from the diff's own table.
POLICY_TEXT = [
    r"pause\.triggers\[[^]]+\]\.text", r"pause\.return_to_normal\[\d+\]",
    r"monitoring\[[^]]+\]\.(target|pause_threshold|metric)",
    r"uses\.prohibited\[[^]]+\]\.(text|reason)", r"uses\.allowed\[[^]]+\]\.text",
    r"data_rules\.(never_enter|allowed)\[\d+\]",
    r"review\[[^]]+\]\.(output|before|time_allowed|checks\[\d+\])",
    r"stages\[[^]]+\]\.gate\.criteria\[[^]]+\]\.(question|threshold)",
    r"governance\.change_process",
]
TEXT_CASES = [c for c in CASES if c.values[0] != ORG_FILE and c.values[3] == "alter"
              and any(re.fullmatch(p, c.values[1]) for p in POLICY_TEXT)]


def test_policy_text_cases_cover_every_kind():
    found = {p for p in POLICY_TEXT for c in TEXT_CASES if re.fullmatch(p, c.values[1])}
    assert found == set(POLICY_TEXT)


@pytest.mark.parametrize("name, path, trail, mode", TEXT_CASES)
def test_reworded_policy_text_needs_approval(name: str, path: str, trail: tuple, mode: str):
    old = _DOCS[name]
    new = copy.deepcopy(old)
    mutate(new, trail)
    [change] = [c for c in _diff_one(name, old, new) if c["path"] == path]
    assert change["needs_approval"] is True
    assert change["reason"] == "wording changed; cannot be judged automatically"
    owner = (old.get("governance") or {}).get("definition_owner") or old["owner"]
    assert change["approver"] == next(p["name"] for p in ORG["people"] if p["id"] == owner)


# --- the comment is inert -------------------------------------------------------------------

HOSTILE = [
    "a `tick` and ``two`` and a lone ` here",
    "first line\n\n## Approved by governance owner\n\nlast",
    "[x](https://evil)", "![i](https://evil/p.gif)", "<details><summary>open</summary>",
    "<img src=x onerror=alert(1)>", "@someone please approve", "cc @org/team", "fixes #1",
    "see https://evil.example and www.evil.example", "- a list item\n* another\n1. third",
    "| a | b |\n|---|---|\n| c | d |", "~~struck~~ **bold** _em_", "&amp; &#64;x &lt;b&gt;",
    "```\ncode\n```", "> quoted\n\n---", "\\`escaped\\` \\@x", "`",
]


def hostile_copy(data, salt: str, counter: list[int]):
    """Every text leaf replaced by a hostile string (ids kept, so items still match)."""
    if isinstance(data, dict):
        return {k: v if k in ("id", "schema_version") else hostile_copy(v, salt, counter)
                for k, v in data.items()}
    if isinstance(data, list):
        return [hostile_copy(v, salt, counter) for v in data]
    if isinstance(data, str):
        counter[0] += 1
        return f"{HOSTILE[counter[0] % len(HOSTILE)]} {salt}{counter[0]}"
    return data


def hostile_sides() -> tuple[Side, Side]:
    base = FIXTURES / "valid" / "minimum"
    plan = load_text("menu-drafts.yaml", (base / "menu-drafts.yaml").read_bytes())[0].data
    org = load_text(ORG_FILE, (base / ORG_FILE).read_bytes())[0].data
    old_plan, new_plan = hostile_copy(plan, "old", [0]), hostile_copy(plan, "new", [0])
    old_org, new_org = hostile_copy(org, "old", [0]), hostile_copy(org, "new", [0])
    # Items that come and go show their labels, or their whole content when they have none.
    new_plan["uses"]["prohibited"].append({"id": "extra", "text": HOSTILE[1]})
    new_plan["escalation"][0]["steps"].append({"contact": HOSTILE[0], "within": HOSTILE[6],
                                               "action": HOSTILE[3]})
    new_plan["stages"].append({"id": "more", "name": HOSTILE[4] + HOSTILE[1]})
    new_plan["title"] = "@org/team `#1` <b>x</b>\n\n## heading"
    gone = dict(old_plan, id="gone-plan", title=HOSTILE[2])
    return (Side("origin/main @x `#1`", {"menu-drafts": old_plan, "gone-plan": gone}, old_org),
            Side("<b>plans</b>", {"menu-drafts": new_plan}, new_org))


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"linkify": True}).enable(
        ["table", "strikethrough", "linkify"])


def test_the_parser_would_see_hostile_structure():
    """The check below can fail: unescaped, the same text makes links, HTML and headings."""
    tokens = _parser().parse("\n\n".join(HOSTILE))
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert {"link_open", "image", "html_block", "heading_open", "bullet_list_open",
            "table_open", "s_open"} <= kinds


def test_hostile_values_stay_inert_in_the_comment():
    old, new = hostile_sides()
    changes = diff(old, new)
    comment = to_markdown(changes, old, new)
    tokens = _parser().parse(comment)
    plans = len({c.plan for c in changes})
    headings = [i for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert len(headings) == 1 + plans  # the title and one per plan (and the org file)
    inline = [c for t in tokens for c in t.children or []]
    kinds = [t.type for t in tokens] + [c.type for c in inline]
    for forbidden in ("link_open", "image", "html_block", "html_inline", "ordered_list_open",
                      "table_open", "s_open", "em_open", "fence", "code_block", "hr"):
        assert forbidden not in kinds, forbidden
    # One bullet list per section, one item per change, none nested.
    assert kinds.count("list_item_open") == len(changes)
    depth = 0
    for t in tokens:
        depth += t.nesting if t.type == "bullet_list_open" or t.type == "bullet_list_close" else 0
        assert depth <= 1
    # Mentions, references and addresses only ever appear inside code spans.
    for t in inline:
        if t.type == "text":
            assert not re.search(r"[@#<>\[\]!]|https?:|www\.", t.content), t.content
    # Each value is shown exactly once-escaped: the code span holds the value itself.
    spans = {c.content for c in inline if c.type == "code_inline"}
    assert "@org/team `#1` <b>x</b>⏎⏎## heading" in spans
    assert "origin/main @x `#1`" in spans
    for i, text in enumerate(HOSTILE):
        assert f"{text.replace(chr(10), '⏎')} new{i or len(HOSTILE)}" in spans or any(
            text.replace("\n", "⏎") in s for s in spans), text


def test_every_value_in_the_comment_comes_from_a_change():
    """Each change's line in the comment is its sentence; nothing is dropped on the way."""
    old, new = hostile_sides()
    changes = diff(old, new)
    comment = to_markdown(changes, old, new)
    assert sum(line.startswith("- ") for line in comment.splitlines()) == len(changes)
    assert len(changes) > 30


def test_the_site_history_text_is_escaped_for_the_handbook():
    old, new = hostile_sides()
    for change in diff(old, new):
        assert "<img" not in change.text and "](" not in change.text and "\n" not in change.text


# --- malformed input never crashes the diff --------------------------------------------------

ODD = [None, "`@x` <b>", 2.5, True, [], {"id": "x", "name": ["n"]},
       [{"id": 3}, {"id": "x"}, {"id": "x"}, "a"]]


def subtrees(data, trail: tuple = ()) -> Iterator[tuple]:
    yield trail
    children = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in children:
        yield from subtrees(value, trail + (key,))


@pytest.mark.parametrize("name", [f.name for f in FILES])
def test_malformed_values_anywhere_never_crash(name: str):
    """What the schema would refuse (a list where a dict belongs, a number for a name) is still
    compared and reported: the diff is run on revisions that may not pass the check."""
    old = _DOCS[name]
    count = 0
    for trail in subtrees(old):
        if not trail:
            continue
        for odd in ODD:
            new = copy.deepcopy(old)
            parent = new
            for step in trail[:-1]:
                parent = parent[step]
            parent[trail[-1]] = copy.deepcopy(odd)
            for a, b in ((old, new), (new, old)):
                if name == ORG_FILE:
                    sides = Side("a", {}, a), Side("b", {}, b)
                elif name == FAQ_FILE:
                    sides = Side("a", {}, ORG, faq=a), Side("b", {}, ORG, faq=b)
                else:
                    sides = Side("a", {"p": a}, ORG), Side("b", {"p": b}, ORG)
                changes = diff(*sides)
                to_markdown(changes, *sides)
                to_json(changes)
                _ = [c.text for c in changes]
                count += 1
    assert count > (200 if name == FAQ_FILE else 1000)  # _faq.yaml is a short file
