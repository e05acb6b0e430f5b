"""Help with hours and people (issue 22, item 2): office hours, watched help channels and champion
groups, in a plan's support and in _org.yaml; every team page names who helps and when; the
champion-ratio rule counts people from headcounts."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from macros.publishing.pipeline import run
from macros.render import all_pages
from macros.core.support import OfficeHours, build_help
from macros.core.validate import check

from .conftest import FIXTURES, ROOT, TODAY, changed_handbook

EXAMPLES = ROOT / "plans"


def _findings(tmp_path: Path, base: Path, changes: dict) -> list:
    """Check a copy of `base` with `changes` ({file name: change(data)}) applied."""
    plans = tmp_path / "plans"
    shutil.copytree(base, plans)
    for name, change in changes.items():
        path = plans / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check([plans], today=TODAY).diagnostics


def _ratio(found, plan: str = "") -> list[tuple[str, str]]:
    return [(d.severity, d.message) for d in found
            if d.rule == "champion-ratio" and d.file.endswith(f"{plan}.yaml")]


# --- the champion ratio -------------------------------------------------------------------------


def _two_hundred(org):
    next(t for t in org["teams"] if t["id"] == "shop")["headcount"] = 200


def _one_champion(count: int = 1):
    def change(plan):
        plan["stages"][0]["headcount"] = 200
        plan["support"]["champions"] = ["ben-cho", "ana-silva"][:count]
    return change


def test_a_stage_of_200_people_with_one_champion_is_warned(tmp_path: Path):
    found = _findings(tmp_path, FIXTURES / "valid" / "minimum",
                      {"_org.yaml": _two_hundred, "menu-drafts.yaml": _one_champion()})
    assert _ratio(found) == [("warning", ("stages[0]: 200 people have access at this stage "
                                          "and 1 champion helps them, more than 50 people per "
                                          "champion"))]
    hint = next(d.hint for d in found if d.rule == "champion-ratio")
    assert "name at least 4 champions" in hint


def test_the_ratio_comes_from_the_org_and_counts_team_headcounts(tmp_path: Path):
    """Without a stage headcount the whole teams count; the org's ratio replaces 50."""
    def org(data):
        _two_hundred(data)
        data["support"] = {"people_per_champion": 250}

    def plan(data):
        del data["stages"][0]["headcount"]
        data["support"]["champions"] = ["ben-cho"]

    assert _ratio(_findings(tmp_path, FIXTURES / "valid" / "minimum",
                            {"_org.yaml": org, "menu-drafts.yaml": plan})) == []
    again = tmp_path / "again"
    again.mkdir()

    def strict(data):
        _two_hundred(data)
        data["support"] = {"people_per_champion": 199}
    assert [s for s, _ in _ratio(_findings(again, FIXTURES / "valid" / "minimum",
                                           {"_org.yaml": strict, "menu-drafts.yaml": plan}))
            ] == ["warning"]


def test_enough_champions_or_none_named_is_not_warned(tmp_path: Path):
    """Two champions for 100 people is within 1 per 50; a plan naming no champion is not
    judged by the ratio (its team page says there is none)."""
    def hundred(org):
        next(t for t in org["teams"] if t["id"] == "shop")["headcount"] = 100

    def two(plan):
        plan["stages"][0]["headcount"] = 100
        plan["support"]["champions"] = ["ben-cho", "ana-silva"]
    assert _ratio(_findings(tmp_path, FIXTURES / "valid" / "minimum",
                            {"_org.yaml": hundred, "menu-drafts.yaml": two})) == []
    assert _ratio(check([FIXTURES / "valid" / "minimum"], today=TODAY).diagnostics) == []


def _hr_grows(plan):
    plan["stages"][2]["headcount"] = 196  # 2 + 2 + 196 = 200 people at the last stage


def _hr_team(org):
    next(t for t in org["teams"] if t["id"] == "hr")["headcount"] = 200


