"""Rules on training content and FAQ answers: length, links, and the FAQ's references and review.
"""
from __future__ import annotations

from typing import Iterator

from ..content import over_limit
from ..content import render as render_content
from ..diagnostics import ERROR, WARNING, Diagnostic
from ..faq_check import DEFAULT_REVIEW_DAYS, Known, link_problems, review_problems
from ..load import Document
from ..yaml_strict import display_path
from .base import Scope, _faq_file, entries, get, reads


def _content_lines(doc: Document, path: tuple, text: str) -> dict[int, tuple[int, str]]:
    """Where each line of `content` sits in the file: {line of the text: (file line, file
    text)}, for a literal block (`content: |`) or a value on one line; {} when the file's lines
    are not exactly the content's (folded or escaped text), and the value's own line is used."""
    line, col = doc.position(path)
    try:
        source = doc.source.read_text(encoding="utf-8").splitlines() if doc.source else []
    except (OSError, UnicodeError):
        return {}
    if not 0 < line <= len(source):
        return {}
    lines = text.split("\n")
    if "\n" not in text:  # only what follows the value's start, not an earlier field
        return {0: (line, " " * (col - 1) + source[line - 1][col - 1:])}
    if not source[line - 1][col - 1:].startswith("|"):
        return {}
    body = source[line:line + len(lines)]
    if len(body) < len(lines) - 1 or any(want and not have.endswith(want)
                                         for want, have in zip(lines, body)):
        return {}
    return {n: (line + 1 + n, have) for n, have in enumerate(body)}


def _markdown_places(scope: Scope) -> list[tuple[Document, tuple, str]]:
    """Where Markdown is written: (file, list path, field): training modules' `content` and
    FAQ answers, which go through the same sanitiser."""
    places = [(scope.org, ("training",), "content")] if scope.org else []
    places += [(doc, ("training", "modules"), "content") for doc in scope.plans]
    return places + [(doc, ("faq",), "answer") for doc in scope.plans + _faq_file(scope)]


@reads("training modules' content and FAQ answers (length, and brackets left open)")
def rule_content_limit(scope: Scope) -> Iterator[Diagnostic]:
    """Training content of more than 30,000 characters, or with more than 16 brackets '[' or
    parentheses '(' open at once in one paragraph, is an error: Markdown's time grows with
    both, so such content never reaches it and a small plan cannot make a long build."""
    for doc, where, key in _markdown_places(scope):
        for index, module in entries(get(doc.data, *where)):
            text = module.get(key)
            found = over_limit(text) if isinstance(text, str) else None
            if found is None:
                continue
            number, message, hint = found
            path = (*where, index, key)
            line, column = doc.position(path)
            in_file = _content_lines(doc, path, text)
            if number in in_file:  # the line itself, at its first character
                line, have = in_file[number]
                column = len(have) - len(have.lstrip()) + 1
            yield Diagnostic(doc.file, line, column, ERROR, "content-limit",
                             f"{display_path(path)}: {message}", hint)


@reads("training modules' content and FAQ answers (rendered and sanitised as the page would "
       "be)")
def rule_content_link(scope: Scope) -> Iterator[Diagnostic]:
    """Training content: every link or image that the published page would drop or change is a
    warning. The findings come from the renderer itself (macros/content.py), so the check and the
    page can never disagree; each is reported on the line that holds it where that can be told."""
    for doc, where, key in _markdown_places(scope):
        for index, module in entries(get(doc.data, *where)):
            text = module.get(key)
            path = (*where, index, key)
            findings = render_content(text)[1] if isinstance(text, str) else []
            in_file = _content_lines(doc, path, text) if findings else {}
            last: dict[str, int] = {}  # the same target again is looked for further down
            reported = set()
            for finding in findings:
                line, column = doc.position(path)
                hits = [n for n, (_, have) in in_file.items() if finding.target in have]
                if finding.target and hits:
                    later = [n for n in hits if n > last.get(finding.target, -1)]
                    last[finding.target] = hit = later[0] if later else hits[-1]
                    line, have = in_file[hit]
                    column = have.find(finding.target) + 1
                message = f"{display_path(path)}: {finding.kind} '{finding.target}': " + (
                    finding.reason if finding.published is None else
                    f"{finding.reason}; it would be published as '{finding.published}'")
                if (line, column, message) not in reported:
                    reported.add((line, column, message))
                    # A warning: the format shows such a link inert (its text stays, its
                    # target goes), it does not refuse the plan; the page shows what the
                    # check says, to the letter.
                    yield Diagnostic(doc.file, line, column, WARNING, "content-link", message,
                                     finding.hint or CONTENT_HINTS[finding.kind])


CONTENT_HINTS = {
    "link": "Link to an https://, http:// or mailto: address, or to a handbook page by a "
            "relative address; to show an address without linking it, put it in `backticks`.",
    "image": "Training content shows no images. Remove it, or link to it instead: "
             "[what it shows](https://...).",
}


def _faq_places(scope: Scope) -> tuple[Known, list[tuple[Document, str | None]]]:
    """What FAQ entries may link (macros/faq_check.py), and each file with entries: every
    plan (its own id for short links) and plans/_faq.yaml (no home plan)."""
    modules = set(scope.org_modules)
    for doc in scope.plans:
        modules |= {m["id"] for _, m in entries(get(doc.data, "training", "modules"))
                    if isinstance(m.get("id"), str)}
    plans = {d.data["id"]: d.data for d in scope.plans if isinstance(d.data.get("id"), str)}
    known = Known(plans, set(scope.tools), modules, set(scope.people) | set(scope.teams),
                  scope.org is not None,
                  bool(get(scope.org.data if scope.org else {}, "baseline", "never_enter")))
    places = [(d, d.data.get("id") if isinstance(d.data.get("id"), str) else None)
              for d in scope.plans]
    return known, places + [(doc, None) for doc in _faq_file(scope)]


@reads("faq[].uses, escalation, stage (<id> or <plan>/<id>), tools, training, audience and "
       "data_rules, in plans and plans/_faq.yaml")
def rule_faq_link(scope: Scope) -> Iterator[Diagnostic]:
    """An FAQ answer is shown with the status of what it links, so each link must exist."""
    known, places = _faq_places(scope)
    for doc, home in places:
        for problem in link_problems(doc.data, home, known):
            yield scope.report(doc, problem.path, ERROR, "faq-link", problem.message,
                               problem.hint)


@reads("faq[].added and faq[].uses; the linked plan's decisions, pauses, approval and stage "
       "dates; faq_review_days in plans/_org.yaml")
def rule_faq_review(scope: Scope) -> Iterator[Diagnostic]:
    """An entry older than faq_review_days (default 30) whose linked use's plan changed since
    it was added (by the plan's own dates) is a warning: the answer may no longer hold."""
    days = get(scope.org.data if scope.org else {}, "faq_review_days")
    days = days if isinstance(days, int) and not isinstance(days, bool) and days > 0 \
        else DEFAULT_REVIEW_DAYS
    known, places = _faq_places(scope)
    for doc, home in places:
        for problem in review_problems(doc.data, home, known, scope.today, days):
            yield scope.report(doc, problem.path, WARNING, "faq-review", problem.message,
                               problem.hint)
