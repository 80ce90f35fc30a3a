"""The eval sets: the dev set is well formed and its facts are really in the seed articles."""

from collections import Counter

import pytest

from evals.cases import load_dev, load_rgb, spread
from evals.scoring import normalise
from qa.articles.ingest import seeds_dir
from qa.articles.loaders import load_article


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    return {p.stem: normalise(load_article(p).text) for p in sorted(seeds_dir().glob("*.txt"))}


def test_dev_set_covers_what_the_suite_promises():
    cases = load_dev()
    kinds = Counter(c.kind for c in cases)
    assert len(cases) >= 40
    assert sum(not c.answerable for c in cases) >= 10
    assert kinds["near-miss"] >= 5 and kinds["spelling"] >= 5 and kinds["conflict"] >= 2
    assert all(c.history for c in cases if c.kind == "follow-up") and kinds["follow-up"] >= 5
    assert all(not c.history for c in cases if c.kind != "follow-up")


def test_every_reference_fact_is_stated_by_its_supporting_articles(seed_texts):
    for case in load_dev():
        assert set(case.docs) <= set(seed_texts), case.id
        for variants in case.facts:
            holders = [d for d in case.docs if any(normalise(v) in seed_texts[d] for v in variants)]
            if case.kind == "conflict":  # each side of a disagreement comes from some outlet
                assert holders, (case.id, variants)
            else:
                assert holders == list(case.docs), (case.id, variants, holders)


PLACE_SPELLINGS = [
    "dair alzour", "deir el-zour", "deir ezzor", "deir ez-zor", "dayr az-zawr", "deir al-zor", "deir al-zour",
    "bukamal", "boukamal", "albu kamal", "abu kamal", "raqqah", "raqqa", "raqa", "qaim", "al-qaim",
]


def test_spelling_cases_use_a_spelling_their_articles_do_not(seed_texts):
    for case in (c for c in load_dev() if c.kind == "spelling"):
        question = normalise(case.question)
        used = [p for p in PLACE_SPELLINGS if p in question]
        assert any(all(p not in seed_texts[d] for d in case.docs) for p in used), (case.id, used)


def test_rgb_tasks_build_isolated_corpora():
    noise = load_rgb("noise", limit=5)
    negative = load_rgb("negative", limit=5)
    assert [c.question for c in noise] == [c.question for c in negative] and len(noise) == 5
    for n, neg in zip(noise, negative):
        assert n.answerable and n.facts and n.docs and set(n.docs) <= {d for d, _ in n.corpus}
        assert not neg.answerable and not neg.docs and len(neg.corpus) < len(n.corpus)
    dated = next(c for c in load_rgb("noise") if c.id == "rgb-noise-15")
    assert len(dated.facts) == 1 and "July 21, 2017" in dated.facts[0]


def test_spread_samples_evenly():
    assert spread(list(range(100)), 4) == [0, 25, 50, 75]
    assert spread([1, 2], None) == [1, 2] and spread([1, 2], 5) == [1, 2]