def test_champion_groups_at_high_tier_make_it_an_error(tmp_path: Path):
    found = _findings(tmp_path, EXAMPLES, {"_org.yaml": _hr_team,
                                           "hr-policy-answers.yaml": _hr_grows})
    assert _ratio(found) == [("error", ("stages[2]: 200 people have access at this stage and "
                                        "1 champion helps them, more than 50 people per "
                                        "champion"))]


def test_the_flat_champion_list_at_high_tier_stays_a_warning(tmp_path: Path):
    def flat(plan):
        _hr_grows(plan)
        del plan["support"]["champion_groups"]
        plan["support"]["champions"] = ["aisha-bello"]
    found = _findings(tmp_path, EXAMPLES, {"_org.yaml": _hr_team, "hr-policy-answers.yaml": flat})
    assert [s for s, _ in _ratio(found)] == ["warning"]


def test_a_champion_group_from_a_later_stage_does_not_count_before_it(tmp_path: Path):
    """Champions grow with the rollout (seed 003): a group from wave-4 helps nobody in wave-3."""
    def org(data):
        data["support"]["people_per_champion"] = 4

    def later(plan):
        plan["support"]["champions"] = []
        plan["support"]["champion_groups"] = [
            {"people": ["sam-lee", "li-wei"]},
            {"people": ["dana-okafor", "maria-lopez"], "from_stage": "wave-4"}]
    found = _ratio(_findings(tmp_path, EXAMPLES, {"_org.yaml": org,
                                                  "support-replies.yaml": later}),
                   "support-replies")
    # 4, 10, 20 people with 2 champions, then 40 with 4: counted all along, the later group
    # would keep wave 2 (10 people) within 4 per champion
    assert [m.split(":")[0] for _, m in found] == ["stages[1]", "stages[2]", "stages[3]"]
    assert "10 people have access at this stage and 2 champions help them" in found[0][1]
    assert "40 people have access at this stage and 4 champions help them" in found[2][1]


def test_champions_alone_are_not_support(tmp_path: Path):
    def no_owner(plan):
        del plan["support"]["owner"]
    found = _findings(tmp_path, EXAMPLES, {"hr-policy-answers.yaml": no_owner})
    assert [(d.rule, d.message) for d in found if d.rule == "tier-support"] == [
        ("tier-support", ("support: a named support owner is required; champions alone are "
                          "not support"))]


def test_a_from_stage_in_the_org_file_is_refused(tmp_path: Path):
    def org(data):
        data["support"]["office_hours"][0]["from_stage"] = "pilot"
    found = _findings(tmp_path, EXAMPLES, {"_org.yaml": org})
    assert [(d.file.rsplit("/", 1)[-1], d.rule, d.message) for d in found if d.is_error] == [
        ("_org.yaml", "ref", ("support.office_hours[0].from_stage: 'pilot' is not a stage in "
                              "plans/_org.yaml"))]
    hint = next(d.hint for d in found if d.rule == "ref")
    assert hint.startswith("The organisation has no stages: remove from_stage here")


# --- dates ------------------------------------------------------------------------------------


def test_the_next_session_is_the_first_day_held_from_the_day_on():
    hours = OfficeHours(("tue", "thu"), "10:00", 60)
    tuesday = dt.date(2026, 12, 8)
    assert hours.next_on_or_after(tuesday) == tuesday
    assert hours.next_on_or_after(dt.date(2026, 12, 9)) == dt.date(2026, 12, 10)
    assert hours.next_on_or_after(dt.date(2026, 12, 11)) == dt.date(2026, 12, 15)
    assert hours.ends == "11:00"


def test_help_reads_partial_data_without_failing():
    assert build_help(None).office_hours == ()
    assert build_help({"office_hours": [{"days": ["tue"]}], "channels": ["x"]}).channels == ()
    assert build_help({"people_per_champion": True}).people_per_champion == 50


# --- team pages and the plan page ---------------------------------------------------------------


def _help_line(page: str) -> str:
    return next(line for line in page.splitlines() if line.startswith("- [**Who helps you**]"))


