"""Where generated pages live: source paths built from ids, never titles, so URLs stay stable
when a title changes; and the anchor of a use on its plan's page.
"""
from __future__ import annotations

import posixpath




class Paths:
    """Source paths of generated pages: the stable URLs are built from ids, never titles."""

    home = "index.md"
    plans = "plans/index.md"
    uses = "uses.md"
    tools = "tools.md"
    contacts = "contacts.md"
    training = "training/index.md"
    teams = "teams/index.md"
    reference = "reference.md"
    reviews = "reviews.md"
    governance = "governance.md"
    definitions = "governance/definitions.md"
    changes = "changes.md"
    communications = "communications.md"
    faq = "faq.md"

    @staticmethod
    def plan(plan_id: str) -> str:
        return f"plans/{plan_id}/index.md"

    @staticmethod
    def stage(plan_id: str, stage_id: str) -> str:
        return f"plans/{plan_id}/stages/{stage_id}.md"

    @staticmethod
    def readiness(plan_id: str) -> str:
        return f"plans/{plan_id}/readiness.md"

    @staticmethod
    def evidence(plan_id: str) -> str:
        return f"plans/{plan_id}/evidence.md"

    @staticmethod
    def print(plan_id: str) -> str:
        return f"plans/{plan_id}/print.md"

    @staticmethod
    def is_print(src: str) -> bool:
        """A plan's print view: published, but in no nav (the plan page links to it)."""
        return src.startswith("plans/") and src.endswith("/print.md")

    @staticmethod
    def module(module_id: str) -> str:
        return f"training/{module_id}.md"

    @staticmethod
    def team(team_id: str) -> str:
        return f"teams/{team_id}.md"


def use_anchor(plan_id: str, use_id: str) -> str:
    # Slugs never contain "--", so plan "a-b" + use "c" cannot collide with plan "a" + use "b-c".
    return f"{plan_id}--{use_id}"


def relative(target: str, folder: str) -> str:
    """posixpath.relpath for two paths inside the docs folder, without its os.getcwd() call
    per link (a tenth of a 100-plan build's own time went there)."""
    to = [part for part in posixpath.normpath(target).split("/") if part not in ("", ".")]
    start = [part for part in posixpath.normpath(folder or ".").split("/") if part not in ("", ".")]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."
