"""Validate: plan files through the Cerberus schema in schema/, then the semantic rules.

Cerberus reports document paths; each is mapped back to the line and column the loader recorded,
and its error codes are turned into sentences a policy editor can act on.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import json
import multiprocessing as mp
import os
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

try:
    import fcntl
except ImportError:  # Windows: no lock; each check parses what it finds missing, as before
    fcntl = None

from . import cache as sealed
from .dates import resolve_today
from .diagnostics import ERROR, WARNING, Diagnostic
from .editor_schema import stale_editor_schemas
from .load import Document, load_file
from .measurements import MeasurementFile, load_measurements
from .measurements import SUFFIX as MEASUREMENTS
from .plans_folder import FAQ_FILE, ORG_FILE, unread_files
from .rule_runner import run_rules
from .schema_errors import schema_diagnostics
from .schemas import SCHEMA_DIR, Schemas, schemas

# Read from validate before schemas.py and schema_errors.py were split off; still found here.
from .schema_errors import TYPE_WORDS  # noqa: F401
from .schemas import DISTRIBUTION, format_version, tool_version  # noqa: F401
from .values import DATE, SLUG, is_placeholder, is_slug, parse_date  # noqa: F401


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
    else they depend on (macros/core/cache.py: tool_key: the tool's code and version, the schema,
    the libraries): an unchanged plan is not parsed or validated again. One JSON file, sealed
    (macros/core/cache.py) and kept outside the repository: data only, so a planted or damaged file
    is a miss, never code that runs. Entries not used by a run are dropped, so it stays the
    size of plans/."""

    PURPOSE = "plans-v1"

    def __init__(self, folder: Path, s: Schemas):
        self.file = folder / "plans.json"
        self.salt = sealed.tool_key()
        self.entries: dict[str, tuple] = {}
        self.stored: dict[str, list] = {}  # as read: saved again as they are, not re-encoded
        raw = sealed.read(self.file, self.PURPOSE)
        if raw is not None:
            try:
                self.stored = json.loads(raw)
                self.entries = {key: self._decode(entry) for key, entry in self.stored.items()}
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                self.entries, self.stored = {}, {}
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
        # A serve rebuild after one edit saves one new entry and the others as they were read.
        encoded = {key: self.stored[key] if key in self.stored else self._encode(entry)
                   for key, entry in self.used.items()}
        body = {key: entry for key, entry in encoded.items() if entry is not None}
        sealed.write(self.file, self.PURPOSE, json.dumps(body, ensure_ascii=False).encode())


WAIT_FOR_OTHER_CHECK = 30.0  # seconds; then check without the cache's lock (never stuck)


@contextmanager
def _one_check_at_a_time(folder: Path | None):
    """One process at a time reads and fills the content cache. `handbook build` checks beside
    its MkDocs child, whose hook checks the same files: the second to start waits for the first
    and finds every file cached, where both parsed every plan at once on a first build. Entries
    are written whole either way (cache.write), so giving up the wait is only slower."""
    handle = None
    try:
        if folder is not None and fcntl is not None:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(folder / "plans.lock", "a+b")
            deadline = time.monotonic() + WAIT_FOR_OTHER_CHECK
            while True:
                try:  # released on close, or by the kernel when the process ends
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)
    except OSError:
        pass  # no lock to be had (a read-only cache folder): check without it
    try:
        yield
    finally:
        if handle is not None:
            handle.close()


Loaded = tuple[Document | None, list[Diagnostic]]
Measured = tuple[MeasurementFile | None, list[Diagnostic]]


