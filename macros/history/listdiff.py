"""Where two lists of items without ids differ, in time that stays near-linear however long
and repetitive the lists are.

`difflib.SequenceMatcher(autojunk=False)` finds the longest matching blocks, which on a long list
of repeated items costs time cubic in its length (1,500 equal list items took half a minute).
Short lists keep it, so their diffs read as they always have; long ones are compared by value:
the k-th copy of a value in the old list is matched with its k-th copy in the new one, and the
longest run of those matches that keeps its order on both sides stays unchanged. Everything else
falls in a span that differs, so every change is still reported.
"""
from __future__ import annotations

import bisect
import difflib
from collections import defaultdict, deque
from collections.abc import Hashable, Sequence

# Up to this many items on a side, SequenceMatcher's cost is small (cubic in the worst case:
# about a second at 500 equal items; at 100, a hundredth of that).
SMALL = 100

Span = tuple[int, int, int, int]  # old[a1:a2] became new[b1:b2]


def differing_spans(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Span]:
    """The spans (a1, a2, b1, b2) in which `new` differs from `old`, in order; outside them the
    two lists hold equal items in the same order."""
    if max(len(old), len(new)) <= SMALL:
        matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
        return [(a1, a2, b1, b2) for op, a1, a2, b1, b2 in matcher.get_opcodes()
                if op != "equal"]
    spans: list[Span] = []
    a_done = b_done = 0
    for i, j in _kept(old, new) + [(len(old), len(new))]:
        if i > a_done or j > b_done:
            spans.append((a_done, i, b_done, j))
        a_done, b_done = i + 1, j + 1
    return spans


def _kept(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Pairs (i, j) of equal items, increasing on both sides: the longest such chain among the
    k-th-copy matches (a longest increasing subsequence, n log n)."""
    where: dict[Hashable, deque[int]] = defaultdict(deque)
    for j, value in enumerate(new):
        where[value].append(j)
    pairs = [(i, where[value].popleft()) for i, value in enumerate(old) if where.get(value)]
    tails: list[int] = []  # tails[k]: the smallest new index ending a chain of length k + 1
    ends: list[int] = []  # index in `pairs` of that chain's last pair
    before: list[int] = []  # for each pair, the pair before it in its chain (-1: none)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        before.append(ends[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            ends.append(n)
        else:
            tails[k], ends[k] = j, n
    chain: list[tuple[int, int]] = []
    n = ends[-1] if ends else -1
    while n >= 0:
        chain.append(pairs[n])
        n = before[n]
    return chain[::-1]
