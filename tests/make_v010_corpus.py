"""Regenerate tests/fixtures/v010-accepted/: plans an earlier checker accepted.

Every plan of the fixtures (valid/, legacy/, corpus/) and of plans/, as it is and mutated the
way editors and time change plans (optional keys dropped, list items dropped, review outputs
rewritten as catch-alls or abbreviations, ids renamed with or without their references, tiers
changed), is checked by the checker of each earlier release, exported from git into a temporary
folder and run with this environment's libraries. Those it accepted (no error) are kept, each in
a folder with its _org.yaml; tests/test_v010_corpus.py asserts that today's check gives none of
them an error ("every plan valid before stays valid").

Run from the repository root: `.venv/bin/python -m tests.make_v010_corpus` (deterministic: the
same seed and sources give the same corpus).
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
OUT = FIXTURES / "v010-accepted"
TODAY = "2026-11-24"  # tests/conftest.py's TODAY: the corpus is judged on the tests' day
# Earlier checkers. 0.1.0 as released is the last commit before the 0.2.0 format round
# (pyproject 0.1.0, CHANGELOG "First release"); db46892^ is the commit before the version
# became 0.2.0, which already holds that round's "review output must match" error.
RELEASES = {"v0.1.0": "a065447", "pre-0.2.0": "db46892^"}
CATCH_ALLS = ["All our drafts", "Everything the assistant writes", "All outputs", "Drafts"]

# Run inside an exported tree: which sample folders that checker accepts.
JUDGE = """
import datetime as dt, json, sys
from pathlib import Path
from macros.core.validate import check
today = dt.date.fromisoformat(sys.argv[1])
verdicts = {}
for folder in sorted(Path(sys.argv[2]).iterdir()):
    result = check([folder], today=today)
    verdicts[folder.name] = [f"{d.file}:{d.line}: {d.message} [{d.rule}]"
                             for d in result.diagnostics if d.severity == "error"]
print(json.dumps(verdicts))
"""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # the plan loader refuses aliases
        return True


def bases() -> list[tuple[str, Path]]:
    """(name, folder) of every plan set with an _org.yaml."""
    folders = [("examples", ROOT / "plans")]
    for kind in ("valid", "legacy", "corpus"):
        folders += [(f"{kind}-{p.name}", p) for p in sorted((FIXTURES / kind).iterdir())
                    if (p / "_org.yaml").is_file()]
    return folders


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a mapping key or a list item in `data`."""
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append(prefix + (key,))
            out += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.append(prefix + (i,))
            out += _paths(value, prefix + (i,))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def _replace_everywhere(data: Any, old: str, new: str) -> Any:
    if isinstance(data, dict):
        return {k: _replace_everywhere(v, old, new) for k, v in data.items()}
    if isinstance(data, list):
        return [_replace_everywhere(v, old, new) for v in data]
    return new if data == old else data


def mutate(plan: dict, rng: random.Random) -> tuple[dict, str]:
    """One change to a copy of `plan`, and the words that say what it was."""
    plan = copy.deepcopy(plan)
    kind = rng.choice(["drop-key", "drop-key", "drop-item", "review-output", "review-output",
                       "rename-id", "rename-id-and-references", "tier"])
    if kind in ("drop-key", "drop-item"):
        want = str if kind == "drop-key" else int
        paths = [p for p in _paths(plan) if isinstance(p[-1], want)
                 and (want is str or len(_parent(plan, p)) > 1)]
        if paths:
            path = rng.choice(paths)
            del _parent(plan, path)[path[-1]]
            return plan, f"dropped {'.'.join(map(str, path))}"
    if kind == "review-output" and isinstance(plan.get("review"), list) and plan["review"]:
        i = rng.randrange(len(plan["review"]))
        outputs = [o for o in (plan.get("scope") or {}).get("outputs") or [] if isinstance(o, str)]
        choices = CATCH_ALLS + [o.split()[0] for o in outputs] + [o.upper() for o in outputs]
        if isinstance(plan["review"][i], dict):
            plan["review"][i]["output"] = text = rng.choice(choices)
            return plan, f"review[{i}].output: {text}"
    if kind.startswith("rename-id"):
        ids = [p for p in _paths(plan) if p[-1] == "id" and isinstance(_parent(plan, p)["id"], str)
               and len(p) > 1]
        if ids:
            path = rng.choice(ids)
            old = _parent(plan, path)["id"]
            new = f"{old}-renamed"
            if kind == "rename-id-and-references":
                plan = _replace_everywhere(plan, old, new)
            else:
                _parent(plan, path)["id"] = new
            return plan, f"{'.'.join(map(str, path))}: {old} -> {new}" + (
                " (and every reference)" if kind == "rename-id-and-references" else "")
    tier = rng.choice(["low", "medium", "high"])
    plan["risk_tier"] = tier
    return plan, f"risk_tier: {tier}"


