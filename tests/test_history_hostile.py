"""History is untrusted input: commits no check ever saw reach "Recent policy changes" and
`handbook diff`. Whatever a commit holds — markup in keys and ids, odd bytes in its message, a
date git itself refuses to write, files the check does not read — the build goes on, nothing
from it becomes markup, and what cannot be read is said in plain words."""
from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.history import history
from macros.history.diff import diff, read_side, to_json, to_markdown
from macros.history.sides import SideError
from macros.history.history import last_changes, since_option
from macros.publishing.pipeline import run
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY
from .test_hostile import EXTENSIONS, SAFE_TAGS, Html, squash

BASE = FIXTURES / "valid" / "minimum"
PLAN = yaml.safe_load((BASE / "menu-drafts.yaml").read_text(encoding="utf-8"))
SVG = "<svg onload=alert(1)>"
IMG = "x`<img src=x onerror=alert(2)>`"
IDENTITY = {"GIT_AUTHOR_NAME": "Ben Cho", "GIT_AUTHOR_EMAIL": "ben@example.com",
            "GIT_COMMITTER_NAME": "Ben Cho", "GIT_COMMITTER_EMAIL": "ben@example.com"}


class Repo:
    """A temporary repository holding plans/, committed step by step."""

    def __init__(self, root: Path, message: str = "Add the menu plan"):
        self.root, self.plans = root, root / "plans"
        if not self.plans.exists():  # a built project has its plans already
            shutil.copytree(BASE, self.plans)
        self.git("init", "-q")
        self.commit(message)

    def git(self, *args: str, stdin: bytes | None = None) -> str:
        env = {**os.environ, **IDENTITY}
        done = subprocess.run(["git", *args], cwd=self.root, input=stdin, env=env,
                              capture_output=True, check=True)
        return done.stdout.decode().strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def write(self, plan: dict | str, name: str = "menu-drafts.yaml") -> None:
        text = plan if isinstance(plan, str) else yaml.safe_dump(plan, allow_unicode=True,
                                                                 sort_keys=False)
        (self.plans / name).write_text(text, encoding="utf-8")

    def restore(self) -> None:
        self.write((BASE / "menu-drafts.yaml").read_text(encoding="utf-8"))

    def raw_commit(self, message: bytes, timestamp: int = 1_700_000_000) -> str:
        """A commit of the index as git's own tools would never write it."""
        self.git("add", "-A")
        tree = self.git("write-tree")
        head = self.git("rev-parse", "HEAD")
        who = b"Ben Cho <ben@example.com> %d +0000" % timestamp
        body = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s\n" % (
            tree.encode(), head.encode(), who, who, message)
        commit = self.git("hash-object", "-t", "commit", "-w", "--stdin", stdin=body)
        self.git("update-ref", "HEAD", commit)
        return commit

    def loosen(self) -> None:
        """A change the page must show: the allergen prohibition becomes an allowed use."""
        shutil.copyfile(FIXTURES / "diff" / "loosening" / "new" / "menu-drafts.yaml",
                        self.plans / "menu-drafts.yaml")

    def changes(self) -> str:
        site = run(self.plans, TODAY)
        assert site.ok, [d.message for d in site.diagnostics if d.is_error]
        return site.pages["changes.md"]


LOOSENED = "“Write allergen information” moved from prohibited to allowed"


def assert_inert(page: str) -> Html:
    """The page's Markdown as the site renders it: no element or attribute from plan data."""
    source = page.split("---\n", 2)[2]
    found = Html(markdown.markdown(source, extensions=EXTENSIONS))
    for tag, attrs in found.tags:
        assert tag in SAFE_TAGS and tag not in ("svg",), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
    return found


def shown(page: str) -> str:
    return squash(" ".join(assert_inert(page).text))


# --- 1. every value from a past commit is data, keys and ids included -------------------------


def test_a_key_with_markup_in_an_intermediate_commit_publishes_none(tmp_path: Path):
    repo = Repo(tmp_path)
    plan = copy.deepcopy(PLAN)
    plan[SVG] = "top"
    plan["stages"][0][SVG] = "nested"
    plan["uses"][SVG] = [{"id": "a", "text": "under a key no use list has"}]
    repo.write(plan)
    repo.commit("Add odd keys")
    repo.restore()
    repo.commit("Remove them again")
    page = repo.changes()
    text = shown(page)
    assert text.count(SVG) >= 6, text  # three keys added, three removed: all visible as text
    assert "<svg" not in page and "onload=" not in page.replace("onload&#61;", "")
    # The staff page counts the change in the format's words: no key from history is shown.
    plan_page = run(repo.plans, TODAY).pages["plans/menu-drafts/index.md"]
    line = next(ln for ln in plan_page.splitlines() if ln.startswith("| Last changed |"))
    assert "a field removed, 1 entry removed, 1 stage changed" in line
    assert "onload" not in plan_page and "svg" not in line


