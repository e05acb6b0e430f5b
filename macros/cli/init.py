"""`handbook init`: start the handbook of a new organisation in this repository.

It removes the example plans this tool shipped (only files whose bytes are exactly a shipped
example: an edited file is kept and named), writes a commented `plans/_org.yaml` skeleton whose
`TODO(...)` values the check explains one by one, optionally scaffolds a first plan, and starts
the organisation's policy history at the commit it starts from. Beside plans/ it writes what
the repository's layout (macros/cli/layout.py) lacks: the minimal mkdocs.yml where there is none,
the editor schemas its `$schema=../schema/...` modelines name in a repository of the
organisation's own, and the `.gitignore` lines for the build output. It looks at everything
before it changes anything, never writes through a link, asks nothing and says what it touched.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..core.editor_schema import FILES
from .layout import missing_ignores
from ..core.yaml_strict import HAZARDS
from ..core.schema_export import write_schemas
from .shipped import SHIPPED_EXAMPLES
from .templates import write_template
from ..core.plans_folder import ORG_FILE

# Characters a name written into one YAML line may not hold: the check's hazards, plus the line
# break and tab it allows in longer text.
NAME_HAZARDS = HAZARDS | {0x09, 0x0A, 0x0D, 0x85, 0xFFFE, 0xFFFF}


@dataclass
class Outcome:
    """What init did, file by file, for the editor to read."""

    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited examples and the organisation's own
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # left alone, and why
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # schema files already the tool's
    ignored: list[str] = field(default_factory=list)  # lines appended to .gitignore
    refused: str = ""  # why nothing was done


# A repository of the organisation's own: the tool comes from the pinned package (README "A
# repository of your own"). docs/ (init creates it) rather than plans/ as docs_dir: an engine
# without the plugin (Zensical) would publish every file of its docs_dir, plan files included.
MINIMAL_MKDOCS = """\
site_name: AI handbook       # replaced by "<organisation> AI handbook" from plans/_org.yaml
docs_dir: docs               # your own pages, if any; plans/ beside it is data, never published
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


def name_problem(name: str) -> str:
    """Why `name` cannot be an organisation's name in _org.yaml ("" when it can): a line break
    would end the YAML comment and value it is written into; other control or direction
    characters would hide in every page (the check refuses them in any text)."""
    if not name.strip():
        return "--name needs the organisation's name"
    bad = sorted({ch for ch in name if ord(ch) in NAME_HAZARDS})
    if bad:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in bad)
        return (f"--name holds a line break, tab or invisible control character ({shown}): "
                "give the name on one line, as staff should read it")
    return ""


# One YAML template, as `handbook init` writes it: its length is the file's, not logic.
def org_skeleton(name: str, since: str | None) -> str:
    if name_problem(name):
        raise ValueError(name_problem(name))
    # A JSON string is a YAML double-quoted scalar: quotes, backslashes, `#`, `: `, `&`, `*`
    # and any other YAML special stay text.
    quoted = json.dumps(name, ensure_ascii=False)
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
    available_to: everyone    # everyone | plan-users (only those a plan gives access to)
    instructions: "TODO(text): link or text on how to get and use it"

baseline:
  # Rules for everyone, whatever their team or plan (optional: remove what you do not need).
  never_enter:
    - Passwords
    - Card numbers
    - Health information
    - "TODO(text): other data never to enter into any AI tool"
  review_before_sending: "TODO(text): what must be reviewed before anything is sent or published"
  report:
    channel: "TODO(text): where to report a problem, e.g. #ai-incidents"
    contact: "TODO(person): who takes reports, a person id from people above"
  ask:
    channels: ["TODO(text): where to ask whether a task is allowed, e.g. #ai-questions"]
    contacts: ["TODO(person): who answers, a person id from people above"]
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
         since: str | None = None, config: Path | None = None, schema_dir: Path | None = None,
         gitignore: Path | None = None) -> Outcome:
    """Start an organisation's handbook in `plans_dir`. Everything is looked at before anything
    is touched: it refuses, changing nothing, when the organisation file exists and is not a
    shipped example (its people would be lost), when a file it would write is a link, or when
    the first plan exists. With `config`, also writes the minimal mkdocs.yml there (no
    mkdocs.yml yet); with `schema_dir`, the editor schemas its modelines name (a repository of
    the organisation's own); with `gitignore`, appends the build output lines it lacks."""
    outcome = Outcome()
    outcome.refused = name_problem(name) or _refusal(plans_dir, plan_id, config, schema_dir)
    if outcome.refused:
        return outcome
    org = plans_dir / ORG_FILE
    plans_dir.mkdir(parents=True, exist_ok=True)
    since = since or starting_commit(plans_dir)
    removals = []
    for path in sorted(plans_dir.iterdir()):
        if path.is_symlink():  # never followed, never removed: not a file init wrote
            outcome.skipped.append((path, _link_note(path)))
        elif path.is_file():
            try:
                (removals if is_shipped_example(path) else outcome.kept).append(path)
            except OSError as error:
                outcome.skipped.append((path, f"unreadable ({error.strerror}), kept"))
    for path in removals:
        path.unlink()
        outcome.removed.append(path)
    org.write_text(org_skeleton(name, since), encoding="utf-8")
    outcome.written.append(org)
    if config is not None and not _present(config):
        config.write_text(MINIMAL_MKDOCS, encoding="utf-8")
        outcome.written.append(config)
        _make_docs_folder(config.parent / "docs", outcome)
    if schema_dir is not None:
        for path, changed in write_schemas(schema_dir):
            (outcome.written if changed else outcome.unchanged).append(path)
    if gitignore is not None:
        _ignore_build_output(gitignore, outcome)
    if plan_id:
        outcome.written.append(write_template(template, plan_id, plans_dir))
    return outcome


