"""Access facts mutmut found untested (tests/MUTANTS.md): who may use what, when.

Each test states one fact a reader of the handbook relies on: how many people a stage lets in
(the champion-ratio warning counts them), which champions help them, whether a stage gives
anyone access, and which uses a team may make on a given day.
"""
from __future__ import annotations

import datetime as dt

import pytest

from macros.model.parts import Use
from macros.model.build import build_plan
from macros.render.labels import continues_while_paused
from macros.render.front import uses_in_force
from macros.core.support import ChampionGroup, Help, champions_at, stage_index, with_access
from macros.core.values import gives_access

SIZES = {"shop": 10, "office": 4, "kitchen": 14}


# --- gives_access: a headcount of 0 gives nobody access ---------------------------------------

@pytest.mark.parametrize("stage, gives", [
    ({"teams": ["shop"]}, True),
    ({"people": ["ana"]}, True),
    ({"teams": ["shop"], "headcount": 3}, True),
    ({"teams": ["shop"], "headcount": 0.5}, True),
    ({"teams": ["shop"], "headcount": 0}, False),
    ({"teams": ["shop"], "headcount": -1}, False),
    ({"teams": ["shop"], "headcount": True}, False),  # a value the schema refuses
    ({"teams": ["shop"], "headcount": "3"}, False),
    ({"teams": [], "people": []}, False),
    ({"teams": "shop"}, False),
    ({}, False),
    (["shop"], False),
])
def test_a_stage_gives_access_by_headcount_or_by_the_teams_and_people_it_names(stage, gives):
    assert gives_access(stage) is gives


# --- with_access: how many people a stage lets in, as the champion-ratio rule counts them ----

def test_the_first_stage_of_a_plan_naming_no_team_lets_in_its_users():
    stages = [{"id": "a"}, {"id": "b"}]
    assert with_access(stages, ("shop", "office"), SIZES, 0) == (14, ("shop", "office"))
    assert with_access(stages, ("shop", "office"), SIZES, 1) == (14, ("shop", "office"))


def test_a_plan_whose_stages_name_teams_lets_in_only_those_teams():
    stages = [{"id": "a", "teams": ["shop"]}, {"id": "b", "teams": ["kitchen"]}]
    assert with_access(stages, ("office",), SIZES, 0) == (10, ("shop",))
    assert with_access(stages, ("office",), SIZES, 1) == (24, ("shop", "kitchen"))


def test_a_headcount_counts_instead_of_the_teams_sizes():
    stages = [{"teams": ["shop", "kitchen"], "headcount": 5}]
    assert with_access(stages, (), SIZES, 0) == (5, ("shop", "kitchen"))


def test_a_stage_with_headcount_zero_lets_nobody_in():
    stages = [{"teams": ["shop"], "headcount": 0}, {"teams": ["office"]}]
    assert with_access(stages, (), SIZES, 0) == (0, ())
    assert with_access(stages, (), SIZES, 1) == (4, ("office",))


def test_a_headcount_split_by_team_counts_each_teams_number_above_zero():
    stages = [{"teams": ["shop", "office"],
               "headcount_by_team": {"shop": 3, "office": 0, "kitchen": "x"}}]
    assert with_access(stages, (), SIZES, 0) == (3, ("shop",))


def test_people_named_without_teams_count_one_each():
    stages = [{"people": ["ana", "ben", 7]}, {"teams": ["office"]}]
    assert with_access(stages, (), SIZES, 0) == (2, ())
    assert with_access(stages, (), SIZES, 1) == (6, ("office",))


def test_a_team_that_leaves_takes_its_people_and_a_shared_number_stays():
    stages = [{"teams": ["shop"]}, {"teams": ["office", "kitchen"], "headcount": 6},
              {"teams": [], "leave": ["shop", "kitchen"]}]
    assert with_access(stages, (), SIZES, 1) == (16, ("shop", "office", "kitchen"))
    # shop's 10 go with it; the 6 shared by office and kitchen stay (at most 6)
    assert with_access(stages, (), SIZES, 2) == (6, ("office",))


