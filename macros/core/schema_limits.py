"""What the editor's JSON Schema cannot say: the check's findings an editor sees only from
`handbook check`, listed on the format reference ("What the editor schema cannot check").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .schema_export import STAGE_POSITIONS


@dataclass(frozen=True)
class Limit:
    """Rules (by id) the editor schema cannot check, and why. With `only`, just the
    diagnostics of those rules whose message matches it: the rest of the rule is in the
    schema."""

    rules: tuple[str, ...]
    reason: str
    only: str = ""

    def covers(self, rule: str, message: str) -> bool:
        return rule in self.rules and (not self.only or re.search(self.only, message) is not None)


_BEYOND = "|".join(map(str, range(STAGE_POSITIONS)))

LIMITS: tuple[Limit, ...] = (
    Limit(("yaml-syntax", "yaml-alias", "yaml-duplicate-key", "yaml-11-boolean", "yaml-tag",
           "yaml-key", "yaml-comment", "yaml-question", "yaml-depth", "file-encoding",
           "file-size", "file-read", "file-link"),
          "How the file is written and read: a schema sees only the values once YAML has been "
          "read, and a file with a YAML syntax error cannot be read at all."),
    Limit(("text-hazard",), "An invisible line or paragraph separator typed into the file "
                            "itself: YAML readers take it for a line break, so no value holds "
                            "it.", only="^the file contains"),
    Limit(("file-name",), "The file name is not part of the values in the file."),
    Limit(("plans-file",), "A file in plans/ that is not a plan, _org.yaml or measurements (a "
                           "page, a script): a schema reads the values of one YAML file."),
    Limit(("ref",), "A reference names an entry elsewhere in the plan or in plans/_org.yaml; "
                    "a schema cannot compare one value with another."),
    Limit(("unique-id", "former-id"), "Ids must differ from each other across entries and "
                                      "files; a schema can only refuse entries that are wholly "
                                      "equal."),
    Limit(("tool-status",), "The status of a tool is in plans/_org.yaml, another file."),
    Limit(("review-output", "review-covers"), "A review rule's covers (or output) must name "
                                              "entries of scope.outputs: a comparison between "
                                              "two parts of the plan."),
    Limit(("tier-review",), "One review rule per output compares review[].covers (or "
                            "output) with scope.outputs.", only="has no review rule"),
    Limit(("tier-training",), "Trained reviewers: the reviewer must be in the audience of a "
                              "module a stage requires, which follows ids between parts.",
          only="is not in the audience"),
    Limit(("training-topics",), "The topics covered before access follow stage training ids "
                                "to the modules, here and in plans/_org.yaml."),
    Limit(("tier-escalation",), "At high tier a path ends at someone listed in "
                                "pause.authority: a comparison between two parts.",
          only="who has no pause authority"),
    Limit(("tier-communications",), "A message before the first stage: its before must name "
                                    "the first stage, or its date fall before that stage's "
                                    "start; the schema asks only for at least one message."),
    Limit(("tier-pause",), "The schema counts the entries of pause.authority, not different "
                           "people: the same person twice passes it.",
          only="people must be able to pause"),
    Limit(("tier-stages", "stage-access"),
          f"A gate on every stage but the last, and 100 % at the last stage, are checked for "
          f"plans of up to {STAGE_POSITIONS} stages (a schema has no word for 'the last').",
          only=rf"^stages\[(?!(?:{_BEYOND})\])\d+\]"),
    Limit(("stage-access",), "Access rising from stage to stage compares one stage with the "
                             "one before.", only="does not rise above"),
    Limit(("stage-dates",), "Dates in order, and a decision after its stage's start, compare "
                            "dates with each other."),
    Limit(("decision-log",), "A decision must be one its gate offers and follow the one "
                             "before: comparisons between parts and between entries."),
    Limit(("headcount-split",), "A split names the stage's own teams and adds up to its "
                                "headcount: comparisons between fields."),
    Limit(("use-audience",), "Whether a team gets access compares a use's audience with the "
                             "plan's scope and stages."),
    Limit(("pause-entry",), "Who paused and which fallbacks hold compare a pause entry with "
                            "pause.authority and pause.fallbacks, and its dates with today."),
    Limit(("criterion-value",), "A criterion's value is judged in the direction of its metric's "
                                "`better`: the metric is another entry of the plan."),
    Limit(("champion-ratio",), "People per champion adds up stage headcounts (or teams' "
                               "headcounts in plans/_org.yaml) and counts the champions in "
                               "force: sums across entries and files."),
    Limit(("champion-team",), "Whether a champion group's team gets access compares it with "
                              "the plan's scope and stages."),
    Limit(("support-hours",), "A channel closing after it opens, and a session ending by "
                              "midnight, compare two fields of one entry."),
    Limit(("budget-total",), "A stated total equals the sum of the items: a schema cannot add "
                             "up."),
    Limit(("codeowners-handle",), "Whether CODEOWNERS uses a person's contact or GitHub name "
                                  "depends on the plans that name the person as an owner: "
                                  "other files."),
    Limit(("content-limit",), "Brackets left open are counted paragraph by paragraph in the "
                              "Markdown of training content, which a schema sees as one string; "
                              "its length is checked by the same rule."),
    Limit(("faq-link",), "An FAQ entry links uses, stages and escalation paths of plans, and "
                         "tools, modules, teams and people of plans/_org.yaml: other entries "
                         "and other files."),
    Limit(("faq-review",), "Whether an entry is due for review compares its added date with "
                           "today and with the dates of the plan it links."),
    Limit(("definition-ref",), "A record of a changed definition names a metric, gate criterion "
                               "or review rule elsewhere in the plan, and exactly one of them."),
    Limit(("definition-approver",), "The approver must be the plan's definition owner (or its "
                                    "owner): another field of the plan."),
    Limit(("baseline-period",), "A baseline period's last day comes after its first: a "
                                "comparison between two dates."),
    Limit(("measurement-header", "measurement-date", "measurement-value", "measurement-metric",
           "measurement-duplicate", "measurement-plan"),
          "Measurements are CSV files beside the plan, not YAML."),
)


def beyond_schema(rule: str, message: str) -> bool:
    """Whether a diagnostic of the check is one the editor schema cannot give."""
    return any(limit.covers(rule, message) for limit in LIMITS)