def _make_docs_folder(docs: Path, outcome: Outcome) -> None:
    """The docs_dir MkDocs needs, kept in git by an empty `.gitkeep` (MkDocs skips dot files)."""
    if docs.exists() or docs.is_symlink():
        return
    docs.mkdir()
    (docs / ".gitkeep").write_bytes(b"")
    outcome.written.append(docs / ".gitkeep")


def _present(path: Path) -> bool:
    """There, as a file or as a link (a dangling link too: writing would follow it)."""
    return path.is_symlink() or path.exists()


def _refusal(plans_dir: Path, plan_id: str | None, config: Path | None,
             schema_dir: Path | None) -> str:
    """Why init must not start here; "" when it may. Checked before anything is touched."""
    org = plans_dir / ORG_FILE
    for folder in [plans_dir] + ([schema_dir] if schema_dir is not None else []):
        if _present(folder) and not folder.is_dir():
            return f"{folder} is not a folder. Nothing was changed."
    if org.is_symlink():
        return (f"{org} is a link ({_link_note(org)}): init writes only a file of its own "
                "there, never through a link. Nothing was changed; remove the link first.")
    if org.exists() and not _is_example_file(org):
        return (f"{org} is not the example this tool shipped: it is kept. Move it "
                "away first if you want to start again.")
    plan = plans_dir / f"{plan_id}.yaml" if plan_id else None
    targets = [plan] if plan else []
    targets += [config] if config is not None else []
    targets += [schema_dir / name for name in FILES.values()] if schema_dir is not None else []
    for target in targets:
        if target.is_symlink():
            return (f"{target} is a link ({_link_note(target)}): init never writes through a "
                    "link. Nothing was changed; remove the link first.")
    if plan and plan.exists() and not _is_example_file(plan):
        return f"{plan} exists; it was not overwritten. Nothing was changed."
    return ""


def _is_example_file(path: Path) -> bool:
    try:
        return path.is_file() and is_shipped_example(path)
    except OSError:
        return False


def _link_note(path: Path) -> str:
    try:
        target = path.readlink()
    except OSError:
        return "a link"
    where = "which points nowhere" if not path.exists() else "not followed"
    return f"a link to {target}, {where}"


def _ignore_build_output(gitignore: Path, outcome: Outcome) -> None:
    """Append the build output lines `.gitignore` lacks; a user's lines are never changed."""
    if gitignore.is_symlink() or (gitignore.exists() and not gitignore.is_file()):
        outcome.skipped.append((gitignore, "not a plain file: add "
                                + ", ".join(missing_ignores("")) + " yourself"))
        return
    try:
        text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    except (OSError, UnicodeDecodeError):
        outcome.skipped.append((gitignore, "unreadable: add "
                                + ", ".join(missing_ignores("")) + " yourself"))
        return
    missing = missing_ignores(text)
    if not missing:
        return
    lines = "".join(f"{line}\n" for line in missing)
    head = "" if not text or text.endswith("\n") else "\n"
    with open(gitignore, "a", encoding="utf-8") as handle:
        handle.write(f"{head}# What `handbook build` writes (added by `handbook init`)\n{lines}")
    outcome.ignored = missing
    outcome.written.append(gitignore)