def test_an_unknown_team_counts_no_one_and_a_boolean_headcount_is_not_a_number():
    stages = [{"teams": ["nowhere"]}, {"teams": ["shop"], "headcount": True}]
    assert with_access(stages, (), SIZES, 0) == (0, ("nowhere",))
    assert with_access(stages, (), SIZES, 1) == (10, ("nowhere", "shop"))


# --- champions_at: who helps the people with access ------------------------------------------

STAGES = [{"id": "pilot"}, {"id": "wave"}, {"id": "all"}]


def test_stage_index_reads_from_stage_default_first_and_unknown():
    assert stage_index(STAGES, None) == 0
    assert stage_index(STAGES, "wave") == 1
    assert stage_index(STAGES, "nowhere") == -1


def test_champions_come_from_the_flat_list_groups_in_force_and_the_orgs_groups_for_the_teams():
    plan = Help(champions=("cy",), champion_groups=(
        ChampionGroup(("pia",)), ChampionGroup(("wes",), from_stage="wave"),
        ChampionGroup(("zed",), from_stage="nowhere")))
    org = Help(champion_groups=(ChampionGroup(("oli",), teams=("shop",)),
                                ChampionGroup(("all",))))
    assert champions_at(plan, org, STAGES, 0, ("office",)) == {"cy", "pia"}
    assert champions_at(plan, org, STAGES, 1, ("office",)) == {"cy", "pia", "wes"}
    assert champions_at(plan, org, STAGES, 2, ("shop",)) == {"cy", "pia", "wes", "oli"}


# --- the model's access: who may make which use on which day ---------------------------------

def plan(stages, uses, decisions=(), status="active", pause=None, users=("shop", "office")):
    raw = {"id": "p", "title": "P", "status": status, "risk_tier": "low",
           "scope": {"users": list(users)}, "stages": stages, "uses": uses,
           "decisions": [{"stage": s, "date": d, "outcome": o, "by": "d"}
                         for s, d, o in decisions]}
    if pause:
        raw["pause"] = pause
    return build_plan(raw, "p.yaml", dt.date(2026, 11, 24))


TWO_STAGES = [{"id": "pilot", "name": "Pilot", "teams": ["shop"], "start": "2026-09-01",
               "end": "2026-09-30"},
              {"id": "wave", "name": "Wave", "teams": ["office"], "start": "2026-10-05"}]
USES = {"allowed": [{"id": "early", "text": "Early"},
                    {"id": "later", "text": "Later", "from_stage": "wave"},
                    {"id": "office-only", "text": "O", "audience": ["office"]},
                    {"id": "for-ana", "text": "A", "audience": ["ana"]}],
        "prohibited": [{"id": "never", "text": "Never"}]}


def test_a_use_for_named_teams_is_for_them_and_one_for_people_is_for_any_team():
    teams = ("shop", "office")
    assert Use("u", "U", True).for_team("shop", teams)
    assert Use("u", "U", True, audience=("office",)).for_team("office", teams)
    assert not Use("u", "U", True, audience=("office",)).for_team("shop", teams)
    assert Use("u", "U", True, audience=("ana",)).for_team("shop", teams)
    assert not Use("u", "U", True, audience=("ana", "office")).for_team("shop", teams)


def test_after_the_second_stage_both_teams_may_make_the_uses_meant_for_them():
    p = plan(TWO_STAGES, USES, [("pilot", "2026-10-01", "proceed")])
    assert p.access.stage.id == "wave" and p.access.teams == ("shop", "office")
    assert [u.id for u in p.uses_at(p.stages[0])] == ["early", "office-only", "for-ana"]
    assert [u.id for u in p.allowed_for("shop")] == ["early", "later", "for-ana"]
    assert [u.id for u in p.allowed_for("office")] == ["early", "later", "office-only",
                                                       "for-ana"]
    assert p.allowed_for("kitchen") == []
    office_only = next(u for u in p.uses if u.id == "office-only")
    assert p.use_teams(office_only) == ("office",)
    assert p.use_people(next(u for u in p.uses if u.id == "for-ana")) == ("ana",)
    assert p.use_people(office_only) == ()
    assert p.access.grants_for("office")[0].stage.id == "wave"
    assert p.access.grants_for("kitchen") == ()


