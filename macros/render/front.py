"""The team page as the front door: four one-line answers for today (what the team may do,
what never, who helps, what comes next), each linking to its block below, and the blocks with
stable ids trainers link (`#may #never #training #review #help #next`).

A team in several plans gets one set of blocks; each block gathers each plan's part under the
plan's name. The part in `#may` keeps the id the whole plan section had (`#<plan-id>`), so
links made before the blocks existed still land on the plan; the other parts are
`#<plan-id>-never`, `#<plan-id>-help`, ... Plan text is escaped by the text.py helpers only.
"""
from __future__ import annotations

from ..core.dates import day_near
from ..model.model import Handbook, Plan
from ..model.parts import Stage
from .faq import team_faq
from .fragments import Fragments
from .labels import MODES
from .paths import Paths
from .help import TeamHelp
from .messages import told_from_other_plans, told_next
from .sentences import and_list, capitalised, count, plain_end, sentence, sentences
from .text import attr, cell, inline, table

# The blocks, in page order: (anchor id, heading). Their ids are a public contract.
BLOCKS = (("may", "What you may do"), ("never", "Never"),
          ("training", "Training before access"), ("review", "What your team reviews"),
          ("help", "Help"), ("next", "What comes next"))
BLOCK_IDS = {anchor_id for anchor_id, _ in BLOCKS}
# The headings a plan's section had on the team page before the blocks, by the part that now
# holds what they marked: their ids (MkDocs' slugs, '_<n>' for the n-th plan) keep working.
LEGACY = {"": ("what-you-may-do-now",), "never": ("never",),
          "training": ("training-before-access",), "review": ("what-your-team-reviews",),
          "help": ("help", "if-something-goes-wrong"), "next": ()}
SHOWN = 2  # items named in a one-line answer before "and N more"


def involves(plan: Plan, team_id: str) -> bool:
    return team_id in plan.users or any(team_id in s.teams or team_id in s.leave
                                        for s in plan.stages)


def here(label: object, anchor_id: str) -> str:
    """A link to a block of the same page."""
    return f"[{inline(label)}](#{anchor_id})"


def _few(items: list[str], conjunction: str = "and", shown: int = SHOWN) -> str:
    """At most `shown` items, then how many more: one line stays one line."""
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) <= shown + 1:  # never "and 1 more": the one is named instead
        return and_list(items, conjunction)
    return ", ".join(items[:shown]) + f" {conjunction} {len(items) - shown} more"


def uses_in_force(plan: Plan) -> bool:
    """Whether a plan's uses hold today for those with access: not paused or stopped, not a
    draft or retired, and a stage that gives access has begun."""
    return (not plan.paused and plan.position.state != "stopped"
            and plan.status not in ("draft", "retired") and plan.access.stage is not None)


def next_step(f: Fragments, plan: Plan, team: str | None = None) -> str:
    """What comes next under a plan: the next stage and its date, or the gate that decides
    it; with a team not in yet, the stage it joins. Read from stages, gates and dates only."""
    position = plan.position
    if plan.paused:
        return "paused until the pause is lifted"
    if position.state == "stopped":
        return "stopped; nothing comes next"
    if position.state == "complete":
        return "complete"
    joins = None if team is None or plan.access.has(team) else plan.joins_at(team)
    if joins is not None:
        return f"your team joins at {stage_when(f, plan, joins)}"
    current = position.stage
    if current is None:
        return "no stage yet"
    if position.state == "not_started":
        return stage_when(f, plan, current)
    due = (f"; decision due since {day_near(plan.decision_due, plan.today)}"
           if plan.decision_due else "")
    following = plan.stages[current.index + 1] if current.index + 1 < len(plan.stages) else None
    if following is None:
        gate = "; its gate decides what follows" if current.gate else ""
        return f"{f.stage_link(plan, current)} is the last stage{gate}{due}"
    return stage_when(f, plan, following) + due