def test_known_keys_read_as_the_formats_words_unknown_ones_as_code(tmp_path: Path):
    repo = Repo(tmp_path)
    plan = copy.deepcopy(PLAN)
    plan["support"]["owner"] = "ana-silva"
    plan["support"]["after_hours"] = "never"
    repo.write(plan)
    repo.commit("Support hours")
    repo.restore()
    repo.commit("Undo")
    page = repo.changes()
    assert "Support › owner: “Ben Cho” → “Ana Silva”" in page  # a field: the format's words
    assert "Support › <code>after&#95;hours</code>: added “never”" in page  # data
    assert "Support › <code>after&#95;hours</code>: removed (was “never”)" in page


def test_a_plan_id_with_markup_is_escaped_when_the_plan_is_gone(tmp_path: Path):
    repo = Repo(tmp_path)
    other = copy.deepcopy(PLAN) | {"id": IMG, "title": "Other plan"}
    repo.write(other, "other.yaml")
    repo.commit("Add a plan with an odd id")
    (repo.plans / "other.yaml").unlink()
    repo.commit("Remove it")
    page = repo.changes()
    text = shown(page)
    assert "<img" not in page
    assert f"{IMG} — Plan: ⚠️ Needed approval by Ana Silva (removes the plan and every rule " \
           "in it): Plan removed: “Other plan”" in text
    assert f"{IMG} — Plan: New plan: “Other plan”" in text


def hostile_history(project: Path) -> Repo:
    """The repository of a built handbook whose history holds markup in keys and in the id of
    a plan since removed, and a subject with separators: its last commit is valid."""
    repo = Repo(project, "Start")
    plan = copy.deepcopy(PLAN)
    plan[SVG] = "top"
    repo.write(plan)
    repo.write(copy.deepcopy(PLAN) | {"id": IMG, "title": "Other <img src=x onerror=alert(6)>"},
               "other.yaml")
    repo.commit("Odd keys and ids <svg onload=alert(7)>")
    repo.restore()
    (repo.plans / "other.yaml").unlink()
    repo.raw_commit(b"Back\x1e<img src=x onerror=alert(8)>")
    return repo


@pytest.fixture(scope="module")
def history_site(tmp_path_factory) -> Path:
    from .conftest import make_project, mkdocs_build

    where = tmp_path_factory.mktemp("history")
    project = make_project(BASE, where)
    hostile_history(project)
    done = mkdocs_build(project, where / "site")
    assert done.returncode == 0, done.stderr
    return where / "site"


def test_a_built_changes_page_shows_hostile_history_as_text(history_site: Path):
    built = (history_site / "changes" / "index.html").read_text(encoding="utf-8")
    article = built.split("<article", 1)[1].split("</article>", 1)[0]
    found = Html(article)
    assert [tag for tag, _ in found.tags if tag in ("svg", "img", "script")] == []
    assert not [a for _, attrs in found.tags for a in attrs if a.startswith("on")]
    text = squash(" ".join(found.text))
    assert f"{SVG}" in text and IMG in text and "Back[U+001E]<img src=x onerror=alert(8)>" in text


@pytest.mark.browser
def test_hostile_history_opens_no_dialog(browser, history_site: Path):
    from .conftest import serve, watched_page

    with serve(history_site) as site_origin:
        page, dialogs, foreign = watched_page(browser, site_origin)
        page.goto(f"{site_origin}/changes/")
        page.wait_for_load_state("networkidle")
        assert "Plan removed" in page.locator("article").inner_text()
        page.context.close()
    assert dialogs == [] and foreign == []


# --- 2. git output is data: any commit, any file name ----------------------------------------


