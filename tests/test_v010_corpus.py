"""Every plan valid before stays valid: plans that an earlier release's checker accepted (the
fixtures and a few hundred mutations of them, judged by 0.1.0 and by the last commit before
0.2.0; tests/make_v010_corpus.py made them) get no error from today's check. Warnings that name
the field to add are allowed."""
from __future__ import annotations


from macros.core.validate import check

from .conftest import FIXTURES, TODAY

CORPUS = FIXTURES / "v010-accepted"
SAMPLES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_holds_a_few_hundred_plans_and_the_shape_that_broke():
    manifest = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(SAMPLES) == len(manifest) >= 200
    catch_alls = [row for row in manifest if "output: All our drafts" in row
                  or "output: Everything the assistant writes" in row]
    assert len(catch_alls) >= 10


def test_no_plan_an_earlier_release_accepted_has_an_error_today():
    rejected = {}
    for sample in SAMPLES:
        errors = [f"{d.file}:{d.line}:{d.column}: {d.message} [{d.rule}]"
                  for d in check([sample], today=TODAY).diagnostics if d.is_error]
        if errors:
            rejected[sample.name] = errors
    assert rejected == {}


def test_the_generator_still_reads_every_fixture_set():
    """tests/make_v010_corpus.py regenerates the corpus; it must keep finding its sources."""
    from .make_v010_corpus import bases, candidates

    names = {name for name, _ in bases()}
    assert {"examples", "legacy-catch-all-review"} <= names
    assert {f"corpus-{p.name}" for p in (FIXTURES / "corpus").iterdir() if p.is_dir()} <= names
    samples = candidates(per_plan=2, seed=19)
    assert len({name for name, *_ in samples}) == len(samples)
