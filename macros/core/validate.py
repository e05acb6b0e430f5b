"""Validate: plan files through the Cerberus schema in schema/, then the semantic rules.

Cerberus reports document paths; each is mapped back to the line and column the loader recorded,
and its error codes are turned into sentences a policy editor can act on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import multiprocessing as mp
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Iterable

import cerberus
import yaml
from cerberus import errors as cerr

from . import cache as sealed
from .dates import resolve_today
from .diagnostics import ERROR, WARNING, Diagnostic
from .editor_schema import stale_editor_schemas
from .load import Document, load_file
from .yaml_strict import display_path
from .measurements import SUFFIX as MEASUREMENTS
from .measurements import MeasurementFile, load_measurements
from .plans_folder import FAQ_FILE, ORG_FILE, unread_files
from .rule_runner import run_rules
from .rules.base import get
from .values import DATE, SLUG, is_placeholder, is_slug, parse_date  # noqa: F401 (re-exported)

# Package data (pyproject.toml maps schema/ to macros.schema): the installed tool reads its own
# copy, an editable install the live folder; never a path relative to the source tree.
SCHEMA_DIR = Path(str(resources.files("macros.schema")))
DISTRIBUTION = "rollout-handbook"
_FORM_HINTS = {  # what the `format` rule's hint says, by field
    "currency": "A currency is a three-letter code such as USD or EUR.",
    "history_since": "Write the commit the handbook began from (7 to 40 hexadecimal digits, "
                     "as handbook init wrote it) or a date such as 2026-01-31; nothing else.",
}
_KEY_WITHOUT_COLON = re.compile(r"^([a-z][a-z0-9_]*)\s+(\S.*)$")
_WITH_PERCENT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%\s*$")  # `22%`, `22 %`


with warnings.catch_warnings():
    # Cerberus 1.3 deprecates `_validate_type_*` methods in favour of TypeDefinition, which can
    # only test Python classes, not a pattern; 1.3 is pinned and the methods work as documented.
    warnings.simplefilter("ignore", DeprecationWarning)

    class PlanValidator(cerberus.Validator):
        """Cerberus with the plan format's own types: slug, date, text and markdown."""

        # Cerberus' own `date` means a datetime.date object; ours is YYYY-MM-DD text, quoted or not.
        types_mapping = {k: v for k, v in cerberus.Validator.types_mapping.items() if k != "date"}

        def _validate_regex(self, pattern: str, field: str, value: Any) -> None:
            """{'type': 'string'}"""
            # The whole value, as the JSON Schema says: Cerberus' `re.match` with `$` would let
            # a trailing line break through, and an unanchored alternative anything after it.
            if isinstance(value, str) and not re.fullmatch(pattern, value):
                self._error(field, cerr.REGEX_MISMATCH)

        def _validate_type_slug(self, value: Any) -> bool:
            return is_slug(value)

        def _validate_type_date(self, value: Any) -> bool:
            return parse_date(value) is not None

        def _validate_type_text(self, value: Any) -> bool:
            return isinstance(value, str) and value.strip() != ""

        _validate_type_markdown = _validate_type_text

        def _validate_type_outputs(self, value: Any) -> bool:
            # review[].covers: `all`, or a non-empty list of scope.outputs texts.
            return value == "all" or (isinstance(value, list) and value != [] and all(
                isinstance(v, str) and v.strip() != "" for v in value))


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per read of the files
class Schemas:
    org: dict
    plan: dict
    parts: dict[str, dict]

    def rules_at(self, top: dict, path: tuple) -> dict | None:
        """The field rules of the mapping at `path` (None when the path leaves the schema)."""
        fields: dict | None = top
        rules: dict | None = None
        for part in path:
            if isinstance(part, int):
                if rules is None or rules.get("type") != "list":
                    return None
                rules = rules.get("schema")
            else:
                if fields is None or part not in fields:
                    return None
                rules = fields[part]
            fields = self._fields(rules)
        return fields

    def _fields(self, rules: dict | None) -> dict | None:
        if not isinstance(rules, dict) or rules.get("type") != "dict":
            return None
        sub = rules.get("schema")
        return self.parts.get(sub) if isinstance(sub, str) else sub


