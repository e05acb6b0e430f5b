"""Load: strict YAML into plain data that remembers the line and column of every value.

PyYAML's defaults are wrong for files edited by policy people: duplicate keys silently keep the
last value, aliases expand (the "billion laughs"), `no` and `on` become booleans and `1:30`
becomes 5400. This loader reads YAML 1.2-style scalars (dates stay text; only `true`/`false` are
booleans) through libyaml, and turns every problem into a Diagnostic instead of an exception.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .diagnostics import ERROR, WARNING, Diagnostic

MAX_BYTES = 512 * 1024  # a large plan is ~20 KB; anything near this limit is a mistake or an attack
MAX_DEPTH = 32  # plans nest about six levels deep
MAX_VALUES = 20_000  # a large plan holds ~2,000 values; more is a generated or hostile file
# libyaml's composer recurses in C and crashes the process on ~100k nested collections; below
# this many possible openers the file cannot nest that deep, so the event scan is skipped.
_CHEAP_DEPTH_BOUND = 5000

Path_ = tuple  # a document path: ("stages", 1, "gate", "decider")

# Invisible characters that can hide, reorder or break text: control codes, bidi overrides,
# the invisible line and paragraph separators, and a stray byte-order mark.
HAZARDS = {c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F} | set(range(0x80, 0xA0)) | {
    0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    0xFEFF}
# In the raw file, CR of CRLF line ends and tabs are fine; libyaml would silently turn a raw
# NEL or line separator into a line break, so those are refused where they stand.
# U+FFFE and U+FFFF are not characters at all (a broken conversion); libyaml refuses them too.
_NONCHARACTERS = {0xFFFE, 0xFFFF}
_RAW_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS | _NONCHARACTERS)
                                       if c not in (0x09, 0x0D)) + "]")
# Loaded text can only hold a hazard that a double-quoted escape wrote ("\u202e").
_TEXT_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)) + "]")
# Quotes a word processor substitutes for straight ones; YAML reads them as ordinary letters.
TYPOGRAPHIC_QUOTES = "\u201c\u201d\u2018\u2019\u201e"
_TYPOGRAPHIC = re.compile(f"[{TYPOGRAPHIC_QUOTES}]")
# One escape inside double quotes: code points, a line continuation, or one character.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|\r\n|[\s\S])")
# Escapes that say what they mean: a backslash, a quote, a slash, a code point, a continuation.
_PLAIN_ESCAPES = {"\\", '"', "/", "\n", "\r", "\r\n"}
_WINDOWS_PATH = re.compile(r"(?<![\w\\])[A-Za-z]:\\")
_ESCAPE_WORDS = {"t": "a tab", "\t": "a tab", "n": "a line break", "_": "a no-break space",
                 " ": "a space"}

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class StrictLoader(_BaseLoader):
    """libyaml parser with YAML 1.2 core-schema scalars: no 1.1 booleans, octals, sexagesimals or
    timestamps."""

    yaml_implicit_resolvers: dict = {}

    def resolve(self, kind, value, implicit):
        # Called from C for every node: most plan scalars are plain words, which start with a
        # letter no resolver claims, so they are text without trying any pattern.
        if kind is ScalarNode and implicit[0] and value and value[0] not in _CLAIMED:
            return _STR
        return super().resolve(kind, value, implicit)

    # Path resolvers are not used; libyaml calls these for every collection.
    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


def _resolver(tag: str, pattern: str, first: str) -> None:
    StrictLoader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_resolver(_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver(_INT, r"^[-+]?[0-9]+$", "-+0123456789")
_resolver(_FLOAT, r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789.")
_resolver(_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])

_CLAIMED = {c for resolvers in StrictLoader.yaml_implicit_resolvers for c in resolvers if c}

def _number(text: str) -> int | float:
    """A YAML float; a whole one (`2.0`, `1e3`) is the whole number it is, as JSON Schema and
    the editor count it, so that the check and the editor agree on `headcount: 2.0`."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


