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

from .diagnostics import ERROR, Diagnostic

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
_RAW_HAZARD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(HAZARDS)
                                       if c not in (0x09, 0x0D)) + "]")

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

_SCALARS = {
    _STR: str,
    _INT: int,
    _FLOAT: float,
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
            self.error(node.start_mark, "yaml-depth", f"nested more than {MAX_DEPTH} levels deep")
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
            result[key] = self.walk(value_node, path + (key,), depth + 1, key_node.start_mark,
                                    in_flow)
        return result

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
    (
        "found unknown escape character",
        "Inside double quotes a backslash starts an escape; use single quotes or write \\\\.",
    ),
]


def _syntax_diagnostic(file: str, exc: yaml.YAMLError) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax: {problem}" + (f" ({context})" if context else "")
    hint = next((h for key, h in _SYNTAX_HINTS if key in problem), "")
    if "special characters are not allowed" in problem:
        hint = "Remove the invisible control character from the text."
    return Diagnostic(file, line, column, ERROR, "yaml-syntax", message, hint)


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
    hazard = _RAW_HAZARD.search(source)
    if hazard:
        line = source.count("\n", 0, hazard.start()) + 1
        column = hazard.start() - (source.rfind("\n", 0, hazard.start()) + 1) + 1
        return fail("text-hazard", f"the file contains the invisible character "
                    f"U+{ord(hazard.group()):04X}", "Retype the text around it; invisible "
                    "control and direction characters can hide what it says.", line, column)
    try:
        excess = _prescan(source)
        if excess:
            rule, message, line, column = excess
            hint = "Split it into several plans." if rule == "file-size" else ""
            return fail(rule, message, hint, line, column)
        loader = StrictLoader(source)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_syntax_diagnostic(file, exc)]
    if root is None:
        return fail("file-empty", "the file is empty", "Start it with 'schema_version: 1'.")
    walker = _Walker(file, source)
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