def test_reached_index_and_joins_at_follow_the_days():
    p = plan(TWO_STAGES, USES)  # no decision: still in the pilot
    assert p.reached_index() == 0
    assert p.reached_index(dt.date(2026, 8, 1)) == -1
    assert p.joins_at("office").id == "wave"
    assert p.joins_at("shop") is None and p.joins_at("kitchen") is None
    assert p.access_on(dt.date(2026, 8, 1)).why_none == "not_started"
    assert p.access_on(dt.date(2026, 9, 2)).stage.id == "pilot"


def test_a_plan_naming_no_team_gives_its_users_the_first_stage():
    stages = [{"id": "pilot", "name": "Pilot", "start": "2026-09-01"},
              {"id": "wave", "name": "Wave", "start": "2026-12-01"}]
    p = plan(stages, USES, users=("shop", "kitchen"))
    assert p.access.teams == ("shop", "kitchen")
    fresh = plan(stages, USES, users=("shop", "kitchen"))
    assert plan(stages, USES, users=("shop",)).joins_at("kitchen") is None
    future = build_plan({"id": "p", "title": "P", "status": "active", "risk_tier": "low",
                         "scope": {"users": ["shop"]}, "stages": stages, "uses": USES},
                        "p.yaml", dt.date(2026, 8, 1))
    assert future.joins_at("shop").id == "pilot" and fresh.access.has("shop")


def test_a_team_that_leaves_has_left_at_that_stage_and_may_return_later():
    stages = [{"id": "pilot", "name": "Pilot", "teams": ["shop"], "start": "2026-09-01"},
              {"id": "wave", "name": "Wave", "teams": ["office"], "leave": ["shop"],
               "start": "2026-10-05"},
              {"id": "all", "name": "All", "teams": ["shop"], "start": "2027-01-04"}]
    p = plan(stages, USES, [("pilot", "2026-10-01", "proceed")])
    assert p.access.teams == ("office",)
    assert p.left_at("shop").id == "wave"
    assert p.left_at("office") is None and p.left_at("kitchen") is None
    assert p.returns_later("shop", p.stages[1])
    assert not p.returns_later("shop", p.stages[2])
    assert not p.returns_later("office", p.stages[1])
    [grant] = p.access.grants
    assert grant.left == () and grant.teams == ("office",)


@pytest.mark.parametrize("status, decisions, in_force", [
    ("active", [], True),
    ("draft", [], False),
    ("retired", [], False),
    ("paused", [], False),
    ("active", [("pilot", "2026-10-01", "stop")], False),
    ("active", [("pilot", "2026-10-01", "pause")], False),
])
def test_uses_hold_today_only_while_the_plan_is_active_and_under_way(status, decisions,
                                                                     in_force):
    assert uses_in_force(plan(TWO_STAGES, USES, decisions, status=status)) is in_force


def test_uses_do_not_hold_before_the_first_stage_starts():
    late = [dict(s, start="2027-03-01") for s in TWO_STAGES[:1]]
    assert uses_in_force(plan(late, USES)) is False


@pytest.mark.parametrize("fallbacks, continues", [
    (["extra_review"], True), (["limit_to_trained"], True), (["remove_sensitive_data"], True),
    (["pause_expansion"], True), (["manual_work"], False), (["manual_work", "extra_review"], True),
])
def test_a_pause_lets_use_go_on_only_under_a_continuing_fallback(fallbacks, continues):
    p = plan(TWO_STAGES, USES, status="paused",
             pause={"authority": ["d"], "fallbacks": fallbacks})
    assert continues_while_paused(p) is continues


