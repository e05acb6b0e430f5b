"""Hand-written pages: every macro call that names an id is checked like a plan, located at
its page, line and column, before anything is built; the macro guide works with any plans."""
from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from macros.render.validate_pages import KEYWORDS, MACRO_ARGUMENTS, check_page

from .conftest import FIXTURES, ROOT, TODAY, defined_macros, make_project, mkdocs_build


def handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "macros", *args, "--today", TODAY.isoformat()],
                          cwd=cwd, capture_output=True, text=True)


def page(project: Path, name: str, body: str) -> None:
    (project / "docs" / name).write_text(f"---\nrender_macros: true\n---\n\n# Page\n\n{body}\n",
                                         encoding="utf-8")


def test_a_page_naming_an_unknown_plan_fails_the_check_at_its_line(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    page(project, "onboarding.md", "Intro.\n\nToday: {{ allowed_now('menu-draft') }}\n\n"
                                   "{{ gate('menu-drafts', 'trail') }}")
    done = handbook("check", cwd=project)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0::2] == [
        "docs/onboarding.md:9:23: error: allowed_now: 'menu-draft' is not a plan; did you mean "
        "'menu-drafts'? [page-macro]",
        "docs/onboarding.md:11:24: error: gate: 'trail' is not a stage in plan 'menu-drafts'; "
        "did you mean 'trial'? [page-macro]",
    ]


def test_the_build_reports_the_same_located_message_and_no_traceback(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    page(project, "onboarding.md", "{{ training_module('ai-basic') }}")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert ("docs/onboarding.md:7:20: error: training_module: 'ai-basic' is not a training "
            "module; did you mean 'ai-basics'? [page-macro]") in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_template_syntax_error_is_located(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    page(project, "broken.md", "One line.\n\n{{ plans_table( }}")
    done = handbook("check", cwd=project)
    assert done.returncode == 1
    assert done.stdout.startswith("docs/broken.md:9:1: error: template syntax: ")


def test_pages_that_are_not_templates_are_not_read_as_templates(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    (project / "docs" / "plain.md").write_text("# Plain\n\n{{ allowed_now('nope') }}\n",
                                               encoding="utf-8")
    assert handbook("check", cwd=project).returncode == 0


def test_the_macro_guide_builds_from_another_organisations_plans(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "phased", tmp_path)
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    guide = (tmp_path / "site" / "macros" / "index.html").read_text(encoding="utf-8")
    assert "email-replies" in guide and "support-replies" not in guide


def test_the_macro_guide_says_so_when_there_are_no_plans(tmp_path: Path):
    plans = tmp_path / "only-org"
    plans.mkdir()
    shutil.copyfile(FIXTURES / "valid" / "minimum" / "_org.yaml", plans / "_org.yaml")
    project = make_project(plans, tmp_path)
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    guide = (tmp_path / "site" / "macros" / "index.html").read_text(encoding="utf-8")
    assert "No plans yet" in guide


def test_the_table_of_macro_arguments_matches_the_macros():
    """validate_pages knows what each macro's arguments name; main.py defines the macros."""
    defined = defined_macros()
    assert sorted(defined) == sorted(MACRO_ARGUMENTS)
    for name, function in defined.items():
        parameters = inspect.signature(function).parameters
        assert tuple(KEYWORDS[p] for p in parameters) == MACRO_ARGUMENTS[name], name


# --- what else a page may write: the sandbox's limits, checked before the build -------------

@pytest.fixture(scope="module")
def minimum_handbook():
    from macros.publishing.pipeline import run

    return run(FIXTURES / "valid" / "minimum", TODAY).handbook


def expressions(text: str, handbook) -> list[tuple[int, int, str]]:
    found = check_page("docs/p.md", f"---\nrender_macros: true\n---\n{text}\n", handbook)
    return [(d.line, d.column, d.message) for d in found if d.rule == "page-expression"]


@pytest.mark.parametrize("text, line, column, words", [
    ("{{ config.site_name }}", 4, 4, "reads into 'config'"),
    ("Intro {{ page }}", 4, 10, "'page' is not a handbook macro"),
    ("{{ range(3) }}", 4, 4, "'range' is not a handbook macro"),
    ("{{ lipsum() }}", 4, 4, "'lipsum' is not a handbook macro"),
    ("{% set ex = handbook_examples() %}\n{{ ex.__class__ }}", 5, 4, "'__class__'"),
    ("{% set ex = handbook_examples() %}{{ ex['_secret'] }}", 4, 38, "'_secret'"),
    ("{{ plans_table.__globals__ }}", 4, 4, "'__globals__'"),
    ("{{ handbook_examples().plan }}", 4, 4, "reads into 'handbook_examples'"),
    ("{% set f = plans_table %}{{ f() }}", 4, 29, "'f' is not a handbook macro"),
    ("{% include 'plans/_org.yaml' %}", 4, 1, "cannot include, import or extend"),
    ("{% import 'x.md' as x %}", 4, 1, "cannot include, import or extend"),
    ("{% set ex = handbook_examples() %}{{ ex | attr('plan') }}", 4, 41, "attr filter"),
    ("{{ plans_table() | pretty }}", 4, 18, "'pretty' is not one of Jinja's filters"),
    ('{{ cycler.__init__.__globals__.os.popen("id").read() }}', 4, 4, "calls into 'cycler'"),
])
def test_an_expression_beyond_the_macros_is_refused_at_its_place(
        text: str, line: int, column: int, words: str, minimum_handbook):
    found = expressions(text, minimum_handbook)
    assert len(found) == 1, found
    assert found[0][:2] == (line, column), found
    assert words in found[0][2]


def test_what_the_macro_guide_writes_is_accepted(minimum_handbook):
    """`{% set %}`, a variable's values, Jinja's filters and tests, loops, raw blocks."""
    text = ("{% set ex = handbook_examples() %}{% if ex is not mapping or not ex.plan %}none"
            "{% else %}{{ allowed_now(ex.plan, team=ex.team) }}"
            "{{ \"{{ gate('%s') }}\" | format(ex.plan) }}{{ ex['plan'] | upper }}"
            "{% for key in ex %}{{ loop.index }} {{ key }}{% endfor %}{% endif %}"
            "{% raw %}{{ config }}{% endraw %}{# {{ config }} #}")
    assert expressions(text, minimum_handbook) == []
    guide = (ROOT / "docs" / "macros.md").read_text(encoding="utf-8")
    assert check_page("docs/macros.md", guide, minimum_handbook) == []


def test_a_page_naming_a_renamed_stage_says_what_it_was_renamed_to(tmp_path: Path):
    project = make_project(FIXTURES / "valid" / "minimum", tmp_path)
    plan = project / "plans" / "menu-drafts.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  - id: trial\n", "  - id: tasting\n    former_ids: [trial]\n")
                    .replace("stage: trial", "stage: tasting"), encoding="utf-8")
    page(project, "onboarding.md", "{{ gate('menu-drafts', 'trial') }}")
    done = handbook("check", cwd=project)
    assert done.stdout.splitlines() == [
        "docs/onboarding.md:7:24: error: gate: 'trial' is not a stage in plan 'menu-drafts': it "
        "was renamed to 'tasting' [page-macro]",
        "    hint: Write 'tasting', its id since the rename.",
    ]