def test_a_commit_message_that_is_not_utf8_is_shown_with_replacement(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.loosen()
    repo.raw_commit(b"Caf\xe9 rules \xff")
    page = repo.changes()
    assert "Caf\ufffd rules \ufffd" in page and LOOSENED in page


def test_separators_in_a_subject_and_author_are_text(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.loosen()
    repo.raw_commit(b"one\x1etwo\x1fthree")
    page = repo.changes()
    assert LOOSENED in page
    assert "\x1e" not in page and "\x1f" not in page
    assert "one[U+001E]two[U+001F]three" in shown(page)
    assert last_changes(repo.plans)["menu-drafts.yaml"].subject == "one\x1etwo\x1fthree"


def test_a_commit_dated_in_the_year_10000_does_not_stop_the_build(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.loosen()
    repo.raw_commit(b"From the future", timestamp=253_402_300_800)  # 10000-01-01
    page = repo.changes()
    assert "date unknown — From the future" in page and LOOSENED in page
    site = run(repo.plans, TODAY)
    assert "| Last changed | date unknown: owner changed, 1 use moved from prohibited to " \
        "allowed, " in site.pages["plans/menu-drafts/index.md"]


def test_a_file_name_with_a_space_is_read(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.write(copy.deepcopy(PLAN) | {"id": "spaced", "title": "Spaced out"}, "spaced out.yaml")
    repo.commit("Add a plan under an odd name")
    (repo.plans / "spaced out.yaml").unlink()
    repo.commit("Remove it")
    page = repo.changes()
    assert "Plan removed: “Spaced out”" in page and "New plan: “Spaced out”" in page


@pytest.mark.parametrize("odd", ["link", "notes", "nested"])
def test_files_the_check_does_not_read_are_skipped_with_a_note(tmp_path: Path, odd: str):
    repo = Repo(tmp_path)
    if odd == "link":
        (repo.plans / "linked.yaml").symlink_to("menu-drafts.yaml")
        name, why = "linked.yaml", "a link"
    elif odd == "notes":
        repo.write("just a note\n", "_notes.yaml")
        name, why = "_notes.yaml", ("only plan files, the organisation file and _faq.yaml are "
                                    "read")
    else:
        repo.write("- not a mapping\n", "drafts.yml")
        name, why = "drafts.yml", "plan files end in .yaml"
    repo.commit("Add a file the check does not read")
    repo.loosen()
    repo.commit("Loosen while it is there")
    # Today's check refuses such a file in plans/ (a link, plans-file): only past commits hold
    # it, and those must still be read.
    (repo.plans / name).unlink()
    repo.commit("Drop it")
    page = repo.changes()
    assert LOOSENED in page
    assert f"Not compared: <code>{name.replace('_', '&#95;')}</code> ({why})" in page


def test_a_commit_whose_plans_do_not_load_is_listed_as_not_readable(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.write("id: [broken\n")
    repo.commit("Break the plan")
    repo.loosen()
    repo.commit("Fix it and loosen")
    page = repo.changes()
    broken = page.index("Break the plan")
    assert "Not readable: <code>menu-drafts.yaml</code> does not load" in page[broken:]
    fixed = page[page.index("Fix it and loosen"):broken]
    # Compared with the last readable commit: the loosening, not a "new plan".
    assert LOOSENED in fixed and "New plan" not in fixed


def test_a_commit_whose_files_git_cannot_read_is_listed_as_not_readable(tmp_path: Path):
    repo = Repo(tmp_path)
    repo.write((BASE / "menu-drafts.yaml").read_text(encoding="utf-8") + "# only here\n")
    repo.commit("A version whose file is lost")
    blob = repo.git("rev-parse", "HEAD:plans/menu-drafts.yaml")
    repo.loosen()
    repo.commit("Loosen")
    (repo.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as a broken clone
    page = repo.changes()
    lost = page[page.index("A version whose file is lost"):]
    assert "Not readable: <code>menu-drafts.yaml</code> does not load" in lost
    assert LOOSENED in page[page.index("Loosen"):]


def test_a_file_over_the_size_limit_is_never_read(tmp_path: Path, monkeypatch):
    repo = Repo(tmp_path)
    repo.write((BASE / "menu-drafts.yaml").read_text(encoding="utf-8") + "#" * 600_000 + "\n")
    repo.commit("A huge version")
    repo.restore()
    repo.commit("Back")
    read = []
    blobs = history._blobs
    monkeypatch.setattr(history, "_blobs", lambda wanted, root: (read.append(wanted),
                                                                 blobs(wanted, root))[1])
    page = repo.changes()
    assert "Not readable: <code>menu-drafts.yaml</code> does not load" in page
    huge = repo.git("rev-parse", "HEAD~1:plans/menu-drafts.yaml")
    assert read and huge not in {oid for wanted in read for oid, _ in wanted}


def test_a_commit_the_engine_cannot_compare_is_listed_not_raised(tmp_path: Path, monkeypatch):
    repo = Repo(tmp_path)
    repo.loosen()
    repo.commit("Loosen")

    def fails(old, new):
        raise TypeError("a shape the engine did not expect")

    monkeypatch.setattr("macros.history.policy_changes.diff", fails)
    page = repo.changes()
    assert page.count("Not readable: the plans of this commit could not be compared") == 2


def test_an_unhashable_former_id_does_not_stop_the_build(tmp_path: Path):
    repo = Repo(tmp_path)
    plan = copy.deepcopy(PLAN) | {"id": "menu", "former_ids": [["x"]]}
    plan["stages"][0] |= {"id": "try", "former_ids": [["trial"]]}
    repo.write(plan)
    repo.commit("Rename with list former ids")
    repo.restore()
    repo.commit("Undo")
    page = repo.changes()
    assert "Undo" in page and "Rename with list former ids" in page


def test_handbook_diff_reads_every_odd_commit(tmp_path: Path):
    repo = Repo(tmp_path)
    first = repo.git("rev-parse", "HEAD")
    repo.write("just a note\n", "_notes.yaml")
    (repo.plans / "linked.yaml").symlink_to("menu-drafts.yaml")
    repo.write(copy.deepcopy(PLAN) | {"id": "spaced"}, "spaced out.yaml")
    repo.loosen()
    repo.raw_commit(b"Caf\xe9\x1e", timestamp=253_402_300_800)
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "handbook"), "diff", first, "HEAD"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "moved from prohibited to allowed" in done.stdout and "`spaced`" in done.stdout
    shutil.rmtree(repo.plans / "spaced out.yaml", ignore_errors=True)
    working = subprocess.run([str(ROOT / ".venv" / "bin" / "handbook"), "diff", first],
                             cwd=tmp_path, capture_output=True, text=True)  # with plans/
    assert working.returncode == 0, working.stderr
    assert "plans: Not compared: _notes.yaml" in working.stderr
    assert ("HEAD: Not compared: _notes.yaml (only plan files, the organisation file and "
            "_faq.yaml are read)") in done.stderr


# --- 3. history_since names a commit or a date, nothing else; output has no controls ---------


@pytest.mark.parametrize("since", ["1234567..HEAD", "-1234567", "1234567 HEAD", "abcdef1\n",
                                   "2026-01-01..", "--all", "HEAD"])
def test_history_since_is_a_commit_or_a_date_else_an_error_at_its_line(tmp_path: Path,
                                                                        since: str):
    shutil.copytree(BASE, tmp_path / "plans")
    org = tmp_path / "plans" / "_org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + f"history_since: {json.dumps(since)}\n",
                   encoding="utf-8")
    line = org.read_text(encoding="utf-8").count("\n")
    found = [d for d in check([tmp_path / "plans"], today=TODAY).diagnostics
             if "history_since" in d.message]
    assert found and all(d.is_error and d.line == line and d.hint for d in found), found
    assert since_option(since) == []


@pytest.mark.parametrize("since, option", [
    ("1234567", ["1234567..HEAD"]), ("2026-01-01", ["--since=2026-01-01"]),
    ("ab" * 32, [f"{'ab' * 32}..HEAD"]),  # a SHA-256 repository's commit id
    ("2026-01-01T10:00:00+02:00", ["--since=2026-01-01T10:00:00+02:00"])])
def test_history_since_still_takes_a_commit_or_a_date(tmp_path: Path, since: str,
                                                       option: list[str]):
    assert since_option(since) == option
    shutil.copytree(BASE, tmp_path / "plans")
    org = tmp_path / "plans" / "_org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + f"history_since: {json.dumps(since)}\n",
                   encoding="utf-8")
    assert check([tmp_path / "plans"], today=TODAY).ok


def test_handbook_diff_shows_control_characters_instead_of_sending_them(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(BASE, old)
    shutil.copytree(BASE, new)
    plan = (BASE / "menu-drafts.yaml").read_text(encoding="utf-8")
    (new / "menu-drafts.yaml").write_text(plan.replace(
        "Customer names", '"Customer \\e[2J\\e]0;pwned\\a names \\x9b31m \\u202e"'),
        encoding="utf-8")
    for form in ("markdown", "json"):
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "handbook"), "diff", str(old),
                               str(new), "--format", form], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        controls = [c for c in done.stdout if ord(c) < 0x20 and c not in "\n"
                    or 0x7F <= ord(c) < 0xA0 or c == "\u202e"]
        assert controls == [], (form, done.stdout)
        if form == "json":  # the value itself survives, escaped
            values = [c["new"] for c in json.loads(done.stdout) if c["new"]]
            assert "Customer \x1b[2J\x1b]0;pwned\x07 names \x9b31m \u202e" in values
        else:
            assert "Customer [U+001B][2J[U+001B]]0;pwned[U+0007] names [U+009B]31m " \
                   "[U+202E]" in done.stdout


def test_a_revision_is_never_read_as_an_option(tmp_path: Path):
    repo = Repo(tmp_path)
    out = tmp_path / "written"
    for spec in (f"--output={out}", "-p", "--all"):
        with pytest.raises(SideError):
            read_side(spec, repo.root)
    assert not out.exists()
    assert diff(read_side("HEAD", repo.root), read_side("HEAD", repo.root)) == []


# --- 4. fuzz: random valid and invalid plan versions, committed one after another -----------

HOSTILE = [SVG, IMG, "`", "``x``", "<script>alert(3)</script>", "{{ config }}", "{: onclick=x }",
           "[x](javascript:alert(4))", "<img src=x onerror=alert(5)>", "\x1b[31m", "\u202e",
           "a\nb", "-", "# h", "|", "&lt;b&gt;", "id", "former_ids"]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(
    [1, -1, 2.5, None, True, [], {}, [["x"]], [{"id": ["x"]}], {SVG: SVG}, {"id": IMG}]),
    st.text(max_size=12))
KEYS = st.one_of(st.sampled_from([SVG, IMG, "on click", "id", "former_ids", "text", "stages",
                                  "allowed", "prohibited", "gate", "7"]), st.text(max_size=8))


def _paths(data, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, here + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, here + (index,))
    return out


PATHS = _paths(PLAN)[1:]
EDITS = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PATHS), VALUES),
    st.tuples(st.just("add"), st.sampled_from([()] + PATHS), st.tuples(KEYS, VALUES)),
    st.tuples(st.just("drop"), st.sampled_from(PATHS), st.none()),
)
FILES = st.sampled_from(["menu-drafts.yaml", "other plan.yaml", "_notes.yaml", "x.yml",
                         "link.yaml", "broken.yaml", "scalar.yaml", "_org.yaml"])