def _schema_files() -> tuple[tuple[str, int], ...]:
    """The schema files and their modification times: the cache key, so that `make serve`
    picks up an edited schema without a restart."""
    paths = [SCHEMA_DIR / "org.yaml", SCHEMA_DIR / "plan.yaml",
             *sorted((SCHEMA_DIR / "parts").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths)


def schemas() -> Schemas:
    return _read_schemas(_schema_files())


def tool_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def format_version(s: Schemas | None = None) -> int:
    """The highest plan format (`schema_version`) this tool reads."""
    return max((s or schemas()).plan["schema_version"]["allowed"])


@lru_cache(maxsize=1)
def _read_schemas(files: tuple[tuple[str, int], ...]) -> Schemas:
    def read(path: Path) -> dict:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)

    parts = {p.stem: read(p) for p in sorted((SCHEMA_DIR / "parts").glob("*.yaml"))}
    return Schemas(read(SCHEMA_DIR / "org.yaml"), read(SCHEMA_DIR / "plan.yaml"), parts)


def _without_meta(rules: Any) -> Any:
    """The schema minus `meta` (descriptions for docs and the JSON Schema): Cerberus would
    dispatch the no-op rule on every field of every plan, about a third of its time."""
    if isinstance(rules, dict):
        return {k: _without_meta(v) for k, v in rules.items() if k != "meta"}
    return rules


@lru_cache(maxsize=3)  # org, plan and faq-file
def _build_validator(kind: str, s: Schemas) -> PlanValidator:
    # Building a validator costs milliseconds (schema checks); build each once and reuse it.
    s = Schemas(_without_meta(s.org), _without_meta(s.plan),
                {name: _without_meta(part) for name, part in s.parts.items()})
    registry = cerberus.schema_registry.__class__()
    for name, part in s.parts.items():
        registry.add(name, part)
    return PlanValidator(_top(s, kind), schema_registry=registry)


def _top(s: Schemas, kind: str) -> dict:
    """The top-level schema of a kind of file: `org`, `plan`, or a part that describes a
    whole file (`faq-file`: plans/_faq.yaml)."""
    return getattr(s, kind) if kind in ("org", "plan") else s.parts[kind]


# --- Cerberus errors in plain words ---------------------------------------------------------

TYPE_WORDS = {
    "slug": "an id (lowercase letters, digits and single hyphens, e.g. dana-okafor)",
    "date": "a date written YYYY-MM-DD",
    "text": "text",
    "markdown": "Markdown text",
    "outputs": "all, or a list of scope.outputs entries",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "list": "a list",
    "dict": "a mapping of keys to values",
}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


