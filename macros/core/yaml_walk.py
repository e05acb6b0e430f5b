"""The walk over a parsed YAML node tree: limits (depth, values), duplicate keys, refused
constructs (aliases, tags, merge keys), scalars read as their types, and every value's line and
column kept for diagnostics.
"""
from __future__ import annotations

import re
from typing import Any

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .diagnostics import ERROR, WARNING, Diagnostic
from .yaml_strict import (_CLOSING, _ESCAPE, _ESCAPE_WORDS, _MAP, _OPENING_QUOTES, _PLAIN_ESCAPES,
                          _SCALARS, _SEQ, _STRAIGHT_HINT, _TEXT_HAZARD, _WINDOWS_PATH, DEPTH_HINT,
                          MAX_DEPTH, MAX_VALUES, TYPOGRAPHIC_QUOTES, Path_, _plain, _within,
                          display_path)


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