def candidates(per_plan: int, seed: int) -> list[tuple[str, str, str, str, str]]:
    """(name, org text, plan file name, plan text, what changed) for every sample."""
    rng = random.Random(seed)
    out = []
    for base, folder in bases():
        org = (folder / "_org.yaml").read_text(encoding="utf-8")
        for plan_file in sorted(folder.glob("*.yaml")):
            if plan_file.name.startswith("_"):
                continue
            text = plan_file.read_text(encoding="utf-8")
            name = f"{base}-{plan_file.stem}"
            out.append((f"{name}-000", org, plan_file.name, text, "unchanged"))
            try:
                plan = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            if not isinstance(plan, dict):
                continue
            for n in range(1, per_plan + 1):
                mutated, changes = plan, []
                for _ in range(rng.choice([1, 1, 2, 3])):
                    mutated, change = mutate(mutated, rng)
                    changes.append(change)
                what = "; ".join(changes)
                body = yaml.dump(mutated, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                 width=100)
                out.append((f"{name}-{n:03d}", org, plan_file.name,
                            f"# Mutated from {folder.relative_to(ROOT)}/{plan_file.name}: "
                            f"{what}\n" + body, what))
    return out


def judge(tree: Path, samples: Path) -> dict[str, list[str]]:
    env = {"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HANDBOOK_CACHE": "off"}
    done = subprocess.run([sys.executable, "-c", JUDGE, TODAY, str(samples)], env=env,
                          capture_output=True, text=True, check=True, cwd=samples)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--per-plan", type=int, default=40, help="mutations of each plan")
    options.add_argument("--seed", type=int, default=19)
    options.add_argument("--keep", type=int, default=300, help="at most this many samples")
    args = options.parse_args(argv)
    samples = candidates(args.per_plan, args.seed)
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        folder = work_dir / "samples"
        for name, org, plan_name, text, _ in samples:
            (folder / name).mkdir(parents=True)
            (folder / name / "_org.yaml").write_text(org, encoding="utf-8")
            (folder / name / plan_name).write_text(text, encoding="utf-8")
        accepted: dict[str, list[str]] = {}
        for release, commit in RELEASES.items():
            tree = work_dir / release
            tree.mkdir()
            archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            for name, errors in judge(tree, folder).items():
                if not errors:
                    accepted.setdefault(name, []).append(release)
        unchanged = [s for s in samples if s[0] in accepted and s[4] == "unchanged"]
        mutated = [s for s in samples if s[0] in accepted and s[4] != "unchanged"]
        random.Random(args.seed).shuffle(mutated)
        # The shape that broke (issue 19): every accepted rewritten review output is kept.
        mutated.sort(key=lambda s: "review[" not in s[4])
        kept = sorted(unchanged + mutated[:max(0, args.keep - len(unchanged))])
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
        rows = ["sample\taccepted by\tchange"]
        for name, _, _, _, what in kept:
            shutil.copytree(folder / name, OUT / name)
            rows.append(f"{name}\t{', '.join(accepted[name])}\t{what}")
        (OUT / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(samples)} samples, {len(accepted)} accepted by an earlier checker, "
          f"{len(kept)} kept in {OUT.relative_to(ROOT)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
