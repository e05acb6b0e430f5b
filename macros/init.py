"""`handbook init`: start the handbook of a new organisation in this repository.

It removes the example plans this tool shipped (only files whose bytes are exactly a shipped
example: an edited file is kept and named), writes a commented `plans/_org.yaml` skeleton whose
`TODO(...)` values the check explains one by one, optionally scaffolds a first plan, and starts
the organisation's policy history at the commit it starts from. It asks nothing and says what
it touched.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .shipped import SHIPPED_EXAMPLES
from .templates import write_template
from .validate import ORG_FILE


@dataclass
class Outcome:
    """What init did, file by file, for the editor to read."""

    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited examples and the organisation's own
    written: list[Path] = field(default_factory=list)
    refused: str = ""  # why nothing was done


# A repository of the organisation's own: the tool comes from the pinned package (README "A
# repository of your own"); `docs_dir: plans` because MkDocs needs a folder and the organisation
# has no pages yet (the plugin publishes none of the plan files themselves).
MINIMAL_MKDOCS = """\
site_name: AI handbook       # replaced by "<organisation> AI handbook" from plans/_org.yaml
docs_dir: plans              # MkDocs needs a folder; no plan file is published as a file
strict: true
theme:
  name: material             # the plugin adds the overrides and turns off Google Fonts
plugins:
  - search
  - handbook
  - macros:
      modules: ["rollout-handbook:macros.main"]
      render_by_default: false   # only pages that say render_macros: true are templates
      on_undefined: strict
      on_error_fail: true
"""


def is_shipped_example(path: Path) -> bool:
    return hashlib.sha256(path.read_bytes()).hexdigest() in SHIPPED_EXAMPLES


def org_skeleton(name: str, since: str | None) -> str:
    # JSON-style quoting keeps any organisation name valid YAML.
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"""# yaml-language-server: $schema=../schema/org.schema.json
# plans/_org.yaml: the people, teams and AI tools that {name}'s rollout plans name.
# Written by `handbook init`. Replace every value that starts with TODO( — `handbook check`
# lists each one that remains, with its line. People, teams and tools share one id namespace:
# ids are lowercase words joined by hyphens (maria-lopez, customer-support).
schema_version: 1
organisation:
  name: {quoted}
  headcount: "TODO(number): how many staff work here, e.g. 250"

{_history(since)}
people:
  # Everyone a plan names: business owners, sponsors, gate deciders, contacts, champions.
  - id: "TODO(id): firstname-lastname of the executive sponsor"
    name: "TODO(text): full name"
    role: "TODO(text): job title"
    contact: "TODO(text): e-mail address"
  - id: "TODO(id): firstname-lastname of the business owner"
    name: "TODO(text): full name"
    role: "TODO(text): job title"
    contact: "TODO(text): e-mail address"

teams:
  # Teams that use AI or review its output; headcount checks stage sizes against access.
  - id: "TODO(id): team id, e.g. customer-support"
    name: "TODO(text): team name as staff know it"
    headcount: "TODO(number): people in the team"
    lead: "TODO(person): the team lead's id from people above"

tools:
  # The AI tool inventory. Plans may only use tools with status: approved.
  - id: "TODO(id): tool id, e.g. chat-assistant"
    name: "TODO(text): product name as staff see it"
    vendor: "TODO(text): who supplies it"
    status: approved          # approved | restricted | prohibited
    account: enterprise       # enterprise | consumer
    trains_on_inputs: false   # may the vendor train on what staff enter?
    instructions: "TODO(text): link or text on how to get and use it"
"""


def _history(since: str | None) -> str:
    if since is None:  # a repository of its own: every commit is the organisation's
        return ""
    return ('# "Recent policy changes" and "last changed" count only commits after this one, the\n'
            f'# commit the handbook was started from: nothing before it is this organisation\'s.\n'
            f'history_since: "{since}"\n')


def starting_commit(folder: Path) -> str | None:
    """The commit the repository holding `folder` is at, when it has history; else None."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def init(plans_dir: Path, name: str, plan_id: str | None = None, template: str = "minimum",
         since: str | None = None, config: Path | None = None) -> Outcome:
    """Start an organisation's handbook in `plans_dir`. Refuses (and changes nothing) when the
    organisation file exists and is not a shipped example: its people would be lost. With
    `config` (a repository of its own, with no mkdocs.yml yet), also writes the minimal
    mkdocs.yml there."""
    outcome = Outcome()
    org = plans_dir / ORG_FILE
    if org.exists() and not is_shipped_example(org):
        outcome.refused = (f"{org} is not the example this tool shipped: it is kept. Move it "
                           "away first if you want to start again.")
        return outcome
    plans_dir.mkdir(parents=True, exist_ok=True)
    since = since or starting_commit(plans_dir)
    for path in sorted(plans_dir.iterdir()):
        if not path.is_file():
            continue
        if is_shipped_example(path):
            path.unlink()
            outcome.removed.append(path)
        else:
            outcome.kept.append(path)
    org.write_text(org_skeleton(name, since), encoding="utf-8")
    outcome.written.append(org)
    if config is not None and not config.exists():
        config.write_text(MINIMAL_MKDOCS, encoding="utf-8")
        outcome.written.append(config)
    if plan_id:
        outcome.written.append(write_template(template, plan_id, plans_dir))
    return outcome