def _did_you_mean(word: Any, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _leaves(errors: Iterable[cerberus.errors.ValidationError]):
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


def _schema_diagnostic(doc: Document, top: dict, error: Any, s: Schemas) -> Diagnostic:
    path = tuple(error.document_path)
    where = display_path(path)
    code = error.code
    value = error.value
    rule, hint = "schema", ""
    line, col = doc.position(path)
    if code == cerr.UNKNOWN_FIELD.code:
        rule = "unknown-key"
        line, col = doc.position(path, key=True)
        known = s.rules_at(top, path[:-1]) or {}
        message = f"{where}: unknown key '{path[-1]}'"
        hint = _did_you_mean(path[-1], known)
        if value is None and path[:-1] in doc.flow_mappings:
            hint = (
                "Inside {...} a comma in unquoted text starts a new key: quote the text "
                '(text: "Draft, then send").'
            )
        elif not hint and known:
            hint = "Known keys here: " + ", ".join(sorted(known))
    elif code == cerr.REQUIRED_FIELD.code:
        rule = "required"
        line, col = doc.position(path[:-1])
        parent = display_path(path[:-1]) or "the file"
        message = f"{parent}: '{path[-1]}' is missing"
        hint = f"Add '{path[-1]}:' with a value."
    elif code == cerr.NOT_NULLABLE.code:
        rule = "required"
        message = f"{where}: has no value"
        hint = "Write a value after the colon; text starting with '#' must be in quotes."
    elif code == cerr.BAD_TYPE.code:
        rule = "type"
        expected = TYPE_WORDS.get(error.constraint, error.constraint)
        if error.constraint in ("text", "markdown") and isinstance(value, str):
            message = f"{where}: is empty"
            hint = "Write the text, or remove the key."
        else:
            message = f"{where}: expected {expected} but found {_found(value)}"
            if error.constraint in ("text", "markdown", "string") and not isinstance(
                value, (list, dict)
            ):
                hint = f'Put the text in double quotes: "{value}".'
            elif error.constraint in ("number", "integer") and isinstance(value, str) and (
                    _WITH_PERCENT.match(value)):
                number = _WITH_PERCENT.match(value).group(1)
                hint = (f"Write the number alone: {number} (the key already says it is a "
                        "percentage)." if str(path[-1]).endswith("_percent") else
                        f"Write the number alone: {number} (the unit belongs in `unit:`).")
            elif error.constraint == "dict" and isinstance(value, str) and (
                    _KEY_WITHOUT_COLON.match(value)):
                # `support:` then `  owner ben-cho`: one key that lost its colon reads as text.
                key, rest = _KEY_WITHOUT_COLON.match(value).groups()
                hint = f"A key needs ':' and a space after it: write '{key}: {rest}'."
            elif error.constraint == "date" and isinstance(value, str):
                hint = "Write dates as YYYY-MM-DD, e.g. 2026-09-01, and check the day exists."
            elif error.constraint == "slug" and isinstance(value, str):
                suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
                hint = f"Use lowercase letters, digits and hyphens, e.g. '{suggestion}'."
    elif (path == ("schema_version",) and code == cerr.UNALLOWED_VALUE.code
          and type(value) is int and value > max(error.constraint)):
        rule = "schema-version"
        highest = max(error.constraint)
        message = (f"schema_version: plan format {value} is newer than this tool reads "
                   f"(up to {highest})")
        # The version is in the hint, so that fixtures do not change with every release.
        hint = (f"rollout-handbook {tool_version()} reads plan format up to {highest}: upgrade "
                f"the tool (the version your repository pins) to a release whose CHANGELOG lists "
                f"plan format {value}.")
    elif code in (cerr.UNALLOWED_VALUE.code, cerr.UNALLOWED_VALUES.code):
        rule = "allowed-value"
        allowed = list(error.constraint)
        bad = value if code == cerr.UNALLOWED_VALUE.code else [v for v in value if v not in allowed]
        message = (
            f"{where}: expected one of: {', '.join(map(str, allowed))} but received: "
            f"{_found(bad) if not isinstance(bad, list) else ', '.join(map(str, bad))}"
        )
        first_bad = bad[0] if isinstance(bad, list) and bad else bad
        hint = _did_you_mean(first_bad, map(str, allowed)) or (
            "Write one of the values listed, exactly as written there.")
    elif code in (cerr.MIN_VALUE.code, cerr.MAX_VALUE.code):
        rule = "range"
        bound = "at least" if code == cerr.MIN_VALUE.code else "at most"
        message = f"{where}: must be {bound} {error.constraint}, found {value}"
        hint = f"Write a number {bound} {error.constraint}."
    elif code in (cerr.MIN_LENGTH.code, cerr.MAX_LENGTH.code):
        rule = "range"
        bound = "at least" if code == cerr.MIN_LENGTH.code else "at most"
        entries_word = f"entr{'y' if error.constraint == 1 else 'ies'}"
        message = f"{where}: needs {bound} {error.constraint} {entries_word}"
        hint = (f"Add entries until there are {bound} {error.constraint}."
                if code == cerr.MIN_LENGTH.code else
                f"Remove entries until there are {bound} {error.constraint}.")
    elif code == cerr.EXCLUDES_FIELD.code:
        rule = "exclusive"
        line, col = doc.position(path, key=True)
        others = [o for o in error.constraint if o in (get(doc.data, *path[:-1]) or {})]
        message = (f"{where}: give only one of '{path[-1]}' and "
                   f"{', '.join(repr(o) for o in others)}")
        hint = "Keep the one that says when this happens, and remove the others."
    elif code == cerr.REGEX_MISMATCH.code:
        rule = "format"
        message = f"{where}: {_found(value)} does not have the expected form"
        hint = _FORM_HINTS.get(
            path[-1] if path else "",
            "Write the value in the form the format reference gives for this key.")
    else:  # pragma: no cover - the schema uses no other Cerberus rules
        message = f"{where}: {error.rule} {error.constraint!r} not met"
    if not hint and rule == "type":
        hint = f"Write {expected} here."
    if not hint:  # every diagnostic says what to do (`handbook reference` lists every key)
        hint = f"See `handbook reference` for what {where or 'this file'} may hold."
    return Diagnostic(doc.file, line, col, ERROR, rule, message, hint)


def schema_diagnostics(doc: Document, kind: str, s: Schemas | None = None) -> list[Diagnostic]:
    s = s or schemas()
    validator = _build_validator(kind, s)
    validator.validate(doc.data, normalize=False)
    found, exclusive = [], set()
    for e in _leaves(validator._errors):
        # A placeholder is reported once, by the placeholder rule, not as a wrong type as well.
        if is_placeholder(e.value) or (isinstance(e.value, list)
                                       and any(is_placeholder(v) for v in e.value)):
            continue
        if tuple(e.document_path) in doc.broken:
            continue
        if e.code == cerr.EXCLUDES_FIELD.code:
            # Cerberus reports `a excludes b` at a and at b: one mistake, one diagnostic.
            parent = tuple(e.document_path)[:-1]
            if parent in exclusive:
                continue
            exclusive.add(parent)
        found.append(_schema_diagnostic(doc, _top(s, kind), e, s))
    return found


# --- Files ------------------------------------------------------------------------------------


@dataclass
class Checked:
    """Everything one run of the check produced: documents that loaded, and all problems."""

    org: Document | None
    plans: list[Document]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    measurements: dict[str, MeasurementFile] = field(default_factory=dict)  # by plan id
    faq: Document | None = None  # plans/_faq.yaml, when there is one

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def shown_path(path: Path) -> str:
    """The path as the editor wrote it (relative to here when it is below here). Never the
    resolved path: a link must be named by its own name, not by where it points."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return os.path.normpath(path)


def repository_of(paths: list[Path]) -> Path:
    """The folder that holds plans/ (and mkdocs.yml) for these paths, taken from the path as
    written: a plans/ folder that is a link must not move the boundary to where it points."""
    first = paths[0] if paths else Path("plans")
    folder = first if first.is_dir() else first.parent
    return Path(os.path.abspath(folder)).parent


def _escape(path: Path, boundary: Path) -> Diagnostic | None:
    """An error when `path` resolves outside the repository: a plan linked in from elsewhere
    would be published without anyone reviewing it."""
    target = path.resolve()
    if target.is_relative_to(boundary):
        return None
    what = "the folder" if target.is_dir() else "the file"
    message = (f"is a link to {what} {target}, outside the repository" if path.is_symlink()
               else f"resolves to {target}, outside the repository {boundary}")
    if target.is_dir():
        message += "; nothing in it is checked or published"
    return Diagnostic(shown_path(path), 1, 1, ERROR, "file-link", message,
                      "Copy the plans into the repository's plans/ folder so that changes to "
                      "them are reviewed.")


def discover(paths: Iterable[Path], repository: Path | None = None
             ) -> tuple[list[Path], list[Diagnostic]]:
    """Plan files named or found in folders, each folder's _org.yaml first; never `_*` as plans.
    Every folder and file must resolve inside `repository` (by default the folder holding the
    plans folder); one that does not is an error and is neither read nor published."""
    paths = list(paths)
    boundary = Path(os.path.abspath(repository or repository_of(paths))).resolve()
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if not path.exists():  # also a link whose target is gone
            problems.append(
                Diagnostic(shown_path(path), 1, 1, ERROR, "file-read", "no such file or folder")
            )
        elif (escaped := _escape(path, boundary)) is not None:
            problems.append(escaped)
        elif path.is_dir():
            for candidate in sorted(p for p in path.iterdir()
                                    if p.suffix == ".yaml" or p.name.endswith(MEASUREMENTS)):
                if (escaped := _escape(candidate, boundary)) is not None:
                    problems.append(escaped)
                elif candidate.is_file():
                    found.append(candidate)
            # `.yml`, `.YAML`, `.Yml`, ...: meant as plans, but only `.yaml` is read.
            for stray in sorted(p for p in path.iterdir()
                                if p.suffix.lower() in (".yaml", ".yml") and p.suffix != ".yaml"):
                problems.append(
                    Diagnostic(shown_path(stray), 1, 1, WARNING, "file-name",
                               "ignored: plan files end in .yaml", f"Rename it to {stray.stem}.yaml.")
                )
            for stray in unread_files(path):  # plans/ is data only: see plans_folder.py
                problems.append(Diagnostic(
                    shown_path(stray), 1, 1, ERROR, "plans-file", "not a plan, _org.yaml or "
                    "<plan-id>.measurements.csv: the plans folder holds data only, and the site "
                    "publishes nothing else from it", "Move pages and other files to docs/ (in "
                    "a repository of your own, set docs_dir: docs in mkdocs.yml and list them "
                    "in nav); remove anything else."))
        else:
            found.append(path)
    return list(dict.fromkeys(found)), problems


PARALLEL_FROM = 64  # below this many plans, starting worker processes costs more than it saves


def _load_plan(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    """Load one plan and check it against the schema: the per-file half of the work."""
    doc, problems = load_file(path, shown_path(path))
    if doc is not None:
        problems = problems + schema_diagnostics(doc, "plan")
    return doc, problems


class PlanCache:
    """Per-file results (data and schema diagnostics) keyed by the file's bytes and everything
    else they depend on (macros/cache.py: tool_key: the tool's code and version, the schema,
    the libraries): an unchanged plan is not parsed or validated again. One JSON file, sealed
    (macros/cache.py) and kept outside the repository: data only, so a planted or damaged file
    is a miss, never code that runs. Entries not used by a run are dropped, so it stays the
    size of plans/."""

    PURPOSE = "plans-v1"

    def __init__(self, folder: Path, s: Schemas):
        self.file = folder / "plans.json"
        self.salt = sealed.tool_key()
        self.entries: dict[str, tuple] = {}
        raw = sealed.read(self.file, self.PURPOSE)
        if raw is not None:
            try:
                stored = json.loads(raw)
                self.entries = {key: self._decode(entry) for key, entry in stored.items()}
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                self.entries = {}
        self.used: dict[str, tuple] = {}

    @staticmethod
    def _decode(entry: list) -> tuple:
        data, flow, broken, problems = entry
        if not isinstance(data, dict):
            raise TypeError("a plan's data is a mapping")
        return (data, {tuple(p) for p in flow}, {tuple(p) for p in broken},
                [Diagnostic(*d) for d in problems])

    @staticmethod
    def _encode(entry: tuple) -> list | None:
        """The entry as JSON values, or None when JSON would not give back exactly the same
        data (non-text keys, tuples, dates): such a plan is simply not cached."""
        data, flow, broken, problems = entry
        try:
            plain = json.loads(json.dumps(data))
        except (ValueError, TypeError, RecursionError):
            return None
        if plain != data:
            return None
        return [data, sorted(map(list, flow), key=repr), sorted(map(list, broken), key=repr),
                [dataclasses.astuple(d) for d in problems]]

    def key(self, raw: bytes) -> str:
        return hashlib.sha256(self.salt + raw).hexdigest()

    def get(self, path: Path, raw: bytes):
        key = self.key(raw)
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.used[key] = entry
        data, flow, broken, problems = entry
        shown = shown_path(path)
        doc = Document(shown, data, flow_mappings=flow, broken=broken, source=path)
        return doc, [dataclasses.replace(d, file=shown) for d in problems]

    def put(self, raw: bytes, doc: Document | None, problems: list[Diagnostic]) -> None:
        if doc is not None:
            self.used[self.key(raw)] = (doc.data, doc.flow_mappings, doc.broken, problems)

    def save(self) -> None:
        if self.used.keys() == self.entries.keys():
            return
        encoded = {key: self._encode(entry) for key, entry in self.used.items()}
        body = {key: entry for key, entry in encoded.items() if entry is not None}
        sealed.write(self.file, self.PURPOSE, json.dumps(body, ensure_ascii=False).encode())


def _load_plans(paths: list[Path], jobs: int, cache: PlanCache | None = None
                ) -> list[tuple[Document | None, list[Diagnostic]]]:
    if cache is None:
        return _load_fresh(paths, jobs)
    results: dict[Path, tuple] = {}
    raws = {p: p.read_bytes() if p.is_file() else b"" for p in paths}
    for path in paths:
        hit = cache.get(path, raws[path])
        if hit is not None:
            results[path] = hit
    missing = [p for p in paths if p not in results]
    for path, (doc, problems) in zip(missing, _load_fresh(missing, jobs), strict=True):
        results[path] = (doc, problems)
        cache.put(raws[path], doc, problems)
    cache.save()
    return [results[p] for p in paths]


def _load_fresh(paths: list[Path], jobs: int) -> list[tuple[Document | None, list[Diagnostic]]]:
    """Per-file work is independent: spread it over `jobs` processes for large handbooks
    (Cerberus takes a few milliseconds per plan). Cross-file rules run afterwards, in one
    process. Only the CLI asks for jobs > 1: forking inside `mkdocs serve`, which runs threads,
    could deadlock."""
    workers = min(jobs, 8)
    if len(paths) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        return [_load_plan(p) for p in paths]
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.map(_load_plan_light, paths, chunksize=max(1, len(paths) // (workers * 8)))


def _load_plan_light(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    doc, problems = _load_plan(path)
    return (doc.travel_light() if doc is not None else None), problems


def check(paths: Iterable[Path], today: dt.date | None = None, jobs: int = 1,
          cache_dir: Path | None = None, repository: Path | None = None) -> Checked:
    """Load and validate plans (and the _org.yaml beside them); collect every problem.
    With `cache_dir`, unchanged files are not parsed or validated again. Files must resolve
    inside `repository` (default: the folder that holds the plans folder)."""
    paths = list(paths)
    repository = repository or repository_of(paths)
    files, diagnostics = discover(paths, repository)
    s = schemas()  # read once per run: the files are stat-ed to notice edits under serve
    # The registries sit beside the plans: in the folder given, or beside the first file.
    first = paths[0] if paths else Path("plans")
    org_path = next((p for p in files if p.name == ORG_FILE),
                    (first if first.is_dir() else first.parent) / ORG_FILE)
    if org_path not in files and org_path.exists() and (
            escaped := _escape(org_path, Path(os.path.abspath(repository)).resolve())):
        # Linked in from outside: never read. Its folder's refusal already says so, if any.
        if shown_path(org_path.parent) not in {d.file for d in diagnostics}:
            diagnostics.append(escaped)
        org_path = None
    org = None
    if org_path is not None and org_path.exists():
        org, problems = load_file(org_path, shown_path(org_path))
        diagnostics += problems
        if org is not None:
            diagnostics += schema_diagnostics(org, "org", s)
    elif org_path is not None:
        diagnostics.append(Diagnostic(shown_path(org_path), 1, 1, ERROR, "file-read",
                                      f"{ORG_FILE} is missing: people, teams and tools live there",
                                      "Create it beside the plans: it lists the people, teams "
                                      "and tools that plans name (handbook init writes one)."))
    faq = None
    for path in (p for p in files if p.name == FAQ_FILE):
        faq, problems = load_file(path, shown_path(path))
        diagnostics += problems
        if faq is not None:
            diagnostics += schema_diagnostics(faq, "faq-file", s)
    plans = []
    plan_files = [p for p in files if p.suffix == ".yaml" and not p.name.startswith("_")]
    cache = PlanCache(cache_dir, s) if cache_dir is not None else None
    for doc, problems in _load_plans(plan_files, jobs, cache):
        diagnostics += problems
        if doc is not None:
            plans.append(doc)
    measurements = {}
    for path in (p for p in files if p.name.endswith(MEASUREMENTS)):
        loaded, problems = load_measurements(path, shown_path(path))
        diagnostics += problems
        if loaded is not None:
            measurements[loaded.plan_id] = loaded
    diagnostics += run_rules(org, plans, today or resolve_today(), diagnostics, measurements,
                             faq)
    # The editor schema the repository wrote (schema/ beside plans/) may predate this tool.
    for stale in stale_editor_schemas(Path(os.path.abspath(repository)) / "schema", SCHEMA_DIR):
        diagnostics.append(Diagnostic(
            shown_path(stale), 1, 1, WARNING, "editor-schema", "differs from the schema of the "
            "installed handbook tool: the editor may accept what the check refuses",
            "Run handbook schema --write to update it."))
    diagnostics = sorted(set(diagnostics),
                         key=lambda d: (d.file, d.line, d.column, d.rule, d.message))
    return Checked(org, plans, diagnostics, files=len(files), measurements=measurements,
                   faq=faq)