def test_every_team_page_names_its_champions_or_says_there_is_none():
    pages = all_pages(changed_handbook("support-replies", folder=EXAMPLES))
    assert "your champions: [Sam Lee](../contacts.md#sam-lee) and [Li Wei]" in _help_line(
        pages["teams/support.md"])
    assert "your champion: [Aisha Bello]" in _help_line(pages["teams/hr.md"])
    # no plan, but an organisation-wide group names the team
    assert "your champion: [Omar Haddad]" in _help_line(pages["teams/it.md"])
    assert "no champion for your team yet" in _help_line(pages["teams/operations.md"])
    assert "**Champions:** _none named for your team yet._" in pages["teams/operations.md"]


def test_the_next_office_hours_is_a_date_from_the_pages_day():
    """Tue 24 Nov 2026: the support team's Tuesday session is that very day; on Wed 25 Nov the
    next one is the wave-2 Thursday session, then the organisation's on Wed 2 Dec."""
    def line(day: dt.date) -> str:
        hb = changed_handbook("support-replies", folder=EXAMPLES, day=day)
        return _help_line(all_pages(hb)["teams/support.md"])

    assert "next office hours Tue 24 Nov 2026, 10:00–11:00, Room 2." in line(TODAY)
    assert "next office hours Wed 25 Nov 2026, 13:00–14:00, Canteen" in line(
        dt.date(2026, 11, 25))
    assert ("next office hours Thu 26 Nov 2026, 15:00–16:00, <a href=\"https://meet.example.com"
            "/ai-drop-in\">online</a>.") in line(dt.date(2026, 11, 26))


def test_a_session_of_a_stage_not_reached_is_not_offered_yet():
    """support-replies is in wave-3 on TODAY: its wave-4 Monday session is not held yet."""
    pages = all_pages(changed_handbook("support-replies", folder=EXAMPLES))
    block = pages["teams/support.md"].split("{#help}", 1)[1].split("\n## ", 1)[0]
    assert "every Mon" not in block
    assert "every Tue" in block and "every Thu" in block
    plan = pages["plans/support-replies/index.md"]
    monday = next(x for x in plan.splitlines() if x.startswith("- Every Mon, 11:00–12:00"))
    assert "Room 2" in monday and "— from [Wave 4" in monday and "next:" not in monday
    tuesday = next(x for x in plan.splitlines() if x.startswith("- Every Tue, 10:00–11:00"))
    assert "— next: **Tue 24 Nov 2026**" in tuesday


def test_where_to_ask_now_names_the_channel_and_its_hours():
    pages = all_pages(changed_handbook("support-replies", folder=EXAMPLES))
    line = _help_line(pages["teams/support.md"])
    assert "ask now in &#35;ai-help (Mon–Fri 08:00–18:00) or [1 more](#help);" in line
    # the baseline's channel is watched at set hours: named in #help with them, not twice
    assert "ai-questions" not in line
    block = pages["teams/support.md"].split("{#help}", 1)[1]
    assert "by [Sam Lee](../contacts.md#sam-lee) and [Li Wei]" in block


def test_a_team_page_without_any_help_data_still_says_who_helps():
    """An organisation with no support section: the champion sentence, nothing invented."""
    pages = all_pages(changed_handbook("menu-drafts", folder=FIXTURES / "valid" / "minimum"))
    line = _help_line(pages["teams/bakery.md"])
    assert "no champion for your team yet" in line
    assert "office hours" not in line and "ask now" not in line


def test_help_text_is_escaped():
    def hostile(org):
        org["support"] = {"office_hours": [{"days": ["tue"], "time": "10:00", "minutes": 60,
                                            "place": "<script>x</script> {{ config }}",
                                            "link": "javascript:alert(1)"}],
                          "channels": [{"name": "<b>#help</b>", "opens": "08:00",
                                        "closes": "18:00"}]}
    pages = all_pages(changed_handbook("support-replies", folder=EXAMPLES, org_changed=hostile))
    team = pages["teams/support.md"]
    assert "<script>" not in team and "<b>" not in team and "{{" not in team
    assert "javascript:" not in team.replace("javascript&#58;", "")


# --- an organisation written from the reference alone -------------------------------------------