_SCALARS = {
    _STR: str,
    _INT: int,
    _FLOAT: _number,
    _BOOL: lambda v: v in ("true", "True", "TRUE"),
    _NULL: lambda v: None,
}


@dataclass
class Document:
    """One loaded YAML file: its data and where each value and key sits in the text."""

    file: str  # as shown to editors, e.g. plans/support-replies.yaml
    data: dict
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    flow_mappings: set[Path_] = field(default_factory=set)
    # Where the loader already reported a problem (alias, tag): no follow-on "missing value".
    broken: set[Path_] = field(default_factory=set)

    source: Path | None = None  # to reload the positions after `travel_light()`

    def travel_light(self) -> Document:
        """Drop the positions before crossing a process boundary: they are most of a
        document's size, and only a document with a problem needs them again."""
        if self.source is not None:
            self.value_marks, self.key_marks = {}, {}
        return self

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that exists in the file."""
        if not self.value_marks and self.source is not None:
            again, _ = load_file(self.source, self.file)
            if again is not None:
                self.value_marks, self.key_marks = again.value_marks, again.key_marks
        path = tuple(path)
        if key and path in self.key_marks:
            return self.key_marks[path]
        while path:
            if path in self.value_marks:
                return self.value_marks[path]
            if path in self.key_marks:
                return self.key_marks[path]
            path = path[:-1]
        return self.value_marks.get((), (1, 1))


def display_path(path: Path_) -> str:
    """("stages", 1, "gate") -> "stages[1].gate"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

_OPENING_QUOTES = "\u201c\u2018\u201e"
_CLOSING = re.compile("[\u201d\u2019\u201c]")


def _plain(node: Any) -> bool:
    return isinstance(node, ScalarNode) and not node.style


def _within(path: Path_) -> str:
    return f"{display_path(path)}: " if path else ""