def stage_when(f: Fragments, plan: Plan, stage: Stage) -> str:
    """A stage with its planned start and, while the stage before it is undecided, its gate."""
    previous = plan.stages[stage.index - 1] if stage.index else None
    parts = [f.stage_link(plan, stage)]
    if stage.start:
        parts.append(f"planned from {day_near(stage.start, plan.today)}")
    if previous is not None and not plan.stage_done(previous) and previous.gate:
        parts.append(f"once the gate of {f.stage_link(plan, previous)} decides")
    return ", ".join(parts)


class FrontDoor:
    """One team's page: its plans, its answers, its blocks."""

    def __init__(self, hb: Handbook, f: Fragments, team_id: str) -> None:
        self.hb, self.f, self.team = hb, f, team_id
        self.plans = [p for p in hb.plans.values() if involves(p, team_id)]
        self.help = TeamHelp(hb, f, team_id, self.plans)  # champions, office hours, channels

    # --- the four answers ------------------------------------------------------------------

    def answers(self) -> str:
        lines = [("may", "What you may do", self.may_line()),
                 ("never", "Never", self.never_line()),
                 ("help", "Who helps you", self.help_line()),
                 ("next", "What comes next", self.next_line())]
        return "\n".join(f"- [**{label}**](#{anchor_id}): {text}"
                         for anchor_id, label, text in lines)

    def may_line(self) -> str:
        f = self.f
        uses, limited, paused = [], [], []
        for plan in self.plans:
            if plan.paused:
                paused.append(here(plan.title, plan.id))
            elif uses_in_force(plan) and plan.access.has(self.team):
                uses += [inline(plain_end(u.text)) for u in plan.allowed_for(self.team)]
                # The share alone ('3 of the team's 10'): the team's own name is implied.
                name = f.who(self.team)
                share = f.team_reach(plan.access, self.team).removeprefix(name).strip()
                if share:
                    limited.append(share.removeprefix("(").removesuffix(")"))
        approved = [here(t.name, "everyone-approved")
                    for t in self.hb.tools.values() if t.for_everyone]
        if uses:  # uses are sentences: two and a count keep the answer on a phone's screen
            head = capitalised(_few(uses, shown=1))
        elif approved:
            head = "Only " + _few(approved) + ", under the rules for everyone"
        else:
            head = "Nothing beyond the rules for everyone"
        parts = [head]
        if limited:
            lead = self.hb.teams[self.team].lead
            parts.append("only for those given access (" + "; ".join(
                dict.fromkeys(limited)) + ")" + (f": ask {f.person(lead)}" if lead else ""))
        if paused:
            parts.append("paused: " + and_list(paused))
        return sentence("; ".join(parts))

    def never_line(self) -> str:
        enter = list(self.hb.baseline.never_enter)
        for plan in self.plans:
            enter += plan.get("data_rules", "never_enter", default=[])
        tools = [here(t.name, "everyone-prohibited")
                 for t in self.hb.tools.values() if t.status == "prohibited"]
        forbidden = len({u.text for p in self.plans for u in p.prohibited})
        parts = [("enter " + _few([inline(plain_end(i)) for i in enter], "or")) if enter else "",
                 ("use " + _few(tools, "or")) if tools else "",
                 (f"{count(forbidden, 'use')} "
                  + ("your plan forbids" if len(self.plans) == 1 else "your plans forbid"))
                 if forbidden else ""]
        said = "; ".join(p for p in parts if p)
        return sentence(capitalised(said) if said else "Nothing listed yet: ask before you try")

    def help_line(self) -> str:
        f, base = self.f, self.hb.baseline
        owners = [p.get("support", "owner") for p in self.plans]
        who = [f.person(ref) for ref in dict.fromkeys(o for o in owners if o)]
        who += [f.person(c) for c in base.ask_contacts if c not in owners]
        watched = {c.name for c, _ in self.help.channels()}
        # a channel watched at set hours is named once, with its hours, below
        who += [inline(plain_end(c)) for c in base.ask_channels if c not in watched]
        # One person to ask, then the champions, where to ask now and the next office hours;
        # everyone else to ask, and where to report, are in #help (one line stays one line).
        who = list(dict.fromkeys(who))
        said = ("ask " + who[0] + (f" or {here(f'{len(who) - 1} more', 'help')}"
                                   if len(who) > 1 else "")) if who else ""
        if not said:
            lead = self.hb.teams[self.team].lead
            said = f"ask {f.person(lead)}, your team's lead" if lead else "ask your team's lead"
        return sentence(capitalised("; ".join(
            [said] + [p for p in self.help.line_parts() if p])))

    def next_line(self) -> str:
        if not self.plans:
            return "No rollout plan includes your team yet."
        phrases = [self.next_phrase(p) for p in self.plans]
        shown = phrases[:SHOWN]
        more = len(phrases) - len(shown)
        return " ".join(sentence(capitalised(p)) for p in shown) + (
            f" And {count(more, 'more plan')} below." if more else "")

    # --- what comes next, per plan ---------------------------------------------------------

    def next_phrase(self, plan: Plan, named: bool = True) -> str:
        """Next stage and its date, or the gate that decides it; for a team not in yet, the
        stage it joins. Read from stages, gates and dates only. `named`: led by the plan's
        name, linked to its part of `#next`."""
        what = self._next(plan)
        return f"{here(plan.title, f'{plan.id}-next')}: {what}" if named else what

    def _next(self, plan: Plan) -> str:
        if self._ended(plan) and plan.position.state not in ("stopped", "complete") \
                and not plan.paused:
            return "your team's access under this plan has ended"
        return next_step(self.f, plan, self.team)

    # --- the blocks --------------------------------------------------------------------------

    def blocks(self) -> list[str]:
        parts = {"may": self.may_parts(), "never": self.never_parts(),
                 "training": self.training_parts(), "review": self.review_parts(),
                 "help": self.help_parts(), "next": self.next_parts()}
        lead = {"may": self._may_lead(), "never": self._everyone("everyone-never", "never"),
                "training": "", "review": self._everyone("everyone-review", "review"),
                "help": "\n\n".join(x for x in (
                    self.help.block(),
                    # a baseline that says where to report but not where to ask has no
                    # #everyone-ask: link the part it has
                    self._everyone("everyone-ask" if self.hb.baseline.asks
                                   else "everyone-report", "help")) if x),
                "next": "\n\n".join(x for x in (
                    "" if self.plans else self._nothing("next"),
                    told_from_other_plans(self.f, self.hb, self.team, self.plans)) if x)}
        out = []
        for anchor_id, heading in BLOCKS:
            body = [lead[anchor_id] if any(parts[anchor_id]) or not self.plans else
                    lead[anchor_id].replace("; each plan below adds its own.", ".")]
            body += parts[anchor_id]
            if not any(body):
                body = [self._nothing(anchor_id)]
            out.append(f"## {heading} {{#{anchor_id}}}\n\n" + "\n\n".join(b for b in body if b))
        faq = team_faq(self.f, self.team)  # `#faq`, when a question names the team
        return out + ([faq] if faq else [])

    def _part(self, plan: Plan, suffix: str, *body: str) -> str:
        ident = plan.id + (f"-{suffix}" if suffix else "")
        text = "\n\n".join(b for b in body if b)
        if not text:
            return ""
        # The ids MkDocs gave the headings of the plan's old section ('training-before-access',
        # 'never_2'), kept on the part that holds what they marked.
        number = self.plans.index(plan) if suffix != "review" else [
            p for p in self.plans if self._reviews(p)].index(plan)
        kept = "".join(f'<div id="{attr(slug)}{f"_{number}" if number else ""}"></div>'
                       for slug in LEGACY[suffix] if number or slug not in BLOCK_IDS)
        return (kept + "\n\n" if kept else "") + f"### {inline(plan.title)} {{#{ident}}}\n\n{text}"

    def _reviews(self, plan: Plan) -> list[dict]:
        return [r for r in plan.get("review", default=[]) if r.get("reviewer") == self.team]

    def _may_lead(self) -> str:
        if self.plans:
            return ""
        if not any(t.for_everyone for t in self.hb.tools.values()):
            return ("_No rollout plan gives your team any AI use yet: only the rules for "
                    "everyone apply._")
        return ("_No rollout plan gives your team more yet: you may use the "
                + here("tools approved for everyone", "everyone-approved")
                + " under the rules for everyone._")

    def _everyone(self, anchor_id: str, what: str) -> str:
        base = self.hb.baseline
        has = {"never": base.never_enter, "review": base.review_before_sending,
               "help": base.asks or base.reports}[what]
        if not has:
            return ""
        words = {"never": "what nobody may enter into any AI tool",
                 "review": "what everyone reviews before sending",
                 "help": "where everyone asks and reports"}[what]
        return sentence(f"The rules for everyone say {here(words, anchor_id)}"
                        + ("; each plan below adds its own" if self.plans else ""))

    def _nothing(self, anchor_id: str) -> str:
        return {"may": "_Nothing beyond the rules for everyone._",
                "never": "_Nothing listed yet._",
                "training": "_None required._",
                "review": "_Nothing to review for a rollout plan._",
                "help": "_Ask your team's lead._",
                "next": "_No rollout plan includes your team yet._"}[anchor_id]

    def may_parts(self) -> list[str]:
        return [self._part(p, "", self.f.allowed_now(p, self.team)) for p in self.plans]

    def never_parts(self) -> list[str]:
        out = []
        for plan in self.plans:
            enter = plan.get("data_rules", "never_enter", default=[])
            out.append(self._part(
                plan, "never", "\n".join(f"- {inline(u.text)}" for u in plan.prohibited),
                sentence("**Never enter:** " + "; ".join(inline(plain_end(x)) for x in enter))
                if enter else ""))
        return out

    def training_parts(self) -> list[str]:
        out = []
        for plan in self.plans:
            grants = plan.access.grants_for(self.team)
            entry = grants[0].stage if grants else plan.joins_at(self.team)
            if entry is None:
                entry = next((s for s in plan.stages if self.team in s.teams), None)
            modules = ([m for s in plan.stages[: entry.index + 1] for m in s.training]
                       if entry else [])
            if self._ended(plan):
                text = "_No longer needed: your team's access under this plan has ended._"
            else:
                text = "\n".join(f"- {self.f.module_link(m)}" for m in dict.fromkeys(modules)) \
                    or "_None required._"
            out.append(self._part(plan, "training", text))
        return out

    def review_parts(self) -> list[str]:
        """The outputs this team reviews under each plan: a duty staff must see on their own
        page, not only on the contacts page."""
        f, out = self.f, []
        for plan in self.plans:
            rules = self._reviews(plan)
            rows = [[f.link(r["output"], Paths.plan(plan.id), r["id"]),
                     cell(MODES.get(r["mode"], r["mode"])), cell(r.get("before")),
                     cell("; ".join(r.get("checks", [])))] for r in rules]
            if rows:
                out.append(self._part(plan, "review",
                                      table(["Output", "How", "Before", "Checks"], rows)))
        return out

    def help_parts(self) -> list[str]:
        f, out = self.f, []
        for plan in self.plans:
            contacts = []
            for path in plan.get("escalation", default=[]):
                first = path["steps"][0]["contact"] if path.get("steps") else None
                contacts.append(f"- {inline(path['when'])}: {f.person_with_contact(first)} "
                                f"([full path]({f.href(Paths.plan(plan.id), path['id'])}))")
            out.append(self._part(plan, "help", f.support(plan),
                                  "**If something goes wrong:**\n\n" + (
                                      "\n".join(contacts) or "_No escalation path._")))
        return out

    def next_parts(self) -> list[str]:
        f, out = self.f, []
        for plan in self.plans:
            access = plan.access
            ended = self._ended(plan)
            grants = access.grants_for(self.team)
            where = sentences(
                f"Your team got access at {f.stage_link(plan, grants[0].stage)}" if grants else "",
                (f"The rollout is at {f.stage_link(plan, plan.position.stage)} — "
                 f"{f.position_phrase(plan)}") if plan.position.stage else "",
                f.end_state(plan) if not ended else "")
            out.append(self._part(plan, "next", f.banners(plan, pause=False), where,
                                  sentence("**Next:** "
                                           + self.next_phrase(plan, named=False)),
                                  told_next(f, plan, self.team)))
        return out

    def _ended(self, plan: Plan) -> bool:
        left = plan.left_at(self.team)
        return left is not None and not plan.returns_later(self.team, left)

