"""Caches hold data only, outside the repository, and every entry is sealed.

`handbook check` runs on plans from anyone (pull requests, pre-commit), so nothing in the checked
tree may decide what the tool runs or publishes. Caches therefore live in the user's cache folder
(`$XDG_CACHE_HOME/rollout-handbook/`, else `~/.cache/rollout-handbook/`), never under the working
directory, and each entry carries an HMAC under a random key kept in that folder: a file the tool
did not write there itself — planted, copied or cut short — is a cache miss, never an error.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

APP = "rollout-handbook"
KEY_BYTES = 32
DISTRIBUTION = "rollout-handbook"
# What a cached result depends on besides its input and our code: the schema library, the YAML
# parser, the Markdown renderer, the sanitiser and the chart library.
LIBRARIES = ("Cerberus", "PyYAML", "Markdown", "nh3", "matplotlib")
PACKAGE = Path(__file__).resolve().parent.parent  # macros/, every sub-package
PLANS_CACHE = "plans"  # the per-file check results (validate.PlanCache)


def root() -> Path | None:
    """The tool's cache folder, or None when caching is off or the folder would sit inside the
    working directory (a checkout could then plant the key as well as the entries)."""
    if os.environ.get("HANDBOOK_CACHE") == "off":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    try:
        # The XDG spec says to ignore a relative value; a relative folder would be in the checkout.
        folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        folder = (folder / APP).resolve()
        if folder.is_relative_to(Path.cwd().resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return folder


def folder(name: str) -> Path | None:
    """One cache's folder (plans, charts) under `root()`."""
    base = root()
    return base / name if base is not None else None


@lru_cache(maxsize=4)
def _key(base: Path) -> bytes | None:
    path = base / "key"
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
    except OSError:
        pass
    try:  # no key yet, or a damaged one: a new key turns every old entry into a miss
        base.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        partial = path.with_name(f"key.{os.getpid()}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.replace(partial, path)
        return key
    except OSError:
        return None  # a cache that cannot keep a key is not used


def _mac(key: bytes, purpose: str, data: bytes) -> bytes:
    return hmac.new(key, purpose.encode() + b"\0" + data, hashlib.sha256).hexdigest().encode()


def read(path: Path, purpose: str) -> bytes | None:
    """The data stored at `path` by `write` with the same purpose, or None (a miss)."""
    base = root()
    key = _key(base) if base is not None else None
    if key is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    mac, _, data = blob.partition(b"\n")
    return data if hmac.compare_digest(mac, _mac(key, purpose, data)) else None


def write(path: Path, purpose: str, data: bytes) -> None:
    """Store `data` sealed; a cache that cannot be written only costs time."""
    base = root()
    key = _key(base) if base is not None else None
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(_mac(key, purpose, data) + b"\n" + data)
        os.replace(partial, path)
    except OSError:
        pass


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "absent"


def _sources() -> list[Path]:
    """Every module of the tool: a result may depend on any of them (values.py decides what a
    date is for the loader, the model what a chart draws)."""
    return sorted(PACKAGE.rglob("*.py"))


@lru_cache(maxsize=1)
def _tool() -> bytes:
    digest = hashlib.sha256()
    for name in (DISTRIBUTION, *LIBRARIES):
        digest.update(f"{name}=={_version(name)}\n".encode())
    for path in _sources():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


@lru_cache(maxsize=1)
def _schema_paths() -> tuple[Path, ...]:
    folder = Path(str(resources.files("macros.schema")))  # package data, as validate reads it
    return tuple(sorted(folder.rglob("*.yaml")))


@lru_cache(maxsize=4)
def _schema(files: tuple[tuple[Path, int], ...]) -> bytes:
    digest = hashlib.sha256()
    for path, _mtime in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def tool_key() -> bytes:
    """A digest of everything a cached result depends on besides its own input: the tool's
    version and every source file, the libraries' versions, and the schema. Code and libraries
    cannot change within a process, so they are hashed once; the schema again only when a file
    of it changes (`make serve` picks up an edited schema)."""
    files = tuple((path, path.stat().st_mtime_ns) for path in _schema_paths())
    return hashlib.sha256(_tool() + _schema(files)).digest()
