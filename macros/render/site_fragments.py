"""Fragments that span plans: the plans and readiness tables, the tools table, the rules for
everyone and the front door's team list.
"""
from __future__ import annotations

from ..core.dates import day_words
from ..model.readiness import PRODUCTION, readiness
from .labels import fields_as_code
from .paths import Paths
from .sentences import and_list, plain_end, sentence
from .text import anchor, cell, inline, link_or_text, safe_url, table


class SiteFragments:
    """What spans plans: the plans and readiness tables, tools, the rules for everyone.
    A part of Fragments, which supplies the links and names these methods call."""

    # --- cross-plan ----------------------------------------------------------------------------

    def plans_table(self) -> str:
        rows = []
        for plan in self.hb.plans.values():
            position = plan.position
            stage = (self.stage_link(plan, position.stage) + f" — {self.position_phrase(plan)}"
                     if position.stage else cell(None))
            review = cell(day_words(plan.review_by) if plan.review_by else None)
            if plan.review_overdue:
                review += " **(overdue)**"
            rows.append([self.plan_link(plan), cell(self.status_word(plan)),
                         cell(plan.risk_tier.title()), stage, self.person(plan.owner), review])
        return table(["Plan", "Status", "Risk tier", "Current stage", "Owner", "Review by"],
                     rows) or "_No plans yet._"

    def readiness_matrix(self) -> str:
        """Every plan against every readiness area: where each rollout is not ready yet."""
        plans = list(self.hb.plans.values())
        if not plans:
            return "_No plans yet._"
        verdicts = {p.id: readiness(p, self.hb) for p in plans}
        areas = [(v.source, v.area) for v in verdicts[plans[0].id]]
        headers = ["Plan"] + [("Production: " if src == PRODUCTION else "") + area
                              for src, area in areas]
        rows = []
        for plan in plans:
            row = [self.link(plan.title, Paths.readiness(plan.id))]
            for verdict in verdicts[plan.id]:
                row.append("✔" if verdict.ready else
                           f"**✘** {fields_as_code(verdict.reason)}" if verdict.state ==
                           "not_ready" else f"**No data yet:** {fields_as_code(verdict.reason)}")
            rows.append(row)
        return table(headers, rows)

    def plans_using(self, tool_id: str) -> list:
        return [p for p in self.hb.plans.values()
                if tool_id in p.get("scope", "tools", default=[])]

    def only_plan_users(self, tool) -> str:
        """'only for the people a plan gives access to (Support replies)': a tool approved for
        `plan-users`, never for everyone."""
        plans = self.plans_using(tool.id)
        return ("only for the people a plan gives access to ("
                + ", ".join(self.plan_link(p) for p in plans) + ")" if plans
                else "only for the people a plan gives access to; no plan uses it yet")

    def tools_table(self) -> str:
        rows = []
        for tool in self.hb.tools.values():
            users = self.plans_using(tool.id)
            rows.append([
                anchor(tool.id) + f"**{inline(tool.name)}**",
                cell(tool.vendor),
                f"**{inline(tool.status.title())}**"
                + (": plan users only" if tool.plan_users_only else ""),
                cell(tool.account.title() if tool.account else None),
                cell({True: "Yes", False: "No"}.get(tool.trains_on_inputs)),
                ", ".join(self.plan_link(p) for p in users) or cell(None),
                self.tool_instructions(tool),
            ])
        return table(["Tool", "Vendor", "Status", "Account", "Trains on inputs", "Used by",
                      "Instructions"], rows)

    # --- the rules for everyone ----------------------------------------------------------------

    def rules_for_everyone(self) -> str:
        """The baseline that binds everyone whatever their team or plan: the tool inventory by
        status with its instructions, then `baseline:` of _org.yaml. Each part has a stable id
        (`#everyone`, `#everyone-never`, ...) that trainers link; a part with nothing to say is
        left out."""
        base = self.hb.baseline
        parts = ["## Rules for everyone {#everyone}",
                 f"These apply to everyone at {inline(self.hb.name)}, whatever their team. "
                 "Each rollout plan adds its own rules to them."]
        for status, heading, anchor_id in TOOL_GROUPS:
            tools = [t for t in self.hb.tools.values() if t.status == status]
            if tools:
                parts.append(f"### {heading} {{#{anchor_id}}}\n\n" + "\n".join(
                    f"- **{self.link(t.name, Paths.tools, t.id)}**"
                    + (f": {self.only_plan_users(t)}" if t.plan_users_only else "")
                    + (f" — {self.tool_instructions(t)}" if t.instructions else "")
                    for t in tools))
        if base.never_enter:
            parts.append("### Never enter into any AI tool {#everyone-never}\n\n"
                         + "\n".join(f"- {inline(item)}" for item in base.never_enter))
        if base.review_before_sending:
            parts.append("### Review before sending {#everyone-review}\n\n"
                         + inline(base.review_before_sending))
        if base.reports:
            parts.append("### Report a problem {#everyone-report}\n\n" + self._where_who(
                (base.report_channel,) if base.report_channel else (),
                (base.report_contact,) if base.report_contact else ()))
        if base.asks:
            parts.append("### Ask before you try {#everyone-ask}\n\n"
                         + self._where_who(base.ask_channels, base.ask_contacts))
        return "\n\n".join(parts)

    def _where_who(self, channels: tuple[str, ...], contacts: tuple[str, ...]) -> str:
        lines = [f"- **Where:** {'; '.join(inline(c) for c in channels)}" if channels else "",
                 f"- **Who:** {'; '.join(self.person_with_contact(c) for c in contacts)}"
                 if contacts else ""]
        return "\n".join(line for line in lines if line)

    def find_your_team(self) -> str:
        """Every team, linked to its page, on one line each: the staff's way in."""
        return "\n".join(f"- {self.link(t.name, Paths.team(t.id))}"
                         for t in self.hb.teams.values()) or "_No teams yet._"

    def not_listed(self) -> str:
        """/uses/' answer for a task it does not list, from the baseline's fields alone."""
        base = self.hb.baseline
        who = and_list([self.person(c) for c in base.ask_contacts]
                       + [inline(plain_end(c)) for c in base.ask_channels], "or")
        never = and_list([inline(plain_end(i)) for i in base.never_enter], "or")
        answer = sentence("**Not listed? Then it is not approved**" + (
            f": ask {who}" if who else "") + (f"; never with {never}" if never else ""))
        return answer + " " + sentence(
            "The " + self.link("rules for everyone", Paths.home, "everyone") + " apply to every "
            "task")

    def tool_link(self, tool_id: str) -> str:
        """A tool by name, linked to its row; a tool that is not plainly approved says so."""
        tool = self.hb.tools.get(tool_id)
        link = self.link(tool.name if tool else tool_id, Paths.tools, tool_id)
        return link + (f" ({tool.status})" if tool and tool.status != "approved" else "")

    def tool_instructions(self, tool) -> str:
        """A tool's `instructions` under the words its status calls for: how to get an approved
        tool, the condition of a restricted one, why not for a prohibited one. A link is a
        link; text is shown as written (for a restricted tool it is its only rule)."""
        if not tool.instructions:
            return cell(None)
        label = INSTRUCTIONS_LABEL.get(tool.status, "Instructions")
        if safe_url(tool.instructions):
            return link_or_text(label, tool.instructions)
        return f"**{label}:** {inline(tool.instructions)}"


# The tools of the rules for everyone, by status: (status, heading, stable anchor id).
TOOL_GROUPS = (("approved", "Approved tools", "everyone-approved"),
               ("restricted", "Restricted tools: only on their condition", "everyone-restricted"),
               ("prohibited", "Prohibited tools: never for work", "everyone-prohibited"))

# The heading a tool's `instructions` go under, by the tool's status.
INSTRUCTIONS_LABEL = {"approved": "How to get it", "restricted": "Condition of use",
                      "prohibited": "Why not"}
