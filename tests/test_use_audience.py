"""A use meant for some teams or people (issue 20, item 5): `audience` on an allowed use narrows
it; team pages, the plan page, /uses/, the check and the diff all read it."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from macros.history.diff import diff
from macros.history.sides import Side
from macros.render import all_pages
from macros.core.validate import check

from .conftest import FIXTURES, TODAY, changed_handbook

STATES = FIXTURES / "states"


def _pages(change) -> dict[str, str]:
    return all_pages(changed_handbook("adds-team", plan_changed=change))


def _for_office(data):
    data["uses"]["allowed"][1]["audience"] = ["office"]


def test_a_use_for_one_team_is_not_shown_as_another_teams():
    pages = _pages(_for_office)
    shop, office = pages["teams/shop.md"], pages["teams/office.md"]
    shop_block = shop.split("{#adds-team}", 1)[1].split("\n#", 1)[0]
    office_block = office.split("{#adds-team}", 1)[1].split("\n#", 1)[0]
    assert "Draft a notice for the board" not in shop_block
    assert "Draft a notice for the board" in office_block
    assert "Draft a menu description" in shop_block


def test_the_plan_page_and_uses_page_say_whom_a_use_is_for():
    pages = _pages(_for_office)
    assert "Draft a notice for the board — for [Office]" in pages["plans/adds-team/index.md"] \
        or "Draft a notice for the board<br>For: [Office]" in pages["plans/adds-team/index.md"]
    uses = pages["uses.md"]
    row = next(line for line in uses.splitlines()
               if "adds-team--write-notice" in line)
    assert "Yes, for [Office]" in row and "Shop" not in row


def test_a_use_for_named_people_says_so_on_the_team_page():
    pages = _pages(lambda d: d["uses"]["allowed"][0].__setitem__("audience", ["ana-silva"]))
    shop = pages["teams/shop.md"].split("{#adds-team}", 1)[1].split("\n#", 1)[0]
    assert "Draft a menu description — for [Ana Silva]" in shop and "only" in shop


def test_an_audience_team_that_never_gets_access_is_an_error(tmp_path: Path):
    folder = tmp_path / "plans"
    shutil.copytree(STATES, folder)
    path = folder / "adds-team.yaml"
    data = yaml.safe_load(path.read_text())
    data["uses"]["allowed"][1]["audience"] = ["finance"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    found = [(d.rule, d.message) for d in check([folder], today=TODAY).diagnostics
             if d.file.endswith("adds-team.yaml")]
    assert found == [("use-audience", "uses.allowed[1].audience[0]: the team 'finance' never "
                      "gets access under this plan, so the use would reach nobody there")]


def _judged(before, after) -> list[tuple[str, bool]]:
    checked = check([STATES], today=TODAY)
    org = checked.org.data
    old = {d.data["id"]: copy.deepcopy(d.data) for d in checked.plans}
    new = copy.deepcopy(old)
    before(old["adds-team"])
    after(new["adds-team"])
    return [(c.judgement, c.needs_approval) for c in diff(Side("a", old, org), Side("b", new, org))]


def test_narrowing_a_use_tightens_and_widening_it_needs_approval():
    nothing = lambda d: None  # noqa: E731
    assert _judged(nothing, _for_office) == [("tightens", False)]
    assert _judged(_for_office, nothing) == [("needs-approval", True)]
    both = lambda d: d["uses"]["allowed"][1].__setitem__("audience", ["office", "shop"])  # noqa
    assert [j for j, _ in _judged(_for_office, both)] == ["needs-approval"]
    assert [j for j, _ in _judged(both, _for_office)] == ["tightens"]
