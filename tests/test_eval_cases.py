"""The eval sets: the dev set is well formed and its facts are really in the seed articles."""

from collections import Counter

import pytest

from evals.cases import HELDOUT_SET, _folded, _rgb_facts, archive_cases, archive_dev_cases, load_archive, load_dev, load_rgb, spread
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


def test_the_held_out_set_asks_what_the_dev_set_does_not():
    dev, held = load_dev(), load_dev(HELDOUT_SET, "heldout")
    assert {c.suite for c in held} == {"heldout"} and len(held) >= 15
    assert sum(c.answerable for c in held) >= 10 and sum(not c.answerable for c in held) >= 5
    assert not {c.question.lower() for c in held} & {c.question.lower() for c in dev}
    assert not {c.id for c in held} & {c.id for c in dev}


def test_every_reference_fact_is_stated_by_its_supporting_articles(seed_texts):
    for case in load_dev() + load_dev(HELDOUT_SET, "heldout"):
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


def test_the_archive_leaves_out_the_answers_of_its_removed_half():
    archive = load_archive()
    texts = [text.lower() for _, text in archive.corpus]
    assert len(texts) == len(set(texts)) > 700  # every distinct snippet once
    assert len(archive.answerable) >= 40 and len(archive.absent) >= 15
    ids = dict(archive.corpus)
    for case in archive.answerable:  # its answer stays, in the snippets named as its evidence
        assert case.docs and set(case.docs) <= set(ids), case.id
        assert case.collection == "archive" and case.with_seeds
    for case in archive.absent:  # no kept snippet writes its answer, in any form
        assert not case.answerable
        rgb_id = int(case.id.rsplit("-", 1)[1])
        row = next(r for r in _rgb_rows() if r["id"] == rgb_id)
        variants = [_folded(v) for fact in _rgb_facts(row["answer"]) for v in fact]
        assert not any(v in _folded(t) for v in variants for t in texts), case.id
    asked = [c.id for c in archive.answerable + archive.absent]
    assert len(asked) == len(set(asked))
    assert len(asked) + len(archive.dropped) == len(_rgb_rows())


def test_the_archive_split_is_seeded_and_keeps_twin_questions_together():
    a, b = load_archive(), load_archive()
    assert [c.id for c in a.absent] == [c.id for c in b.absent]
    other = load_archive(seed=7)
    assert {c.id for c in other.absent} != {c.id for c in a.absent}
    # two rows ask about Xenoblade Chronicles 2 and share a positive snippet: one half holds both
    for archive in (a, other):
        halves = [{c.question.lower() for c in archive.answerable}, {c.question.lower() for c in archive.absent}]
        assert any({"when was xenoblade chronicles 2 released?"} <= h for h in halves) or any(
            "xenoblade" in d for d in archive.dropped)
    # `qa eval --split-seed` runs another split, the one its suite loader is given
    from evals.runner import load_suite

    assert [c.id for c in load_suite("archive", 3, 7)] == [c.id for c in archive_cases(3, seed=7)]
    assert [c.id for c in load_suite("archive", 3)] == [c.id for c in archive_cases(3)]


def test_the_dev_set_is_asked_again_over_the_archive():
    cases = archive_dev_cases()
    assert [c.question for c in cases] == [c.question for c in load_dev()]
    assert all(c.with_seeds and c.collection == "archive-dev" and len(c.corpus) > 700 for c in cases)
    assert len(archive_dev_cases(10)) == 10


def _rgb_rows() -> list[dict]:
    import json

    from evals.cases import RGB_FILE

    return [json.loads(line) for line in RGB_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_an_answer_written_another_way_is_still_written():
    from evals.cases import _dates, _still_written

    assert _dates("Out on 27/10/2017, or Oct. 27, 2017; 05/06/2020") == {"2017-10-27", "2020-06-05", "2020-05-06"}
    row = {"query": "When was Super Mario Odyssey released?", "answer": [["October 27 2017", "Oct 27, 2017"]]}
    kept = ["the release date for super mario odyssey is 27/10/2017."]
    assert _still_written(row, kept, [_dates(k) for k in kept])
    for gold, snippet in (("June 2020", "OpenAI first debuted GPT-3 in June of 2020."),
                          ("$1.65 billion", "Google did purchase Youtube for 1.65 billion dollars."),
                          ([["November 21 1998", "Nov 21, 1998"]], "Ocarina of Time was released on November 21 of 1998.")):
        kept = [_folded(snippet)]
        assert _still_written({"query": "When?", "answer": gold}, kept, [_dates(k) for k in kept]), gold
    row = {"query": "Who is the director of the Avatar movie?", "answer": "James Cameron"}
    assert _still_written(row, ["avatar, by cameron, opened in 2009."], [set()])
    assert not _still_written(row, ["cameron diaz starred in a comedy."], [set()])
    # a name in the other order, in a snippet about what the question names
    row = {"query": 'Who is starring as Mulan in the movie "Mulan"?', "answer": "Yifei Liu"}
    assert _still_written(row, ["still from mulan 2020, starring liu yifei as mulan."], [set()])
    assert not _still_written(row, ["liu yifei starred in a drama."], [set()])


def test_a_day_written_without_its_year_is_dated_by_the_snippet_s_dateline():
    from evals.cases import _dated_days, _still_written

    snippet = "Jun 16, 2015 ... Xenoblade Chronicles X was released in Japan on April 29. The panel of reviewers ..."
    assert _dated_days(snippet) == {"2015-04-29"}
    row = {"query": "When was xenoblade chronicles X released in Japan?", "answer": [["April 29 2015", "Apr 29, 2015"]]}
    assert _still_written(row, [_folded(snippet)], [_dated_days(snippet)])
    assert not _still_written(row, [_folded(snippet)], [set()])  # the dated day is what gives it
    assert _dated_days("Xenoblade Chronicles X was released in Japan on April 29.") == set()  # no dateline
