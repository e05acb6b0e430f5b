"""One mistake, one diagnostic, and a hint that points the right way (issue 19, item 4)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from macros.core.load import load_file
from macros.render.pages import reference_page
from macros.core.rules.references import PLAN_REFERENCES
from macros.core.rules.base import select
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, invalid_case_plans

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_every_diagnostic_of_a_negative_case_has_a_hint(case: Path, tmp_path: Path,
                                                          monkeypatch):
    work = invalid_case_plans(case, tmp_path / "plans")
    monkeypatch.chdir(work)
    found = check([Path(".")], today=TODAY).diagnostics
    assert [f"{d.rule}: {d.message}" for d in found if not d.hint.strip()] == []


def _misspelt(value: str) -> str:
    return value[:-1] + ("x" if value[-1] != "x" else "y") + "q"


# Plans whose references are misspelt one at a time: the examples and a corpus organisation
# (medium and high tier, pause authority, reviewers trained, decisions with deciders).
SWEPT = [ROOT / "plans", FIXTURES / "corpus" / "fenmoor-health"]


def _references(folder: Path) -> list[tuple[str, tuple, str]]:
    out = []
    for plan in sorted(folder.glob("*.yaml")):
        if plan.name.startswith("_"):
            continue
        data = yaml.safe_load(plan.read_text(encoding="utf-8"))
        for pattern, _kind in PLAN_REFERENCES:
            out += [(plan.name, path, value) for path, value in list(select(data, pattern))[:1]
                    if isinstance(value, str)]
    return out


@pytest.mark.parametrize("folder", SWEPT, ids=lambda p: p.name)
def test_a_misspelt_reference_gets_its_ref_error_alone_and_no_hint_repeats_it(
        folder: Path, tmp_path: Path):
    # By file name: the copies below live elsewhere, and a warning the plans already had there
    # (champion-ratio on the corpus plan) is not new.
    before = {(Path(d.file).name, d.rule, d.message)
              for d in check([folder], today=TODAY).diagnostics}
    extra = {}
    for name, path, value in _references(folder):
        work = tmp_path / f"{name}-{'-'.join(map(str, path))}"
        shutil.copytree(folder, work)
        doc, _ = load_file(work / name, name)
        line, column = doc.position(path)
        rows = (work / name).read_text(encoding="utf-8").splitlines(keepends=True)
        if rows[line - 1][column - 1:column - 1 + len(value)] != value:
            continue  # a quoted or folded value: not rewritten in place
        typo = _misspelt(value)
        row = rows[line - 1]
        rows[line - 1] = row[:column - 1] + typo + row[column - 1 + len(value):]
        (work / name).write_text("".join(rows), encoding="utf-8")
        new = [d for d in check([work], today=TODAY).diagnostics
               if (Path(d.file).name, d.rule, d.message) not in before]
        if [d.rule for d in new] != ["ref"] or any(typo in d.hint for d in new):
            extra[f"{name} {path}"] = [f"{d.rule}: {d.message} | {d.hint}" for d in new]
    assert extra == {}


def test_a_reference_to_a_renamed_stage_names_its_new_id(tmp_path: Path):
    case = FIXTURES / "invalid" / "ref-renamed-stage"
    found = check([invalid_case_plans(case, tmp_path / "plans")], today=TODAY).diagnostics
    assert found and all("renamed to 'everyone'" in d.message and "wave-3" not in d.message
                         and "everyone" in d.hint for d in found)


def test_the_impact_tier_hint_does_not_ask_for_the_rationale_that_is_there(tmp_path: Path):
    case = FIXTURES / "invalid" / "impact-tier-rationale"
    found = check([invalid_case_plans(case, tmp_path / "plans")], today=TODAY).diagnostics
    (tier,) = [d for d in found if d.rule == "impact-tier"]
    assert "explain in tier_rationale" not in tier.hint and tier.hint.strip()


def test_rule_ids_in_the_reference_are_the_ids_the_tool_prints():
    section = reference_page().split("{#rules}", 1)[1].split("{#editor-schema}", 1)[0]
    rows = [row.split(" | ", 1)[0] for row in section.splitlines() if row.startswith("| `")]
    listed = {rule for row in rows for rule in re.findall(r"`([a-z0-9-]+)`", row)}
    # What the tool prints: every rule id a negative case expects ...
    printed = set()
    for case in INVALID:
        spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
        printed |= {line.rsplit("[", 1)[1].rstrip("]") for line in spec["expect"]}
    assert sorted(listed - printed) == []
    # ... and every rule id written in the rules module is listed.
    source = "".join(path.read_text(encoding="utf-8")
                     for path in sorted((ROOT / "macros" / "core" / "rules").glob("*.py")))
    written = set(re.findall(r'(?:ERROR|WARNING|severity)[^,]*,\s*"([a-z0-9-]+)"', source))
    assert sorted(written - listed - {"internal"}) == []