# --- survivors of the first run (tests/MUTANTS.md) -------------------------------------------

def test_when_stages_name_teams_the_users_get_nothing_implicitly():
    stages = [{"people": ["ana"]}, {"teams": ["office"]}]
    assert with_access(stages, ("shop",), SIZES, 0) == (1, ())


def test_a_split_that_is_not_a_mapping_counts_the_teams_and_one_person_counts():
    assert with_access([{"teams": ["shop"], "headcount_by_team": ["shop"]}], (), SIZES, 0) == (
        10, ("shop",))
    assert with_access([{"teams": ["shop"], "headcount_by_team": {"shop": 1}}], (), SIZES,
                       0) == (1, ("shop",))


LEAVE_AND_RETURN = [
    {"id": "pilot", "name": "Pilot", "teams": ["shop"], "start": "2026-09-01"},
    {"id": "wave", "name": "Wave", "teams": ["office"], "leave": ["shop"],
     "start": "2026-10-05"},
    {"id": "all", "name": "All", "teams": ["shop"], "leave": ["kitchen"], "start": "2026-11-02"}]


def test_a_team_back_after_leaving_has_not_left_and_a_team_that_left_joins_at_its_return():
    back = plan(LEAVE_AND_RETURN, USES, [("pilot", "2026-10-01", "proceed"),
                                         ("wave", "2026-10-30", "proceed")])
    assert back.access.stage.id == "all" and back.access.has("shop")
    assert back.left_at("shop") is None
    gone = plan(LEAVE_AND_RETURN, USES, [("pilot", "2026-10-01", "proceed")])
    assert gone.access.stage.id == "wave"
    assert gone.left_at("shop").id == "wave"
    assert gone.joins_at("shop").id == "all"
    # kitchen never had access; that a later stage lists it under leave is not "has left"
    assert gone.left_at("kitchen") is None


def test_a_split_stage_gives_each_team_its_number_and_its_people_their_names():
    stages = [{"id": "pilot", "name": "Pilot", "teams": ["shop", "office"], "people": ["ana"],
               "headcount": 1, "headcount_by_team": {"shop": 1, "office": 0},
               "start": "2026-09-01"}]
    access = plan(stages, USES).access
    assert [(g.teams, g.headcount, g.people) for g in access.grants] == [
        (("shop",), 1, ()), ((), None, ("ana",))]
    assert access.people == ("ana",) and access.teams == ("shop",)


def test_a_split_stage_after_another_adds_to_the_access_already_given():
    stages = [{"id": "pilot", "name": "Pilot", "teams": ["office"], "start": "2026-09-01"},
              {"id": "wave", "name": "Wave", "teams": ["shop"], "people": ["ana"],
               "headcount_by_team": {"shop": 3}, "start": "2026-10-05"}]
    access = plan(stages, USES, [("pilot", "2026-10-01", "proceed")]).access
    assert [(g.stage.id, g.teams, g.headcount, g.people) for g in access.grants] == [
        ("pilot", ("office",), None, ()), ("wave", ("shop",), 3, ()), ("wave", (), None, ("ana",))]
    assert with_access([{"teams": ["office"]}, {"teams": ["shop"], "headcount_by_team":
                                                 {"shop": 3}}], (), SIZES, 1) == (
        7, ("office", "shop"))


def test_a_stage_naming_no_one_adds_no_grant_when_other_stages_name_teams():
    stages = [{"id": "pilot", "name": "Pilot", "teams": ["office"], "start": "2026-09-01"},
              {"id": "wave", "name": "Wave", "start": "2026-10-05"}]
    access = plan(stages, USES, [("pilot", "2026-10-01", "proceed")]).access
    assert access.stage.id == "wave"
    assert [(g.stage.id, g.teams) for g in access.grants] == [("pilot", ("office",))]