class _Inspector:
    """Mistakes that load without a syntax error: typographic quotes used as YAML quotes,
    backslash escapes in double quotes, invisible characters in keys. Run over the node tree
    only when a substring test on the file says one may be there, so a plain plan pays nothing
    per node. A key it reports is repaired, so the schema does not report it again."""

    def __init__(self, file: str, source: str, *, quotes: bool, escapes: bool):
        self.file, self.source = file, source
        self.quotes, self.escapes = quotes, escapes
        self.problems: list[Diagnostic] = []
        self.rejoined: set[int] = set()

    def report(self, line: int, column: int, severity: str, rule: str, message: str,
               hint: str) -> None:
        self.problems.append(Diagnostic(self.file, line, column, severity, rule, message, hint))

    def run(self, root: Any) -> list[Diagnostic]:
        seen: set[int] = set()
        stack: list[tuple[Any, Path_, int]] = [(root, (), 0)]
        while stack:
            node, path, depth = stack.pop()
            if id(node) in seen or depth > MAX_DEPTH:
                continue  # aliases and excess depth are the walker's to report
            seen.add(id(node))
            if isinstance(node, ScalarNode):
                self.scalar(node, path, key=False)
            elif isinstance(node, SequenceNode):
                if self.quotes and node.flow_style:
                    self.rejoin(node, path)
                stack.extend((item, path + (i,), depth + 1) for i, item in enumerate(node.value))
            elif isinstance(node, MappingNode):
                if self.quotes and node.flow_style:
                    self.rejoin(node, path)
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode):
                        self.scalar(key_node, path, key=True)
                        stack.append((value_node, path + (key_node.value,), depth + 1))
        return sorted(self.problems)

    def rejoin(self, node: MappingNode | SequenceNode, path: Path_) -> None:
        """Inside [...] or {...} a comma within typographic quotes splits the text: the rest
        becomes more items, or stray keys with no value. Report it once, at the opening quote,
        and put the pieces back together so that the schema does not report each piece."""
        pairs = isinstance(node, MappingNode)
        entries = node.value
        # The text that opens a split (a value, or an item) and the pieces after it (stray keys,
        # or more items).
        opener = (lambda j: entries[j][1]) if pairs else (lambda j: entries[j])
        piece = (lambda j: entries[j][0]) if pairs else (lambda j: entries[j])

        def stray(j: int) -> bool:  # a piece of split text: plain, and a key with no value
            return _plain(piece(j)) and not (pairs and entries[j][1].value)

        i = 0
        while i < len(entries):
            opened = opener(i)
            if not (_plain(opened) and opened.value and opened.value[0] in _OPENING_QUOTES
                    and not _CLOSING.search(opened.value, 1)):
                i += 1
                continue
            end = i + 1
            while end < len(entries) and stray(end) and not _CLOSING.search(piece(end).value):
                end += 1
            if end == len(entries) or not stray(end):
                i += 1  # no piece closes the quote: not simply a split text
                continue
            where = path + ((entries[i][0].value,) if pairs else (i,))
            self.report(opened.start_mark.line + 1, opened.start_mark.column + 1, ERROR,
                        "yaml-typographic-quote",
                        f"{display_path(where)}: {opened.value[0]} is a typographic quote, so the "
                        "comma after it splits the text", _STRAIGHT_HINT)
            opened.value = ", ".join([opened.value]
                                     + [piece(j).value for j in range(i + 1, end + 1)])
            opened.style = '"'  # what the editor meant: no unquoted-text findings on it again
            self.rejoined.add(id(opened))
            del entries[i + 1:end + 1]
            i += 1

    def scalar(self, node: ScalarNode, path: Path_, *, key: bool) -> None:
        if id(node) in self.rejoined:
            return
        text = node.value
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if self.quotes and not node.style and text and text[0] in TYPOGRAPHIC_QUOTES:
            hint = _STRAIGHT_HINT
            if key:
                node.value = text.strip(TYPOGRAPHIC_QUOTES + " ")
                self.report(line, column, ERROR, "yaml-typographic-quote",
                            f"{_within(path)}the key {text} is in typographic quotes, which YAML "
                            "keeps as part of its name", f"Write it without quotes: {node.value}:")
            else:
                self.report(line, column, WARNING, "yaml-typographic-quote",
                            f"{display_path(path)}: the text starts with the typographic quote "
                            f"{text[0]}, which YAML keeps as part of the text", hint)
        if self.escapes and node.style == '"':
            raw = self.source[node.start_mark.index:node.end_mark.index]
            if "\\" in raw:
                self.escaped(node, path, raw, key=key)

    def escaped(self, node: ScalarNode, path: Path_, raw: str, *, key: bool) -> None:
        hazard = _TEXT_HAZARD.search(node.value)
        if hazard is not None:
            if key:  # values are the text-hazard rule's; a key it never sees
                node.value = _TEXT_HAZARD.sub("", node.value)
                self.report(node.start_mark.line + 1, node.start_mark.column + 1, ERROR,
                            "text-hazard", f"{_within(path)}the key '{node.value}' contains the "
                            f"invisible character U+{ord(hazard.group()):04X}",
                            "Retype the key; invisible control and direction characters can "
                            "hide what it says.")
            return  # an escape that writes a hazard is reported as the hazard, once
        surprises = [m for m in _ESCAPE.finditer(raw)
                     if m.group(1) not in _PLAIN_ESCAPES and m.group(1)[0] not in "xuU"]
        # `\n` alone is the usual way to write a line break in one-line text; with a tab or
        # another surprise beside it, or in a Windows path, it is a backslash meant as written.
        if not surprises or (all(m.group(1) == "n" for m in surprises)
                             and not _WINDOWS_PATH.search(raw)):
            return
        before = raw[: surprises[0].start()]
        line = node.start_mark.line + 1 + before.count("\n")
        column = (node.start_mark.column + len(before) if "\n" not in before
                  else len(before) - before.rfind("\n") - 1) + 1
        read = []
        for match in surprises:
            meaning = _ESCAPE_WORDS.get(match.group(1), "a control character")
            said = f"\\{match.group(1)} is read as {meaning}"
            if said not in read:
                read.append(said)
        inner = raw[1:-1]
        single = f" ('{inner}')" if "'" not in inner and "\n" not in inner else ""
        where = f"{_within(path)}the key" if key else display_path(path)
        said = ", ".join(read[:-1]) + " and " + read[-1] if len(read) > 1 else read[0]
        self.report(line, column, WARNING, "yaml-escape",
                    f"{where}: inside double quotes {said}",
                    f"If the backslash is meant as written, put the text in single quotes{single} "
                    "or write each backslash as \\\\.")


