"""Load: strict YAML into plain data that remembers the line and column of every value.

PyYAML's defaults are wrong for files edited by policy people: duplicate keys silently keep the
last value, aliases expand (the "billion laughs"), `no` and `on` become booleans and `1:30`
becomes 5400. This loader reads YAML 1.2-style scalars (dates stay text; only `true`/`false` are
booleans) through libyaml, and turns every problem into a Diagnostic instead of an exception.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import ERROR, Diagnostic
from .yaml_hints import _syntax_diagnostic
from .yaml_strict import (_CHEAP_DEPTH_BOUND, _NONCHARACTERS, _RAW_HAZARD, _TYPOGRAPHIC, DEPTH_HINT,
                          MAX_BYTES, MAX_DEPTH, MAX_VALUES, Path_, StrictLoader)
# Read from load before yaml_strict.py was split off; still found here.
from .yaml_strict import HAZARDS, display_path  # noqa: F401 (re-exported)
from .yaml_walk import _Inspector, _TooBig, _Walker


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


# Over 60 lines: the loading steps in order, each able to stop with its diagnostic.
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
