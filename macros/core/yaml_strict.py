"""The strict YAML plans are read in: the size and depth limits, the characters refused in text,
the loader (every scalar a string until its tag is resolved here, nothing constructed), and how
a file and a place in it are shown.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode


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


_Found = tuple[int, int, str, str]  # line, column (1-based), message, hint


_STRAIGHT_HINT = "These are typographic quotes; YAML needs straight quotes \" or '."


DEPTH_HINT = "Flatten it: a plan needs only a few levels of keys and lists."