def _load_plans(paths: list[Path], jobs: int, cache: PlanCache | None = None,
                measured: list[Path] | None = None) -> tuple[list[Loaded], list[Measured]]:
    """The plans, those unchanged from the cache, and the measurement files `measured`."""
    if cache is None:
        return _load_fresh(paths, measured or [], jobs)
    results: dict[Path, tuple] = {}
    raws = {p: p.read_bytes() if p.is_file() else b"" for p in paths}
    for path in paths:
        hit = cache.get(path, raws[path])
        if hit is not None:
            results[path] = hit
    missing = [p for p in paths if p not in results]
    fresh, measurements = _load_fresh(missing, measured or [], jobs)
    for path, (doc, problems) in zip(missing, fresh, strict=True):
        results[path] = (doc, problems)
        cache.put(raws[path], doc, problems)
    cache.save()
    return [results[p] for p in paths], measurements


def _load_fresh(paths: list[Path], measured: list[Path], jobs: int
                ) -> tuple[list[Loaded], list[Measured]]:
    """Per-file work is independent: spread it over `jobs` processes for large handbooks
    (Cerberus takes a few milliseconds per plan), the measurement files with the plans.
    Cross-file rules run afterwards, in one process. Only the CLI asks for jobs > 1: forking
    inside `mkdocs serve`, which runs threads, could deadlock."""
    workers = min(jobs, 8)
    if len(paths) + len(measured) < PARALLEL_FROM or workers < 2 or \
            "fork" not in mp.get_all_start_methods():
        return [_load_plan(p) for p in paths], [_measurements_of(p) for p in measured]
    work = [(_load_plan_light, p) for p in paths] + [(_measurements_of, p) for p in measured]
    with workers_pool(workers) as pool:
        done = pool.map(_load_one, work, chunksize=max(1, len(work) // (workers * 8)))
    return done[:len(paths)], done[len(paths):]


def _load_one(work: tuple[Callable[[Path], tuple], Path]) -> tuple:
    load, path = work
    return load(path)


def _measurements_of(path: Path) -> Measured:
    return load_measurements(path, shown_path(path))


def workers_pool(workers: int):
    """Forked workers with SIGTERM as the operating system has it: `handbook build` checks in a
    thread while its SIGTERM handler (publish_site.run_child) is set, and a worker that kept it
    caught the SIGTERM that ends the pool and stayed, blocked on its last write, for ever."""
    return mp.get_context("fork").Pool(workers, initializer=signal.signal,
                                       initargs=(signal.SIGTERM, signal.SIG_DFL))


def _load_plan_light(path: Path) -> tuple[Document | None, list[Diagnostic]]:
    doc, problems = _load_plan(path)
    return (doc.travel_light() if doc is not None else None), problems


@contextmanager
def _collector_paused():
    """Python's cycle collector off while the check runs. Loading allocates hundreds of
    thousands of small objects (nodes, marks, values) and almost no cycles: its passes over the
    growing heap took a quarter of a cold check. What a run leaves is freed by reference
    counting; the collector runs again afterwards. A forked worker inherits the pause."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def check(paths: Iterable[Path], today: dt.date | None = None, jobs: int = 1,
          cache_dir: Path | None = None, repository: Path | None = None) -> Checked:
    """Load and validate plans (and the _org.yaml beside them); collect every problem.
    With `cache_dir`, unchanged files are not parsed or validated again. Files must resolve
    inside `repository` (default: the folder that holds the plans folder)."""
    with _collector_paused():
        return _check(list(paths), today, jobs, cache_dir, repository)


# Over 60 lines: the check's steps in order (discover, load, schema, rules), each feeding the next.
def _check(paths: list[Path], today: dt.date | None, jobs: int, cache_dir: Path | None,
           repository: Path | None) -> Checked:
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
    with _one_check_at_a_time(cache_dir):
        loaded, measured = _load_plans(plan_files, jobs,
                                       PlanCache(cache_dir, s) if cache_dir else None,
                                       [p for p in files if p.name.endswith(MEASUREMENTS)])
    for doc, problems in loaded:
        diagnostics += problems
        if doc is not None:
            plans.append(doc)
    measurements = {}
    for table, problems in measured:
        diagnostics += problems
        if table is not None:
            measurements[table.plan_id] = table
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
