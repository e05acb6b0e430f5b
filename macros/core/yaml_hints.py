"""What a YAML syntax error means, in the editor's words: the parser's problem and position turned
into one diagnostic with a hint (a runaway or typographic quote, an unclosed bracket, a key
indented wrong, a missing colon ...).
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from .diagnostics import ERROR, Diagnostic
from .yaml_strict import _STRAIGHT_HINT, _TYPOGRAPHIC, StrictLoader, _Found


_ESCAPE_HINT = "Inside double quotes a backslash starts an escape; use single quotes or write \\\\."
# libyaml's messages, in words a policy editor can act on. Matched on the problem text.
_SYNTAX_HINTS = [
    (
        "mapping values are not allowed",
        "A colon followed by a space inside unquoted text starts a new key. Put the whole "
        'text in double quotes: text: "Note: call first".',
    ),
    (
        "expected ',' or '}'",
        "Inside {...} a comma, '{' or '}' in unquoted text ends the value, and ' #' starts a "
        "comment that swallows the closing '}'. Quote the text, or write the entry in block "
        "style, one key per line.",
    ),
    (
        "expected ',' or ']'",
        "Inside [...] a comma in unquoted text splits it into two items, and ':' or '[' end it. "
        "Quote the text.",
    ),
    (
        "cannot start any token",
        "Text cannot start with this character unless quoted ('@', '`', '%' and tabs). Quote "
        "the text and indent with spaces, not tabs.",
    ),
    ("found undefined alias", "Anchors and aliases (&name / *name) are not allowed in plans."),
    (
        "could not find expected ':'",
        "A line is missing its 'key: value' colon, or a quoted text is not closed.",
    ),
    (
        "did not find expected key",
        "Check the indentation: every key at the same level must start in the same column.",
    ),
    (
        "did not find expected '-' indicator",
        "Check the indentation of the list: every '- ' item must start in the same column.",
    ),
    ("found unexpected end of stream", "A quoted text is not closed: add the closing quote."),
    ("found unknown escape character", _ESCAPE_HINT),
]


# A line that holds a key: indentation and list dashes, the key, then ':' and a space or the end.
_KEY_LINE = re.compile(r"^(\s*(?:-\s+)*)([^-\s#'\"\[\]{},][^:#]*?):(?:\s|$)")
# A line a runaway quoted text swallowed: it looks like the start of a key or a list item.
_STRUCTURE_LINE = re.compile(r"^\s*(?:- |[A-Za-z_][\w-]*:(?:\s|$))")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _syntax_diagnostic(file: str, exc: yaml.YAMLError, source: str) -> Diagnostic:
    """One libyaml error as the mistake the editor made, placed where it was made."""
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts the offset in UTF-8 bytes.
        before = source.encode("utf-8")[: exc.position].decode("utf-8", "ignore")
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "?")
        return Diagnostic(file, line, column, ERROR, "yaml-syntax",
                          f"YAML syntax: the character U+{char:04X} is not allowed in YAML",
                          "Delete it and retype the text around it.")
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    found = _explain(source, problem, context, problem_mark, context_mark)
    if found is not None:
        line, column, message, hint = found
        return Diagnostic(file, line, column, ERROR, "yaml-syntax", f"YAML syntax: {message}", hint)
    mark = problem_mark or context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    hint = next((h for key, h in _SYNTAX_HINTS if key in problem), "")
    return Diagnostic(file, line, column, ERROR, "yaml-syntax", message, hint)


# Over 60 lines: one ordered list of error shapes -> hint; the first that fits wins.
def _explain(source: str, problem: str, context: str, problem_mark: Any,
             context_mark: Any) -> _Found | None:
    """The mistake behind libyaml's error, chosen from the error's shape and the source line.
    Runs only on a file that failed to parse."""
    lines = source.splitlines()
    if problem_mark is not None and ('"' in source or "'" in source):
        runaway = _runaway_quote(source, problem_mark)
        if runaway is not None:
            return runaway
    if context_mark is not None and context_mark.line < len(lines):
        opened = lines[context_mark.line]
        if context == "while scanning a quoted scalar" and "end of stream" in problem:
            return _unclosed_quote(opened, context_mark.line, context_mark.column, None)
        if context.startswith("while parsing a flow") and problem_mark is not None:
            found = _unclosed_flow(lines, context_mark, problem_mark)
            if found is not None:
                return found
        if (problem == "did not find expected key" and context == "while parsing a block mapping"
                and problem_mark is not None):
            found = _misplaced_key(lines, context_mark, problem_mark)
            if found is not None:
                return found
        if (problem in ("did not find expected key", "did not find expected '-' indicator")
                and problem_mark is not None):
            found = _under_indented(lines, problem_mark.line, problem_mark.column)
            if found is not None:
                return found
        if (problem.startswith("could not find expected ':'") and problem_mark is not None
                and opened[context_mark.column:][:1] in ("'", '"')
                and problem_mark.line > context_mark.line):
            # The simple key the scanner was reading is a quoted text that ran over lines.
            return _unclosed_quote(opened, context_mark.line, context_mark.column,
                                   problem_mark.line)
        if problem.startswith("could not find expected ':'") and "simple key" in context:
            found = _missing_colon(opened, context_mark.line, context_mark.column)
            if found is not None:
                return found
    if problem_mark is None or problem_mark.line >= len(lines):
        return None
    text = lines[problem_mark.line]
    column = problem_mark.column
    if "tab" in problem or source[problem_mark.index:problem_mark.index + 1] == "\t":
        tab = column if text[column:column + 1] == "\t" else text.find("\t")
        if tab >= 0:
            return (problem_mark.line + 1, tab + 1, "a tab is used for indentation"
                    if not text[:tab].strip(" -") else "a tab is not allowed here",
                    "YAML indents with spaces only: replace the tab with spaces (most editors "
                    "can show tabs and turn them into spaces).")
    # A typographic quote that opens a value or key (not one inside running text).
    curly = next((m for m in _TYPOGRAPHIC.finditer(text, 0, column + 1)
                  if text[:m.start()].rstrip()[-1:] in ("", ":", "-", "[", "{", ",")), None)
    if curly is not None:
        return (problem_mark.line + 1, curly.start() + 1,
                f"{curly.group()} is a typographic quote, which YAML does not read as a quote",
                _STRAIGHT_HINT)
    if "escape" in problem or "hexdecimal" in problem:
        backslash = text.rfind("\\", 0, column + 1)
        if backslash >= 0:
            return (problem_mark.line + 1, backslash + 1,
                    "a backslash inside double quotes starts an escape, and "
                    f"'\\{text[backslash + 1:backslash + 2]}' does not start a valid one",
                    _ESCAPE_HINT)
    if problem.startswith("mapping values are not allowed"):
        return _mapping_values(lines, problem_mark.line, column)
    return None


def _runaway_quote(source: str, problem_mark: Any) -> _Found | None:
    """A quote left open pairs with the next quote in the file: the text runs over lines that
    look like keys until a later error. Found from the tokens before the error."""
    try:
        for token in yaml.scan(source, Loader=StrictLoader):
            start, end = token.start_mark, token.end_mark
            if start.index >= problem_mark.index:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and end.line > start.line):
                swallowed = source[start.index:end.index].splitlines()[1:]
                if any(_STRUCTURE_LINE.match(line) for line in swallowed):
                    opened = source.splitlines()[start.line]
                    return _unclosed_quote(opened, start.line, start.column, end.line)
    except yaml.YAMLError:
        pass
    return None


def _unclosed_quote(text: str, line: int, column: int, runs_to: int | None) -> _Found:
    quote = text[column:column + 1] or '"'
    message = ("this quote is never closed" if runs_to is None else
               f"this quote is not closed on its line, so the text runs on to line {runs_to + 1}")
    hint = f"Add the closing {quote} at the end of the text."
    curly = _TYPOGRAPHIC.search(text, column + 1)
    if curly is not None:
        hint = (f"The text ends with the typographic quote {curly.group()}: YAML needs a "
                f"straight {quote} to close it.")
    return line + 1, column + 1, message, hint


def _unclosed_flow(lines: list[str], opened: Any, problem: Any) -> _Found | None:
    text = lines[opened.line]
    opener = text[opened.column:opened.column + 1]
    if opener not in ("[", "{"):
        return None
    closer = "]" if opener == "[" else "}"
    found = lines[problem.line][problem.column:problem.column + 1] if problem.line < len(
        lines) else ""
    if problem.line == opened.line and found in ("]", "}") and found != closer:
        return (problem.line + 1, problem.column + 1,
                f"'{found}' cannot close the '{opener}' opened in column {opened.column + 1}",
                f"Close '{opener}' with '{closer}'.")
    # Quoted text may hold brackets and ' #': blank it out before counting.
    rest = _blank_quoted(text[opened.column:])
    comment = rest.find(" #")
    depth = 0
    for char in rest if comment < 0 else rest[:comment]:
        depth += char in "[{"
        depth -= char in "]}"
        if depth == 0:
            return None  # closed on its own line: the error is something else
    # A collection may go on over lines, indented; back at the opener's indentation (or at the
    # end of the file) the block structure has resumed and the collection was never closed.
    if problem.line == opened.line or (problem.line < len(lines)
                                       and _indent(lines[problem.line]) > _indent(text)):
        return None
    if comment >= 0:
        return (opened.line + 1, opened.column + 1,
                f"this '{opener}' is never closed: the ' #' in column "
                f"{opened.column + comment + 2} starts a comment that hides the rest of the line",
                "Put the text that holds '#' in double quotes (\"Sign-off sheet #2\"), or write "
                "the entry in block style, one key per line.")
    return (opened.line + 1, opened.column + 1, f"this '{opener}' is never closed",
            f"Close it with '{closer}' at the end of the entry.")


def _blank_quoted(text: str) -> str:
    """`text` with each quoted text ("…" with backslash escapes, '…' with '') made '_'s of its
    length. One pass: a pattern that retries every later quote after an unclosed one is
    quadratic in a line of escaped quotes."""
    out, i, n = [], 0, len(text)
    double_dead = single_dead = -1  # a quote of that kind before here opens nothing
    while i < n:
        char, end = text[i], None
        if char == '"' and i > double_dead:
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    if text[j + 1:j + 2] in ("", "\n"):
                        break  # an escape needs a character after it on the line
                    j += 1
                j += 1
            if j < n and text[j] == '"':
                end = j + 1
            else:  # every '"' up to here was escaped inside this one: none can open either
                double_dead = j
        elif char == "'" and i > single_dead:
            j, last_pair = i + 1, None
            while j < n and (text[j] != "'" or text[j + 1:j + 2] == "'"):
                last_pair = j if text[j] == "'" else last_pair
                j += 2 if text[j] == "'" else 1
            if j < n:
                end = j + 1
            elif last_pair is not None:  # '' was the closing quote, then the end
                end = last_pair + 1
            else:  # no quote follows at all
                single_dead = n
        if end is None:
            out.append(char)
            i += 1
        else:
            out.append("_" * (end - i))
            i = end
    return "".join(out)


def _misplaced_key(lines: list[str], mapping: Any, problem: Any) -> _Found | None:
    """After a value that cannot go on (a list, a quoted text), a key indented more than the
    keys of its mapping stops the parser at the key itself."""
    if problem.line >= len(lines):
        return None
    text = lines[problem.line]
    if text[problem.column:problem.column + 2] == "- ":
        # Its siblings: the shallowest items since the parent line above them.
        item: int | None = None
        for i in range(problem.line - 1, -1, -1):
            if not lines[i].strip() or lines[i].lstrip().startswith("#"):
                continue
            if _indent(lines[i]) < problem.column:
                break
            if lines[i].lstrip().startswith("- ") and (
                    item is None or _indent(lines[i]) < _indent(lines[item])):
                item = i
        if item is not None and _indent(lines[item]) != problem.column:
            return (problem.line + 1, problem.column + 1,
                    f"this list item starts in column {problem.column + 1}, the one on line "
                    f"{item + 1} in column {_indent(lines[item]) + 1}",
                    "Check the indentation of the list: every '- ' item must start in the "
                    "same column.")
        return None
    key = _KEY_LINE.match(text)
    if key is None or len(key.group(1)) != problem.column or problem.column <= mapping.column:
        return None
    first = _KEY_LINE.match(lines[mapping.line][mapping.column:])
    like = f", like '{first.group(2).strip()}' on line {mapping.line + 1}" if first else ""
    return (problem.line + 1, problem.column + 1,
            f"'{key.group(2).strip()}' is indented more than the other keys of its mapping",
            f"Keys of one mapping start in the same column: start it in column "
            f"{mapping.column + 1}{like}.")


def _under_indented(lines: list[str], line: int, column: int) -> _Found | None:
    """A key that starts left of its siblings: the parser stops at it, expecting the list or
    mapping above to go on. The siblings are the shallowest keys since the parent line."""
    if line >= len(lines):
        return None
    key = _KEY_LINE.match(lines[line])
    if key is None or len(key.group(1)) != column:
        return None
    sibling: tuple[int, int, str] | None = None
    for i in range(line - 1, -1, -1):
        above = _KEY_LINE.match(lines[i])
        if above is None:
            continue
        above_column = len(above.group(1))
        if above_column < column:
            break  # the parent: stop looking
        if sibling is None or above_column < sibling[1]:
            sibling = (i, above_column, above.group(2).strip())
    if sibling is None or sibling[1] == column:
        return None
    return (line + 1, column + 1,
            f"'{key.group(2).strip()}' starts in column {column + 1}, but '{sibling[2]}' on line "
            f"{sibling[0] + 1} starts in column {sibling[1] + 1}",
            "Check the indentation: keys of one mapping start in the same column.")


def _missing_colon(text: str, line: int, column: int) -> _Found | None:
    entry = text[column:].split(" #")[0].strip()
    if not entry or entry[0] in "\"'":
        return None
    glued = re.match(r"([^\s:]+):(\S.*)", entry)
    if glued:
        return (line + 1, column + 1, f"'{entry}' needs a space after ':'",
                f"Write '{glued.group(1)}: {glued.group(2)}'.")
    words = entry.split(None, 1)
    example = f"{words[0]}: {words[1]}" if len(words) == 2 else f"{entry}: <value>"
    return (line + 1, column + 1, f"'{entry}' has no ':' after its key",
            f"Write the key, a colon and a space, then the value: '{example}'.")


def _mapping_values(lines: list[str], line: int, column: int) -> _Found | None:
    """`: ` where no key may start: inside unquoted text (the table's hint), after a key indented
    more than the one above it, or after a line above that lost its own colon."""
    text = lines[line]
    body = text[:column].lstrip(" ")
    while body.startswith("- "):
        body = body[2:].lstrip(" ")
    if not body.strip() or re.search(r":(?:\s|$)", body) or body[0] in "\"'":
        return None  # a colon inside text
    key, key_column = body.strip(), column - len(body)
    content = [i for i in range(line - 1, -1, -1)
               if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if not content:
        return None
    above = _KEY_LINE.match(lines[content[0]])
    if above is not None:
        above_key, above_column = above.group(2).strip(), len(above.group(1))
        if key_column <= above_column:
            return None
        return (line + 1, key_column + 1,
                f"'{key}' is indented more than '{above_key}' on line {content[0] + 1}",
                f"Keys of one mapping start in the same column: start '{key}' in column "
                f"{above_column + 1}, under '{above_key}'.")
    # The line above is text with no key. If it opens the block under a bare `key:` at this
    # key's column, it is a key that lost its colon.
    previous = lines[content[0]]
    if (len(content) > 1 and _indent(previous) == key_column
            and _KEY_LINE.match(lines[content[1]]) and lines[content[1]].rstrip().endswith(":")):
        return _missing_colon(previous, content[0], key_column)
    return (line + 1, key_column + 1, f"'{key}:' is read as more of the text on the line above",
            "Start each key in the same column as the other keys of its mapping, and quote text "
            "that goes on over several lines.")