HELP_HOURS = FIXTURES / "valid" / "help-hours"


def _site(day: dt.date) -> dict[str, str]:
    site = run(HELP_HOURS, day)
    assert site.ok, site.diagnostics
    return site.pages


def test_a_strangers_library_says_who_helps_and_when_as_its_rollout_grows():
    """Riverside Libraries (valid/help-hours): one champion and one session a week in the
    pilot; from every branch on, four champions, three sessions a week and a watched channel."""
    pilot = _help_line(_site(dt.date(2026, 11, 10))["teams/front-desk.md"])
    assert "your champion: [Karl Vance]" in pilot
    assert "next office hours Tue 10 Nov 2026, 09:30–10:30, Staff room" in pilot
    assert "catalogue-help" not in pilot
    assert "ask now in &#35;library-ai (Mon–Sat 08:00–18:00)" in pilot

    pages = _site(TODAY)
    grown = _help_line(pages["teams/front-desk.md"])
    assert ("your champions: [Karl Vance](../contacts.md#karl-vance), [Uma Rao]"
            "(../contacts.md#uma-rao), [Theo Lind](../contacts.md#theo-lind) and [Pete Harlow]"
            in grown)
    assert "ask now in &#35;catalogue-help (Mon–Fri 09:00–17:00) or [1 more](#help)" in grown
    block = pages["teams/front-desk.md"].split("{#help}", 1)[1].split("\n## ", 1)[0]
    sessions = [line for line in block.splitlines() if " — every " in line]
    assert [s.split(",")[0] for s in sessions] == ["- Tue 24 Nov 2026", "- Thu 26 Nov 2026"]
    assert "— every Thu, Sat (" in sessions[1] and "— every Tue (" in sessions[0]
    assert "by [Library systems](systems.md)" in block
    # archive: an organisation-wide group names its champion; no plan, no office hours
    archive = _help_line(pages["teams/archive.md"])
    assert "your champion: [Ada Fox]" in archive and "office hours" not in archive
    assert "no champion for your team yet" in _help_line(pages["teams/systems.md"])


def test_the_strangers_ratio_holds_with_four_and_fails_with_three(tmp_path: Path):
    def three(plan):
        plan["support"]["champion_groups"][1]["people"] = ["uma-rao", "theo-lind"]
    assert _ratio(_findings(tmp_path, HELP_HOURS, {"catalogue-help.yaml": three})) == [
        ("warning", ("stages[1]: 200 people have access at this stage and 3 champions help "
                     "them, more than 50 people per champion"))]


def test_a_corpus_plan_with_one_champion_for_112_residents_is_warned(monkeypatch):
    """fenmoor-health's discharge summaries (high tier, written before champion groups): one
    champion for 64, then 112 residents. A warning, not an error: it uses the flat list."""
    monkeypatch.chdir(FIXTURES / "corpus" / "fenmoor-health")
    found = check([Path(".")], today=TODAY).diagnostics
    assert [(d.file, d.line, d.severity) for d in found if d.rule == "champion-ratio"] == [
        ("discharge-summaries.yaml", 265, "warning"), ("discharge-summaries.yaml", 293, "warning")]
    assert [d for d in found if d.rule != "champion-ratio"] == []


def test_many_channels_keep_the_answer_to_one_line():
    """Four channels for everyone and one of the plan: the line names one, the block all."""
    def many(org):
        org["support"]["channels"] = [{"name": f"#ask-{n}", "opens": "09:00", "closes": "17:00"}
                                      for n in range(4)]
    pages = all_pages(changed_handbook("support-replies", folder=EXAMPLES, org_changed=many))
    line = _help_line(pages["teams/support.md"])
    # the plan's own channel first
    assert "ask now in &#35;ai-help (Mon–Fri 08:00–18:00) or [4 more](#help);" in line
    block = pages["teams/support.md"].split("{#help}", 1)[1].split("\n## ", 1)[0]
    assert all(f"&#35;ask-{n} (watched" in block for n in range(4)) and "&#35;ai-help" in block
