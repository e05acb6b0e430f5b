"""Nothing from the checked tree runs or is published: hostile files at every cache location the
tool reads — the user cache folder it uses now and the old `.cache/handbook/` of the checkout —
are cache misses. Never an execution (a pickle that creates a canary file), never an error, never
a published chart (an SVG with a <script>)."""
from __future__ import annotations

import json
import pickle
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from macros.core import cache
from macros.render import chart_cache as charts
from macros.core.validate import PlanCache

from .conftest import ROOT, TODAY, make_project, mkdocs_build

MARK = "planted-chart-runs"
HOSTILE_SVG = f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("{MARK}")</script></svg>'


class _CreatesFile:
    """Unpickling this calls open(path, "w"): the canary exists if anything unpickles it."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    project = make_project(ROOT / "plans", tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HANDBOOK_TODAY", TODAY.isoformat())
    monkeypatch.delenv("HANDBOOK_CACHE", raising=False)
    return project


def user_cache(tmp_path: Path) -> Path:
    return tmp_path / "xdg" / cache.APP


def plant_pickles(project: Path, tmp_path: Path, canary: Path) -> list[Path]:
    hostile = pickle.dumps(_CreatesFile(canary))
    places = [project / ".cache" / "handbook" / "plans.pickle",
              user_cache(tmp_path) / "plans" / "plans.pickle",
              user_cache(tmp_path) / "plans" / "plans.json"]
    for place in places:
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_bytes(hostile)
    return places


def handbook_check(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", "check", *args,
                           "--today", TODAY.isoformat()], cwd=project, capture_output=True,
                          text=True)


def test_the_canary_pickle_would_run_if_unpickled(tmp_path: Path):
    """The test's own hostile file does what it claims: otherwise the tests below prove
    nothing."""
    canary = tmp_path / "canary"
    pickle.loads(pickle.dumps(_CreatesFile(canary))).close()
    assert canary.exists()


def test_check_never_unpickles_and_a_damaged_cache_is_a_miss(project: Path, tmp_path: Path):
    canary = tmp_path / "canary"
    plant_pickles(project, tmp_path, canary)
    first = handbook_check(project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert not canary.exists()

    stored = user_cache(tmp_path) / "plans" / "plans.json"
    assert stored.read_bytes()[:1] != b"\x80", "the check wrote its own cache over the pickle"
    again = handbook_check(project)
    assert (again.returncode, again.stdout) == (0, first.stdout)
    stored.write_bytes(stored.read_bytes()[: len(stored.read_bytes()) // 2])  # cut short
    cut = handbook_check(project)
    assert (cut.returncode, cut.stdout, cut.stderr) == (0, first.stdout, first.stderr)
    assert not canary.exists()


def test_a_forged_cache_entry_cannot_hide_a_plans_errors(project: Path, tmp_path: Path):
    plan = project / "plans" / "support-replies.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("risk_tier: medium",
                                                             "risk_tier: mild", 1),
                    encoding="utf-8")
    broken = handbook_check(project)
    assert broken.returncode == 1 and "[allowed-value]" in broken.stdout

    # Rewrite the stored entries as a forger would: same seal line, every problem removed.
    stored = user_cache(tmp_path) / "plans" / "plans.json"
    seal, _, body = stored.read_bytes().partition(b"\n")
    entries = json.loads(body)
    assert any(entry[3] for entry in entries.values())
    for entry in entries.values():
        entry[3] = []
    stored.write_bytes(seal + b"\n" + json.dumps(entries).encode())
    forged = handbook_check(project)
    assert (forged.returncode, forged.stdout) == (1, broken.stdout)


def chart_names(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (user_cache(tmp_path) / charts.CACHE_DIR).glob("*.svg"))


def published(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in site.rglob("*.html"))


def test_planted_charts_are_never_published(project: Path, tmp_path: Path):
    clean = mkdocs_build(project, tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    names = chart_names(tmp_path)
    assert names, "the build caches its charts in the user cache folder"
    assert '<svg class="chart"' in published(tmp_path / "clean")

    # Every key the build reads, at the folder it reads now and at the old checkout folder;
    # unsealed, and with a seal line made up by the planter.
    canary = tmp_path / "canary"
    plant_pickles(project, tmp_path, canary)
    for folder in [user_cache(tmp_path) / charts.CACHE_DIR,
                   project / ".cache" / "handbook" / "charts"]:
        folder.mkdir(parents=True, exist_ok=True)
        for i, name in enumerate(names):
            made_up = (b"0" * 64 + b"\n") if i % 2 else b""
            (folder / name).write_bytes(made_up + HOSTILE_SVG.encode())
    again = mkdocs_build(project, tmp_path / "again")
    assert again.returncode == 0, again.stderr
    html = published(tmp_path / "again")
    assert MARK not in html
    assert html.count('<svg class="chart"') == published(tmp_path / "clean").count(
        '<svg class="chart"')
    assert not canary.exists()


def test_a_planted_kept_build_is_never_published(project: Path, tmp_path: Path):
    """The last build's pages are kept in the cache for the next build: pages planted there,
    unsealed or with a made-up seal, are a miss and every page is rendered again."""
    clean = mkdocs_build(project, tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    (kept,) = (user_cache(tmp_path) / "builds").glob("*.json")
    stored = json.loads(kept.read_bytes().partition(b"\n")[2])
    for page in stored["rendered"]["pages"]:
        stored["rendered"]["pages"][page] = f"<script>alert('{MARK}')</script>"
    planted = json.dumps(stored).encode()
    for made_up in (b"", b"0" * 64 + b"\n"):
        kept.write_bytes(made_up + planted)
        again = mkdocs_build(project, tmp_path / "again")
        assert again.returncode == 0, again.stderr
        assert MARK not in published(tmp_path / "again")
        assert published(tmp_path / "again") == published(tmp_path / "clean")


def test_a_cache_folder_inside_the_checkout_is_not_used(project: Path, tmp_path: Path,
                                                        monkeypatch):
    """XDG_CACHE_HOME pointed into the checkout: the key would be the checkout's too, so a
    planter could seal entries. The tool then caches nothing."""
    first = mkdocs_build(project, tmp_path / "clean")
    assert first.returncode == 0, first.stderr
    names = chart_names(tmp_path)
    inside = project / ".cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(inside))
    key = secrets.token_bytes(cache.KEY_BYTES)
    root = inside / cache.APP
    (root / charts.CACHE_DIR).mkdir(parents=True)
    (root / "key").write_bytes(key)
    data = HOSTILE_SVG.encode()
    for name in names:
        (root / charts.CACHE_DIR / name).write_bytes(
            cache._mac(key, charts.PURPOSE, data) + b"\n" + data)
    built = mkdocs_build(project, tmp_path / "inside")
    assert built.returncode == 0, built.stderr
    assert MARK not in published(tmp_path / "inside")
    monkeypatch.chdir(project)
    assert cache.root() is None


def test_an_entry_sealed_under_the_tools_key_is_read_back(tmp_path: Path, monkeypatch):
    """The seal is what makes an entry usable: the same bytes, sealed by the tool, are a hit
    (so the misses above are the seal's doing, not a cache that never reads)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # the cache folder is outside the working directory
    path = cache.folder("charts") / "x.svg"
    cache.write(path, charts.PURPOSE, b"<svg/>")
    assert cache.read(path, charts.PURPOSE) == b"<svg/>"
    assert cache.read(path, "another-purpose") is None
    path.write_bytes(path.read_bytes() + b" ")
    assert cache.read(path, charts.PURPOSE) is None


def test_plan_cache_keeps_only_what_json_gives_back_exactly():
    assert PlanCache._encode(({1: "a"}, set(), set(), [])) is None  # a number as a key
    assert PlanCache._encode(({"a": (1, 2)}, set(), set(), [])) is None
    kept = PlanCache._encode(({"a": [1, 2.5, True, None]}, {("a",)}, set(), []))
    assert PlanCache._decode(json.loads(json.dumps(kept))) == (
        {"a": [1, 2.5, True, None]}, {("a",)}, set(), [])


@pytest.fixture
def tool_copy(tmp_path: Path, monkeypatch) -> Path:
    """The cache key reads the tool's sources from a copy the test may edit, as an upgrade
    would; the once-per-process digest is recomputed around the test."""
    copy = tmp_path / "tool" / "macros"
    package = Path(cache.__file__).resolve().parent.parent
    for source in package.rglob("*.py"):
        target = copy / source.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    monkeypatch.setattr(cache, "PACKAGE", copy, raising=False)
    cleared = getattr(cache, "_tool", None)
    if cleared is not None:
        cleared.cache_clear()
    yield copy
    if cleared is not None:
        cleared.cache_clear()


def test_the_cache_key_covers_every_module_and_each_library_version(tool_copy: Path,
                                                                     monkeypatch):
    before = cache.tool_key()
    assert cache.tool_key() == before  # computed once, the same for the whole process
    values = tool_copy / "core" / "values.py"
    values.write_text(values.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    cache._tool.cache_clear()
    after_source = cache.tool_key()
    assert after_source != before
    for library in cache.LIBRARIES:
        cache._tool.cache_clear()
        real = cache._version
        monkeypatch.setattr(cache, "_version",
                            lambda name, real=real, library=library:
                            "99.0" if name == library else real(name))
        assert cache.tool_key() != after_source, library
        monkeypatch.setattr(cache, "_version", real)


def test_a_warm_check_after_a_tool_change_validates_again(tool_copy: Path, tmp_path: Path,
                                                          monkeypatch):
    """After an upgrade that changes only values.py, a warm check said 0 errors where the tool
    found 12: the plan cache's salt hashed validate.py, load.py and the schema only."""
    from macros.core import validate

    loaded: list[Path] = []
    real = validate._load_plan
    monkeypatch.setattr(validate, "_load_plan", lambda path: loaded.append(path) or real(path))
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    def check() -> int:
        loaded.clear()
        result = validate.check([ROOT / "plans"], today=TODAY, cache_dir=folder)
        assert result.ok
        return len(loaded)

    cold = check()
    assert cold >= 3 and check() == 0  # warm: nothing parsed or validated again
    values = tool_copy / "core" / "values.py"
    values.write_text(values.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    if hasattr(cache, "_tool"):  # the digest of the sources is computed once per process
        cache._tool.cache_clear()
    assert check() == cold
    assert check() == 0
