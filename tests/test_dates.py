"""One date for every command (issue 19, item 3): `--today`, then HANDBOOK_TODAY, then the
clock, resolved once; a build's check and its pages judge the same day."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from macros.cli import commands as cli
from macros.cli import check_command, site_commands
from macros.publishing import hook as publish
from macros.publishing import publish_site
from macros.core import validate as validate_module
from macros.core.dates import DateError, resolve_today

from .conftest import FIXTURES

COMMANDS = ["check", "build", "serve", "render", "codeowners"]
MINIMUM = FIXTURES / "valid" / "minimum"  # review_by 2027-03-01


@pytest.fixture(autouse=True)
def no_date_in_the_environment(monkeypatch):
    monkeypatch.delenv("HANDBOOK_TODAY", raising=False)


def test_the_option_wins_then_the_environment_then_the_clock():
    env = {"HANDBOOK_TODAY": "2027-01-02"}
    assert resolve_today("2026-05-06", env) == dt.date(2026, 5, 6)
    assert resolve_today(None, env) == dt.date(2027, 1, 2)
    assert resolve_today(None, {}) == dt.date.today()
    with pytest.raises(DateError, match="--today"):
        resolve_today("20260506", env)  # a valid ISO 8601 form, but not YYYY-MM-DD
    with pytest.raises(DateError, match="HANDBOOK_TODAY"):
        resolve_today(None, {"HANDBOOK_TODAY": "tomorrow"})


@pytest.mark.parametrize("command", COMMANDS)
def test_every_dated_command_lists_today_in_its_help(command: str, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    assert "--today YYYY-MM-DD" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("source", ["--today", "HANDBOOK_TODAY"])
def test_a_bad_date_is_a_usage_error_naming_its_source(command: str, source: str, capsys,
                                                        monkeypatch, tmp_path: Path):
    argv = [command] + ([str(tmp_path / "out")] if command == "render" else [])
    if source == "--today":
        argv += ["--today", "2026-02-30"]
    else:
        monkeypatch.setenv("HANDBOOK_TODAY", "2026-02-30")
    monkeypatch.chdir(tmp_path)  # nothing to build or check here: the date fails first
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{source} is '2026-02-30'" in err and "YYYY-MM-DD" in err


def _overdue(capsys) -> list[str]:
    found = json.loads(capsys.readouterr().out or "[]")
    return [d["rule"] for d in found if d["rule"] == "review-overdue"]


def test_check_judges_the_day_of_handbook_today_and_the_option_wins(capsys, monkeypatch):
    monkeypatch.setenv("HANDBOOK_CACHE", "off")
    monkeypatch.setenv("HANDBOOK_TODAY", "2027-06-01")  # after review_by
    assert cli.main(["check", str(MINIMUM), "--format", "json"]) == cli.EXIT_OK
    assert _overdue(capsys) == ["review-overdue"]
    assert cli.main(["check", str(MINIMUM), "--format", "json", "--today", "2026-11-24"]) == 0
    assert _overdue(capsys) == []


@pytest.mark.parametrize("given", [["--today", "2027-06-01"], []])
def test_render_writes_pages_as_on_the_given_day(given: list[str], tmp_path: Path,
                                                 monkeypatch):
    if not given:
        monkeypatch.setenv("HANDBOOK_TODAY", "2027-06-01")
    out = tmp_path / "out"
    assert cli.main(["render", str(out), "--plans", str(MINIMUM), *given]) == cli.EXIT_OK
    page = (out / "docs" / "plans" / "menu-drafts" / "evidence.md").read_text(encoding="utf-8")
    assert "Today is Tue 1 Jun 2027." in page  # the timeline chart's text alternative


def test_codeowners_checks_on_the_given_day(monkeypatch, capsys):
    days = []
    real = validate_module.check

    def check(paths, today=None, **kwargs):
        days.append(today)
        return real(paths, today=today, **kwargs)

    monkeypatch.setattr(check_command, "check", check)
    assert cli.main(["codeowners", "--plans", str(MINIMUM), "--today", "2027-06-01"]) == 0
    assert days == [dt.date(2027, 6, 1)]


@pytest.fixture
def fake_children(monkeypatch):
    """The check and the mkdocs child of build and serve, recorded instead of run."""
    seen: dict = {}

    def check_all(paths, today, cache=None, repository=None):
        seen["checked on"] = today
        return SimpleNamespace(ok=True, diagnostics=[], files=1)

    def run_child(argv, env, stop, **when):
        seen["child env"] = env
        return 0

    monkeypatch.setattr(site_commands, "_check_all", check_all)
    monkeypatch.setattr(publish_site, "run_child", run_child)
    monkeypatch.setattr(publish_site, "build_site", lambda site, build: build(site))
    return seen


@pytest.mark.parametrize("given", ["option", "environment", "clock"])
def test_a_build_checks_and_makes_its_pages_on_one_day(given: str, fake_children, monkeypatch,
                                                       tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    if given == "environment":
        monkeypatch.setenv("HANDBOOK_TODAY", "2026-03-04")
    argv = ["build", "--today", "2026-03-04"] if given == "option" else ["build"]
    assert cli.main(argv) == cli.EXIT_OK
    day = fake_children["checked on"]
    if given != "clock":
        assert day == dt.date(2026, 3, 4)
    # The hook in the mkdocs child makes the pages on the very day the check judged, even
    # when that day came from the clock (a build running past midnight).
    assert fake_children["child env"]["HANDBOOK_TODAY"] == day.isoformat()
    monkeypatch.setenv("HANDBOOK_TODAY", fake_children["child env"]["HANDBOOK_TODAY"])
    assert publish._today() == day


def test_serve_passes_a_given_day_to_the_preview_and_otherwise_follows_the_clock(
        fake_children):
    assert cli.main(["serve", "--today", "2026-03-04"]) == cli.EXIT_OK
    assert fake_children["child env"]["HANDBOOK_TODAY"] == "2026-03-04"
    assert cli.main(["serve"]) == cli.EXIT_OK
    assert "HANDBOOK_TODAY" not in fake_children["child env"]


def test_the_hook_refuses_a_bad_handbook_today_with_a_plugin_error(monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("HANDBOOK_TODAY", "next week")
    with pytest.raises(PluginError, match="HANDBOOK_TODAY is 'next week'"):
        publish._today()
