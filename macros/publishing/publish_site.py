"""Publish: swap a freshly built site in, so that readers never see a missing or mixed site/.

`site` is a symbolic link to one complete build in `.site-builds/<id>`. A build writes a new
folder there, then points a temporary link at it and renames that link over `site`: rename(2)
replaces the old link in one step, so every lookup of `site/...` finds the old build or the new
one, never neither. The build that was replaced stays until the next build starts, so a reader
that looked `site` up just before the swap can still open its file.

The MkDocs child (`_run_child`) cannot outlive the command: it dies with it even on SIGKILL
(Linux: PR_SET_PDEATHSIG), and its process group is killed on Ctrl-C or SIGTERM. Whatever an
interrupted build left (`.site-new-*`, `.site-old-*`, builds no link points at) is removed by
the next build, under a lock so that two builds never remove each other's work.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

BUILDS = ".site-builds"
LOCK = ".lock"
GAVE_UP = 1  # run_child's code for a child stopped by `give_up_when`
_PR_SET_PDEATHSIG = 1
_RENAME_EXCHANGE = 2


class Stopped(Exception):
    """SIGTERM arrived: unwind like Ctrl-C, so the child and the fresh folder are cleaned up."""


def _libc_function(name: str):
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


def _die_with(parent: int):
    """A preexec_fn: the child gets SIGKILL when its parent dies, however it dies. Looked up
    before the fork: the child only calls it."""
    prctl = _libc_function("prctl") if sys.platform.startswith("linux") else None

    def arm() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm


def _raise_stopped(signum, frame) -> None:
    raise Stopped


def run_child(argv: list[str], env: dict[str, str], stop: signal.Signals,
              restart_when: Callable[[], bool] | None = None,
              give_up_when: Callable[[], bool] | None = None) -> int:
    """Run `argv` in its own process group; on Ctrl-C or SIGTERM send `stop` to the group
    (SIGINT lets `mkdocs serve` shut down cleanly), and never return while it still runs.
    With `restart_when` (polled twice a second), the child is stopped the same way and started
    again each time it returns True (`handbook serve` after a code edit); with `give_up_when`,
    stopped for good (GAVE_UP) once it returns True (`handbook build` when its check fails)."""
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    child = None
    try:
        while True:
            child = subprocess.Popen(argv, env=env, preexec_fn=_die_with(os.getpid()),
                                     process_group=0)
            code = _wait(child, restart_when, give_up_when)
            if code is not None:
                return code
            _end(child, stop)
            if give_up_when is not None and give_up_when():
                return GAVE_UP
    except (KeyboardInterrupt, Stopped):
        if child is not None:
            _end(child, stop)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        if child is not None and child.poll() is None:
            _signal_group(child, signal.SIGKILL)
            child.wait()


def _wait(child: subprocess.Popen, *conditions: Callable[[], bool] | None) -> int | None:
    """The child's exit code, or None as soon as one of `conditions` holds (each polled twice
    a second)."""
    polled = [c for c in conditions if c is not None]
    while True:
        try:
            return child.wait(timeout=0.5 if polled else None)
        except subprocess.TimeoutExpired:
            if any(condition() for condition in polled):
                return None


def _end(child: subprocess.Popen, stop: signal.Signals) -> None:
    _signal_group(child, stop)
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=10)
    if child.poll() is None:
        _signal_group(child, signal.SIGKILL)
        child.wait()


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


@contextlib.contextmanager
def _locked(builds: Path) -> Iterator[None]:
    builds.mkdir(parents=True, exist_ok=True)
    with open(builds / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if this process is killed
        yield


def live_build(site: Path) -> Path | None:
    """The build folder `site` points at (None when site/ is missing or a real folder)."""
    if not site.is_symlink():
        return None
    return (site.parent / os.readlink(site)).resolve()


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def clean_leftovers(site: Path, keep: set[Path]) -> None:
    """Remove what interrupted builds left beside `site`, and every build not in `keep`."""
    for stray in site.parent.glob(".site-new-*"):
        _remove(stray)
    for stray in site.parent.glob(".site-old-*"):
        _remove(stray)
    builds = site.with_name(BUILDS)
    for build in builds.iterdir() if builds.is_dir() else []:
        if build.name != LOCK and build.resolve() not in keep:
            _remove(build)


def _new_build_folder(builds: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1000):
        folder = builds / f"{stamp}-{os.getpid()}-{attempt}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(f"no free build folder name in {builds}")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _libc_function("renameat2") if sys.platform.startswith("linux") else None
    if renameat2 is None:
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False  # the file system cannot exchange: fall back to two renames
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def _point(site: Path, build: Path) -> None:
    """Make `site` a link to `build` in one rename. A real site/ folder from an older version
    is swapped with the link in one step where the system can (else moved aside first: a
    moment without site/, once), then removed."""
    link = site.with_name(f".site-new-{os.getpid()}")
    _remove(link)
    link.symlink_to(os.path.relpath(build, site.parent), target_is_directory=True)
    if site.is_dir() and not site.is_symlink():
        old = site.with_name(f".site-old-{os.getpid()}")
        if _exchange(link, site):
            link.rename(old)  # `link` now names the old folder
        else:
            site.rename(old)
            link.rename(site)
        shutil.rmtree(old, ignore_errors=True)
        return
    # rename(2) over an existing link is atomic; os.replace is that call, on every POSIX system.
    os.replace(link, site)


def build_site(site: Path, build: Callable[[Path], int]) -> int:
    """Run `build(folder)` into a fresh folder; point `site` at it only if it returns 0.
    A failed or interrupted build leaves `site` as it was."""
    builds = site.with_name(BUILDS)
    with _locked(builds):
        previous = live_build(site)
        clean_leftovers(site, {previous} if previous else set())
        folder = _new_build_folder(builds)
        try:
            code = build(folder)
        except BaseException:
            _remove(folder)
            raise
        if code != 0:
            _remove(folder)
            return code
        _point(site, folder)
        # The replaced build stays until the next build: a reader may have just looked it up.
        clean_leftovers(site, {folder.resolve()} | ({previous} if previous else set()))
    return 0