COMMENT_TAGS = {"h3", "h4", "p", "strong", "em", "code", "ul", "li", "blockquote"}
VERSION = st.tuples(st.lists(EDITS, max_size=4), FILES)


def _edited(edits: list) -> dict:
    plan = copy.deepcopy(PLAN)
    for action, path, value in edits:
        parent = plan
        for step in path[:-1] if action != "add" else path:
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            if action == "add" and isinstance(parent, dict):
                parent[value[0]] = value[1]
            elif action == "set" and isinstance(parent, (dict, list)):
                with contextlib.suppress(IndexError, TypeError):
                    parent[path[-1]] = value
            elif action == "drop" and isinstance(parent, (dict, list)):
                with contextlib.suppress(KeyError, IndexError, TypeError):
                    del parent[path[-1]]
    return plan


def _write_version(repo: Repo, edits: list, name: str) -> None:
    plan = _edited(edits)
    if name == "link.yaml":
        (repo.plans / name).unlink(missing_ok=True)
        (repo.plans / name).symlink_to("menu-drafts.yaml")
        name = "menu-drafts.yaml"
    if name == "broken.yaml":
        repo.write("id: [unclosed\n", name)
    elif name == "scalar.yaml":
        repo.write(json.dumps(edits[0][2] if edits else "text", default=str) + "\n", name)
    else:
        repo.write(plan, name)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(VERSION, min_size=1, max_size=4))
