"""Staff questions (tests/fixtures/questions/*.yaml) asked of a built site's search, in a browser.

The ranking is the site's own script (docs/javascripts/search-worker.js), run as the worker it
is, in chromium, with the messages Material's search box sends it; so is Material's lunr worker
for comparison (`make bench`). tests/test_search.py asserts on the rate; tests/bench.py prints it.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

from .conftest import FIXTURES, ROOT, make_project, mkdocs_build

QUESTIONS = FIXTURES / "questions"
OURS = "javascripts/search-worker.js"


@dataclass
class QuestionSet:
    name: str
    plans: Path
    today: dt.date
    questions: list[dict]


def question_sets() -> list[QuestionSet]:
    sets = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets.append(QuestionSet(path.stem, ROOT / data["plans"], data["today"],
                                data["questions"]))
    return sets


def build(question_set: QuestionSet, where: Path) -> Path:
    """The site of a question set's plans, built by the real MkDocs build on its day."""
    project = make_project(question_set.plans, where)
    done = mkdocs_build(project, where / "site", question_set.today)
    assert done.returncode == 0, done.stderr
    return where / "site"


def lunr_worker(site: Path) -> str:
    """Material's own search worker in a built site (its name carries a hash)."""
    (worker,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    return worker.relative_to(site).as_posix()


# Runs a search worker as Material does: SETUP with Material's index, then one QUERY per
# question. Our worker answers with `ranked` (its entries, best first); lunr's answer is
# flattened into its documents by score.
_ASK = """async ({worker, questions}) => {
  const index = await (await fetch("search/search_index.json")).json();
  const w = new Worker(worker);
  const inbox = [], waiting = [];
  w.onmessage = e => waiting.length ? waiting.shift()(e.data) : inbox.push(e.data);
  const next = () => inbox.length ? Promise.resolve(inbox.shift())
                                  : new Promise(r => waiting.push(r));
  w.postMessage({type: 0, data: {config: index.config, docs: index.docs,
                                 options: {suggest: false}}});
  await next();
  const out = [];
  for (const q of questions) {
    w.postMessage({type: 2, data: q});
    const {data} = await next();
    out.push(data.ranked || data.items.flat().sort((a, b) => b.score - a.score)
                                 .map(item => item.location));
  }
  w.terminate();
  return out;
}"""


def rankings(page, origin: str, questions: list[str], worker: str = OURS) -> list[list[str]]:
    """The locations each question finds, best first (`page` is any page of the site)."""
    page.goto(origin + "/")
    return page.evaluate(_ASK, {"worker": worker, "questions": questions})


def answered(ranking: list[str], expect: list[str], top: int = 3, pages: bool = False
             ) -> bool:
    """Whether one of the first `top` results is where the answer is (patterns allowed); with
    `pages`, whether one is on the page the answer is on."""
    def place(location: str) -> str:
        return location.split("#")[0] if pages else location

    return any(fnmatch.fnmatchcase(place(found), place(pattern)) for found in ranking[:top]
               for pattern in expect)


def hit_rate(page, origin: str, question_set: QuestionSet, worker: str = OURS,
             pages: bool = False) -> tuple[float, list[str]]:
    """The share of questions answered on a top-3 result, and the questions that were not."""
    asked = [q["q"] for q in question_set.questions]
    found = rankings(page, origin, asked, worker)
    missed = [f"{q['q']} -> {r[:3]}" for q, r in zip(question_set.questions, found)
              if not answered(r, q["expect"], pages=pages)]
    return 1 - len(missed) / len(asked), missed
