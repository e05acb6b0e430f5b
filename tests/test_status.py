"""Rollout status from evidence: breach banners, charts with text alternatives, readiness."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from macros.model.build import build_handbook
from macros.publishing.pipeline import run
from macros.model.readiness import readiness

from .conftest import FIXTURES, ROOT, TODAY


def test_a_crossed_pause_threshold_shows_a_banner_on_every_plan_page(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(FIXTURES / "valid" / "minimum", plans)
    for name in ("menu-drafts.yaml", "menu-drafts.measurements.csv"):
        shutil.copyfile(FIXTURES / "invalid" / "pause-triggered" / name, plans / name)
    site = run(plans, TODAY)
    assert site.ok
    plan_pages = [src for src in site.pages if src.startswith("plans/menu-drafts/")]
    assert len(plan_pages) >= 3
    for src in plan_pages:
        page = site.pages[src]
        assert '!!! danger "Pause threshold crossed"' in page, src
        assert "measured **61 %** on Thu 29 Oct 2026" in page
        assert "(since Thu 22 Oct 2026)" in page
        assert "**Who decides now:** [Ana Silva]" in page


def test_example_plans_show_charts_with_text_alternatives_and_data_tables():
    site = run(ROOT / "plans", TODAY)
    page = site.pages["plans/support-replies/evidence.md"]
    assert page.count('<svg class="chart" role="img"') >= 7  # timeline, adoption, 6 metrics
    assert '<title id="chart-edit-rate-title">Share of drafts heavily edited before sending ' \
           "over time</title>" in page
    assert '<desc id="chart-edit-rate-desc">17 measurements from Mon 3 Aug 2026 to Mon 23 Nov 2026' in page
    assert "<th>Date</th><th>Value (%)</th><th>Note</th>" in page
    assert '<svg class="chart"' not in site.pages["plans/support-replies/index.md"]
    assert "<script" not in page and "http://" not in page.replace(
        "http://www.w3.org/", "")


def test_gate_evidence_on_stage_pages():
    site = run(ROOT / "plans", TODAY)
    page = site.pages["plans/support-replies/stages/wave-3.md"]
    assert "| Question | Metric | Threshold | Blocking | Latest | Evidence |" in page
    assert "28 % on Mon 23 Nov 2026 | ✔ Met (at most 30 %) |" in page


def test_a_failing_blocking_criterion_is_marked_plainly(tmp_path: Path):
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    csv = plans / "support-replies.measurements.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "2026-11-24,edit-rate,41,\n",
                   encoding="utf-8")
    site = run(plans, TODAY)
    page = site.pages["plans/support-replies/stages/wave-3.md"]
    assert "41 % on Tue 24 Nov 2026 | **✘ Not met (at most 30 %) — blocks the next stage** |" in page
    assert "**1 blocking criterion not met.**" in site.pages["plans/support-replies/index.md"]


def test_readiness_of_a_deliberately_incomplete_plan():
    org = {"people": [{"id": "o", "name": "Owner"}], "teams": [{"id": "t", "name": "T"}],
           "tools": [{"id": "x", "name": "X", "status": "approved", "account": "consumer",
                      "trains_on_inputs": True}]}
    plan = {"id": "p", "title": "P", "status": "active", "risk_tier": "medium",
            "scope": {"purpose": "Do things", "tools": ["x"]},
            "monitoring": [{"id": "use", "area": "adoption", "metric": "Weekly users"}],
            "stages": [{"id": "s1", "name": "Only stage", "headcount": 5}],
            "pause": {"authority": ["o"]}}
    hb = build_handbook(org, [(plan, "p.yaml")], dt.date(2026, 11, 24))
    verdicts = {(v.source, v.area): v for v in readiness(hb.plans["p"], hb)}
    states = {key: v.state for key, v in verdicts.items()}
    assert {key for key, state in states.items() if state == "not_ready"} == {
        ("Rollout checklist", "Scope"), ("Rollout checklist", "Stages"),
        ("Rollout checklist", "Training"), ("Rollout checklist", "Support"),
        ("Rollout checklist", "Monitoring"), ("Rollout checklist", "Pause"),
        ("Production readiness", "Training"),
        ("Production readiness", "Support"), ("Production readiness", "Rollback"),
    }
    # What no tier requires is never "not ready": said as not recorded or not written.
    assert {key for key, state in states.items() if state == "no_data"} == {
        ("Production readiness", "Monitoring"), ("Production readiness", "Security review"),
        ("Production readiness", "Documentation"),
    }
    assert verdicts[("Rollout checklist", "Stages")].reason == \
        "1 stage; 2 needed at medium tier"
    assert verdicts[("Rollout checklist", "Monitoring")].reason.startswith(
        "nothing watches quality; nothing watches value")
    assert verdicts[("Production readiness", "Documentation")].reason == \
        "not written yet: X's instructions"
    assert verdicts[("Production readiness", "Integrations")].reason == \
        "approved tools; X is not on an enterprise account that keeps inputs out of training " \
        "(no tier requires one)"
    assert verdicts[("Rollout checklist", "Gates")].ready  # nothing to judge is not a failure


def test_format_reference_lists_every_key_of_the_schema():
    from macros.render.pages import reference_page
    from macros.core.schemas import schemas

    page = reference_page()
    s = schemas()

    def keys(fields, prefix=""):
        for name, rules in fields.items():
            yield prefix + name
            if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
                yield from keys(rules["schema"], f"{prefix}{name}.")

    for fields in [s.plan, s.org, *s.parts.values()]:
        for key in keys(fields):
            assert f"| `{key}` |" in page, key
    assert "| `pause_value` | number |" in page and "| `better` | string |  | higher, lower |" in page


def test_chart_text_is_drawn_literally_never_as_mathtext_or_markup(tmp_path: Path,
                                                                    monkeypatch):
    """matplotlib reads `$…$` as mathtext: two dollar signs crashed the build or dropped text.
    The SVG's ids, references and ink colour are rewritten in tags only, never in the text."""
    monkeypatch.setenv("HANDBOOK_CACHE", "off")  # draw, do not reuse an earlier drawing
    plans = tmp_path / "plans"
    shutil.copytree(ROOT / "plans", plans)
    names = {"Wave 1 — pilot (10 %)": "Wave 3: $1.5M spend (50 % of $4M)",
             "Wave 2 (25 %)": "Costs $5 to $10",
             "Wave 3 (50 %)": 'Keep id="b" and #010203 as written'}
    plan = plans / "support-replies.yaml"
    text = plan.read_text(encoding="utf-8")
    for old, new in names.items():
        text = text.replace(f"name: {old}\n", f"name: '{new}'\n", 1)
    text = text.replace('unit: minutes,', 'unit: "$ per $100",', 1)
    plan.write_text(text, encoding="utf-8")
    site = run(plans, TODAY)
    assert site.ok
    page = site.pages["plans/support-replies/evidence.md"]
    timeline = page[page.index('<svg class="chart" role="img" aria-labelledby="chart-timeline'):]
    timeline = timeline[:timeline.index("</svg>")]
    drawn = " ".join(re.findall(r">([^<]*)</text>", timeline))  # a long name wraps over lines
    for shown in ["Wave 3: $1.5M spend (50 % of $4M)", "Costs $5 to $10",
                  'Keep id="b" and #010203 as written']:
        assert shown in drawn, shown
    assert ">$ per $100</text>" in page  # a unit on the y axis
    assert 'id="chart-timeline-b"' not in timeline
