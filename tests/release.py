"""`make release` and `make release-check`: the tag the README tells people to pin exists.

The README pins `@v<version>`, `rev: v<version>` and `git merge v<version>`; pre-commit and pip
fail on a tag that was never pushed (`pathspec 'v0.2.0' did not match`). So a release is one
step that checks the README, CHANGELOG and pyproject agree and creates the tag, and a check that
fails while the tag is missing. The check runs by hand before pushing and in CI only on a pushed
`v*` tag (.github/workflows/release.yml): an ordinary commit, between releases, never fails on
a tag that does not exist yet.

    python -m tests.release tag     # agree, clean tree, then `git tag -a v<version>` at HEAD
    python -m tests.release check   # agree, and v<version> exists with this version in it
    python -m tests.release check v0.3.0   # ... and is the tag just pushed (CI)
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VERSION = re.compile(r'^version\s*=\s*"([^"]+)"', re.MULTILINE)
# The places the README names a release: a pip pin, pre-commit's rev, the merge of a copy, the
# tag push of the release step, and the `handbook --version` line it shows.
_NAMED = re.compile(r"@v(\d+\.\d+\.\d+)|rev: v(\d+\.\d+\.\d+)"
                    r"|git (?:merge|push origin) v(\d+\.\d+\.\d+)"
                    r"|# handbook (\d+\.\d+\.\d+) \(plan format")
# The upgrade example replaces an older pin on purpose: `sed -i 's/@v0.1.0/@v0.2.0/'`.
_SED_OLD = re.compile(r"sed -i 's/@v\d+\.\d+\.\d+/")


def version(pyproject: str) -> str:
    found = _VERSION.search(pyproject)
    return found.group(1) if found else ""


def readme_problems(readme: str, current: str) -> list[str]:
    """Each place the README names another version than `current`, with its line."""
    problems = []
    for number, line in enumerate(readme.splitlines(), 1):
        for match in _NAMED.finditer(_SED_OLD.sub("sed -i 's/", line)):
            named = next(group for group in match.groups() if group)
            if named != current:
                problems.append(f"README.md:{number}: names {named}, pyproject.toml says "
                                f"{current}: {line.strip()}")
    return problems


def agreement_problems(root: Path) -> list[str]:
    """What keeps the files of `root` from naming one release."""
    current = version((root / "pyproject.toml").read_text(encoding="utf-8"))
    if not current:
        return ["pyproject.toml: no version = \"...\""]
    problems = readme_problems((root / "README.md").read_text(encoding="utf-8"), current)
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## {re.escape(current)}\s*$", changelog, re.MULTILINE):
        problems.append(f"CHANGELOG.md: no `## {current}` section for this release")
    return problems


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def tag_problems(root: Path) -> list[str]:
    """Whether the tag of this version exists and holds this version."""
    current = version((root / "pyproject.toml").read_text(encoding="utf-8"))
    tag = f"v{current}"
    if _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode != 0:
        return [f"tag {tag} does not exist: the README pins it, so pip and pre-commit fail "
                f"until it does. Create it with `make release`, then `git push origin {tag}`."]
    tagged = _git(root, "show", f"{tag}:pyproject.toml")
    if tagged.returncode != 0 or version(tagged.stdout) != current:
        return [f"tag {tag} points at a commit whose pyproject.toml says "
                f"{version(tagged.stdout) or 'nothing'}, not {current}."]
    return []


def create_tag(root: Path) -> list[str]:
    """Tag HEAD `v<version>` when the files agree and are committed; the problems otherwise."""
    problems = agreement_problems(root)
    if _git(root, "status", "--porcelain").stdout.strip():
        problems.append("the work tree has uncommitted changes: commit the release first")
    if problems:
        return problems
    current = version((root / "pyproject.toml").read_text(encoding="utf-8"))
    tag = f"v{current}"
    if not tag_problems(root):
        head = _git(root, "rev-parse", "HEAD").stdout.strip()
        at = _git(root, "rev-parse", f"refs/tags/{tag}^{{commit}}").stdout.strip()
        return [] if at == head else [f"tag {tag} already exists on another commit ({at[:12]})"]
    done = _git(root, "tag", "-a", tag, "-m", f"rollout-handbook {current}")
    return [] if done.returncode == 0 else [f"git tag {tag}: {done.stderr.strip()}"]


def main(argv: list[str], root: Path = ROOT) -> int:
    if argv not in (["tag"], ["check"]) and (len(argv) != 2 or argv[0] != "check"):
        print(__doc__, file=sys.stderr)
        return 2
    problems = (create_tag(root) if argv == ["tag"]
                else agreement_problems(root) + tag_problems(root))
    current = version((root / "pyproject.toml").read_text(encoding="utf-8"))
    if argv[1:] and argv[1] != f"v{current}":
        problems.append(f"the pushed tag {argv[1]} is not v{current}, the version in "
                        "pyproject.toml and the README")
    for problem in problems:
        print(f"release: {problem}", file=sys.stderr)
    if not problems:
        print(f"release: v{current} is tagged"
              + (f"; publish it: git push origin v{current}" if argv == ["tag"] else ""),
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