class _TooBig(Exception):
    """More values than any plan needs: stop walking at once."""

    def __init__(self, mark: Any):
        self.mark = mark


class _Walker:
    """Turns a composed node tree into dicts, lists and scalars, recording marks as it goes."""

    def __init__(self, file: str, source: str):
        self.file = file
        self.lines = source.splitlines()
        self.doc_marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.flow_mappings: set[Path_] = set()
        self.broken: set[Path_] = set()
        self.seen: set[int] = set()
        self.problems: list[Diagnostic] = []

    def error(self, mark: Any, rule: str, message: str, hint: str = "") -> None:
        self.problems.append(
            Diagnostic(self.file, mark.line + 1, mark.column + 1, ERROR, rule, message, hint)
        )

    def walk(self, node: Any, path: Path_, depth: int = 0, at: Any = None,
             in_flow: bool = False) -> Any:
        if id(node) in self.seen:
            # libyaml composes an alias as the very node its anchor names: a repeat is an alias.
            self.broken.add(path)
            self.error(
                at or node.start_mark,
                "yaml-alias",
                f"{display_path(path)}: reuses the value anchored on line "
                f"{node.start_mark.line + 1} (&name / *name)",
                "Anchors, aliases and '<<' merges are not allowed in plans: write the value out "
                "in full.",
            )
            return None
        self.seen.add(id(node))
        if len(self.seen) > MAX_VALUES:
            raise _TooBig(node.start_mark)
        self.doc_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self.broken.update(path[:i] for i in range(1, len(path) + 1))
            self.error(node.start_mark, "yaml-depth", f"nested more than {MAX_DEPTH} levels deep",
                       DEPTH_HINT)
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path, in_flow)
        in_flow = in_flow or bool(node.flow_style)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                return self.bad_tag(node, path)
            return [self.walk(item, path + (i,), depth + 1, in_flow=in_flow)
                    for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                return self.bad_tag(node, path)
            return self.mapping(node, path, depth, in_flow)
        return None  # pragma: no cover - libyaml produces no other node kinds

    def mapping(self, node: MappingNode, path: Path_, depth: int, in_flow: bool) -> dict:
        if node.flow_style:
            self.flow_mappings.add(path)
        result: dict = {}
        merges: list[tuple[MappingNode, tuple[int, int]]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    key_node.start_mark,
                    "yaml-key",
                    f"{display_path(path) or 'the file'}: a key must be a plain name",
                    "A line starting with '? ' makes a complex key; quote text that starts "
                    "with '?'.",
                )
                continue
            key = key_node.value
            where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = self.key_marks[path + (key,)]
                self.error(
                    key_node.start_mark,
                    "yaml-duplicate-key",
                    f"{display_path(path + (key,))}: '{key}' is given twice (first on line "
                    f"{first[0]})",
                    "YAML would silently keep only the last one; remove one of them.",
                )
                continue
            self.key_marks[path + (key,)] = where
            if key == "<<" and isinstance(value_node, MappingNode) and id(value_node) in self.seen:
                merges.append((value_node, where))
            result[key] = self.walk(value_node, path + (key,), depth + 1, key_node.start_mark,
                                    in_flow)
        for merged, where in merges:
            self.merge(result, merged, path, where)
        return result

    def merge(self, result: dict, merged: MappingNode, path: Path_, where: tuple[int, int]) -> None:
        # The '<<' merge is already an error; its keys are filled in as YAML 1.1 would, so that
        # the schema does not also report each merged key as missing.
        again = _Walker(self.file, "")
        for key_node, value_node in merged.value:
            if isinstance(key_node, ScalarNode) and key_node.value not in result:
                result[key_node.value] = again.walk(value_node, ())
                self.key_marks.setdefault(path + (key_node.value,), where)

    def scalar(self, node: ScalarNode, path: Path_, in_flow: bool) -> Any:
        construct = _SCALARS.get(node.tag)
        if construct is None:
            return self.bad_tag(node, path)
        if not node.style:  # plain (unquoted) text: libyaml says '', the Python parser None
            self.check_comment_after(node, path)
            if in_flow and "?" in node.value:
                # libyaml reads `{question: Ready?, metric: x}`; PyYAML, many editors and other
                # YAML tools end the text at '?' and fail or split it.
                self.error(node.start_mark, "yaml-question",
                           f"{display_path(path)}: unquoted text with '?' inside {{...}} or "
                           "[...] is read differently by different YAML tools",
                           f'Put the text in double quotes: "{node.value}".')
        try:
            return construct(node.value)
        except ValueError:
            self.error(node.start_mark, "yaml-syntax", f"'{node.value}' is not a valid {node.tag}")
            return None

    def check_comment_after(self, node: ScalarNode, path: Path_) -> None:
        # ` #word` after unquoted text is almost always a channel or tag cut off as a comment
        # (`channel: #ai-help` is empty); comments conventionally have a space after '#'.
        end = node.end_mark
        if end.line >= len(self.lines) or "#" not in self.lines[end.line]:
            return  # the common case, decided without a regex
        rest = self.lines[end.line][end.column :]
        match = re.match(r"\s+#(?=[^\s#])", rest) if (node.value or rest.startswith(" ")) else None
        if match is None and not node.value:
            match = re.match(r"\s*#(?=[^\s#])", rest)
        if match:
            if not node.value:
                self.broken.add(path)  # no follow-on "has no value": this is the reason
            col = end.column + match.end()
            self.problems.append(
                Diagnostic(
                    self.file,
                    end.line + 1,
                    col,
                    ERROR,
                    "yaml-comment",
                    f"{display_path(path)}: the text after ' #' was read as a comment, so the "
                    f"value is {node.value!r}",
                    "Put the whole text in double quotes (\"#ai-help\"). If it is a comment, put "
                    "a space after '#'.",
                )
            )

    def bad_tag(self, node: Any, path: Path_ = ()) -> None:
        self.broken.add(path)
        self.error(
            node.start_mark,
            "yaml-tag",
            f"the YAML tag {node.tag!r} is not allowed in plans",
            "Remove the '!...' tag; plans hold only text, numbers, true/false, lists and mappings.",
        )
        return None


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


_Found = tuple[int, int, str, str]  # line, column (1-based), message, hint

# A line that holds a key: indentation and list dashes, the key, then ':' and a space or the end.
_KEY_LINE = re.compile(r"^(\s*(?:-\s+)*)([^-\s#'\"\[\]{},][^:#]*?):(?:\s|$)")
# A line a runaway quoted text swallowed: it looks like the start of a key or a list item.
_STRUCTURE_LINE = re.compile(r"^\s*(?:- |[A-Za-z_][\w-]*:(?:\s|$))")
_STRAIGHT_HINT = "These are typographic quotes; YAML needs straight quotes \" or '."


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


DEPTH_HINT = "Flatten it: a plan needs only a few levels of keys and lists."

def _prescan(source: str) -> tuple[str, str, int, int] | None:
    """Nesting or size that would crash libyaml's composer or take seconds to build, found
    from the parser's event stream, stopping at the first excess: (rule, message, line, col)."""
    if sum(source.count(c) for c in "[{-:?,") < _CHEAP_DEPTH_BOUND:
        return None
    depth = values = 0
    for event in yaml.parse(source, Loader=StrictLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return ("yaml-depth", f"nested more than {MAX_DEPTH} levels deep",
                        event.start_mark.line + 1, event.start_mark.column + 1)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
            continue
        elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            continue
        values += 1
        if values > MAX_VALUES:
            return ("file-size", f"the file holds more than {MAX_VALUES} values; plans need far "
                    "fewer", event.start_mark.line + 1, event.start_mark.column + 1)
    return None


def _decode(file: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, Diagnostic(
            file,
            line,
            column,
            ERROR,
            "file-encoding",
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            "Save the file as UTF-8 in your editor.",
        )


def raw_hazard(file: str, source: str) -> Diagnostic | None:
    """The first invisible character or non-character in a file's text, where it stands (plans
    and measurement files alike)."""
    hazard = _RAW_HAZARD.search(source)
    if hazard is None:
        return None
    line = source.count("\n", 0, hazard.start()) + 1
    column = hazard.start() - (source.rfind("\n", 0, hazard.start()) + 1) + 1
    code = ord(hazard.group())
    if code in _NONCHARACTERS:
        return Diagnostic(file, line, column, ERROR, "text-hazard", f"the file contains "
                          f"U+{code:04X}, which is not a character (left by a broken copy or "
                          "conversion)", "Delete it and retype the text around it.")
    return Diagnostic(file, line, column, ERROR, "text-hazard", "the file contains the invisible "
                      f"character U+{code:04X}", "Retype the text around it; invisible control "
                      "and direction characters can hide what it says.")


def load_text(file: str, raw: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one file's bytes. Returns the document (None if unusable) and its problems."""

    def fail(rule: str, message: str, hint: str = "", line: int = 1, col: int = 1):
        return None, [Diagnostic(file, line, col, ERROR, rule, message, hint)]

    if len(raw) > MAX_BYTES:
        return fail(
            "file-size",
            f"the file is over {MAX_BYTES // 1024} KiB, the limit for a plan",
            "Split it into several plans, or move long training content into shorter modules.",
        )
    source, problem = _decode(file, raw)
    if problem:
        return None, [problem]
    hazard = raw_hazard(file, source)
    if hazard:
        return None, [hazard]
    try:
        excess = _prescan(source)
        if excess:
            rule, message, line, column = excess
            hint = "Split it into several plans." if rule == "file-size" else DEPTH_HINT
            return fail(rule, message, hint, line, column)
        loader = StrictLoader(source)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_syntax_diagnostic(file, exc, source)]
    if root is None:
        return fail("file-empty", "the file is empty", "Start it with 'schema_version: 1'.")
    walker = _Walker(file, source)
    quotes, escapes = _TYPOGRAPHIC.search(source) is not None, "\\" in source
    if quotes or escapes:
        walker.problems += _Inspector(file, source, quotes=quotes, escapes=escapes).run(root)
    try:
        data = walker.walk(root, ())
    except _TooBig as too_big:
        return fail("file-size", f"the file holds more than {MAX_VALUES} values; plans need "
                    "far fewer", "Split it into several plans.", too_big.mark.line + 1,
                    too_big.mark.column + 1)
    if not isinstance(data, dict):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        return None, walker.problems + [
            Diagnostic(
                file,
                line,
                col,
                ERROR,
                "file-not-mapping",
                "the file must be a mapping of keys to values at the top level",
                "Start with 'schema_version: 1' and put every section as 'key: value' at the "
                "left margin.",
            )
        ]
    document = Document(
        file=file,
        data=data,
        value_marks=walker.doc_marks,
        key_marks=walker.key_marks,
        flow_mappings=walker.flow_mappings,
        broken=walker.broken,
    )
    return document, walker.problems


def load_file(path: Path, shown_as: str) -> tuple[Document | None, list[Diagnostic]]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [
            Diagnostic(shown_as, 1, 1, ERROR, "file-read", f"cannot read the file: {exc.strerror}")
        ]
    doc, problems = load_text(shown_as, raw)
    if doc is not None:
        doc.source = path
    return doc, problems