def test_any_history_builds_and_publishes_no_markup(tmp_path_factory, versions: list):
    repo = Repo(tmp_path_factory.mktemp("history"))
    first = repo.git("rev-parse", "HEAD")
    revisions = []
    for edits, name in versions:
        _write_version(repo, edits, name)
        revisions.append(repo.commit("Version"))
    shutil.rmtree(repo.plans)  # the last commit is valid again: the build must go on
    shutil.copytree(BASE, repo.plans)
    repo.commit("Back to the checked plans")
    page = repo.changes()
    assert_inert(page)
    assert not [c for c in page if 0x7F <= ord(c) < 0xA0 or ord(c) < 0x20 and c != "\n"]
    assert "could not be compared" not in page  # the engine takes every shape
    for revision in revisions:
        try:
            old, new = read_side(first, repo.root), read_side(revision, repo.root)
        except SideError:
            continue
        changes = diff(old, new)
        comment = to_markdown(changes, old, new)
        for out in (comment, to_json(changes)):
            assert not [c for c in out if 0x7F <= ord(c) < 0xA0 or ord(c) < 0x20
                        and c != "\n"], out
        for tag, attrs in Html(markdown.markdown(comment)).tags:  # the pull-request comment
            assert tag in COMMENT_TAGS and not attrs, (tag, attrs, comment)
