"""Filters by outlet and date: parsed from what users type, pushed down to Chroma and BM25,
and an empty result said so."""

from datetime import date

from pathlib import Path

import pytest

from qa.articles.ingest import ingest
from qa.assistant import Assistant
from qa.errors import InputError
from qa.search.filters import make_filters, match_sources, parse_bound
from qa.search.retrieve import retrieve

ARTICLES = {
    "reuters-a.txt": ("Source: Reuters\nDate: 2017-11-03\n\nFlood hits the valley\n\n"
                      "The river flooded the valley town of Elmsford on Friday, officials said.\n"),
    "reuters-b.txt": ("Source: Reuters\nDate: 2017-11-20\n\nFlood waters recede\n\n"
                      "Flood waters receded from the valley town of Elmsford, officials said.\n"),
    "ap-a.txt": ("Source: AP\nDate: 2017-11-05\n\nValley flood aid\n\n"
                 "Aid reached the flooded valley town of Elmsford by boat, officials said.\n"),
    "nodate.txt": ("Source: AP\n\nFlood memories\n\n"
                   "Residents of the valley town of Elmsford remember the flood, officials said.\n"),
}


@pytest.fixture
def news(tmp_path, store, fake_embedder):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    report = ingest([folder], store=store, embedder=fake_embedder)
    assert report.failed == []
    return store


def test_dates_are_read_whole_or_in_part():
    assert parse_bound("2017-11-04", end=False) == date(2017, 11, 4)
    assert parse_bound("2017-11", end=False) == date(2017, 11, 1)
    assert parse_bound("2017-11", end=True) == date(2017, 11, 30)
    assert parse_bound("2016-02", end=True) == date(2016, 2, 29)
    assert parse_bound("2017", end=True) == date(2017, 12, 31)
    for bad in ("yesterday", "2017-13", "2017-02-30", "17-11-04"):
        with pytest.raises(InputError, match="date"):
            parse_bound(bad, end=False, option="--since")


def test_outlets_match_in_any_case_or_by_part_and_an_unknown_one_lists_the_known():
    known = ["Reuters", "Los Angeles Times", "The New York Times"]
    assert match_sources(["reuters"], known) == ("Reuters",)
    assert match_sources(["times"], known) == ("Los Angeles Times", "The New York Times")
    with pytest.raises(InputError, match="no article from an outlet named 'BBC'.*Reuters"):
        match_sources(["BBC"], known)
    assert make_filters("Reuters", None, None, known).sources == ("Reuters",)  # one name, not letters
    with pytest.raises(InputError, match="before"):
        make_filters(None, "2017-11-05", "2017-11-04", known)


def test_a_filter_limits_both_searches(news, fake_embedder):
    question = "What happened to the valley town of Elmsford?"
    reuters = make_filters(["reuters"], None, None, news.sources())
    found = retrieve(question, store=news, embedder=fake_embedder, k=5, filters=reuters)
    assert found.passages and {p.source for p in found.passages} == {"Reuters"}
    early = make_filters(None, "2017-11-01", "2017-11-10", news.sources())
    found = retrieve(question, store=news, embedder=fake_embedder, k=5, filters=early)
    assert sorted(p.date for p in found.passages) == ["2017-11-03", "2017-11-05"]  # the undated one is out
    both = make_filters(["AP"], "2017-11", None, news.sources())
    found = retrieve(question, store=news, embedder=fake_embedder, k=5, filters=both)
    assert [(p.source, p.date) for p in found.passages] == [("AP", "2017-11-05")]
    everything = retrieve(question, store=news, embedder=fake_embedder, k=5)
    assert len(everything.passages) == 4


def test_the_lexical_search_alone_obeys_the_filter(news):
    index = news.lexical_index()
    mask = index.mask(["AP"], None, None)
    hits = index.search("Elmsford flood", 10, mask=mask)
    sources = {m["source"] for m in news.collection.get(ids=[pid for pid, _ in hits])["metadatas"]}
    assert hits and sources == {"AP"}
    assert index.search("Elmsford flood", 10, mask=index.mask((), 20171201, None)) == []


def test_a_filter_that_matches_nothing_says_so(news, settings, fake_embedder):
    assistant = Assistant(settings=settings, store=news, embedder=fake_embedder)
    with pytest.raises(InputError, match="no article matches the filter .*since 2018-01-01"):
        assistant.filters(since="2018")
    with pytest.raises(InputError, match="no article from an outlet named 'BBC'"):
        assistant.filters(sources=["BBC"])
    assert assistant.filters(sources=["ap"], until="2017-11-05").sources == ("AP",)


def test_a_store_of_the_previous_schema_gets_its_dates_for_filters(tmp_path, settings, fake_embedder, news):
    """Passages written before `date_n` existed are given it when the store is opened."""
    from qa.index.store import Store

    col = news.collection
    got = col.get(include=["metadatas"])
    col.update(ids=got["ids"], metadatas=[{k: v for k, v in m.items() if k != "date_n"} | {"date_n": None}
                                          for m in got["metadatas"]])
    col.modify(metadata={**col.metadata, "schema": 1})
    assert col.get(where={"date_n": {"$gte": 20170101}}, include=[])["ids"] == []  # as an old store is
    reopened = Store(settings.chroma_dir, collection=settings.collection, model_id=fake_embedder.model_id)
    assert reopened.matches({"date_n": {"$gte": 20171103}})
    assert (reopened.collection.metadata or {})["schema"] == 2
    dated = reopened.collection.get(where={"date_n": {"$gte": 20170101}}, include=[])
    assert len(dated["ids"]) == 3


def test_ask_from_python_takes_outlets_and_dates(news, settings, fake_embedder):
    from qa import ask
    from tests.fakes import FakeLLM

    llm = FakeLLM("Aid reached the flooded valley town of Elmsford by boat [1].")
    answer = ask("How did aid reach Elmsford?", settings=settings, store=news, embedder=fake_embedder, llm=llm,
                 sources="ap", since="2017-11-04")
    assert not answer.refused
    assert [(p.source, p.date) for p in answer.passages] == [("AP", "2017-11-05")]
    prompt = llm.calls[0][-1]["content"]
    assert "[1] (AP" in prompt and "\n[2] (" not in prompt  # the model saw that passage only


def test_the_whole_store_is_read_in_pages(news, monkeypatch):
    """One read of 100,000 passages' metadata is more than SQLite takes: reads are paged."""
    import qa.index.store

    everything = news.collection.get(include=["metadatas"])
    monkeypatch.setattr(qa.index.store, "_READ_PAGE", 3)
    paged = news._read_all(["metadatas"])
    assert len(everything["ids"]) > 3
    assert paged["ids"] == everything["ids"] and paged["metadatas"] == everything["metadatas"]
    news._lexical = None
    assert len(news.lexical_index().ids) == len(everything["ids"])


@pytest.mark.parametrize(("nearest_max", "brute_force_max", "block"),
                         [(3000, 1000, 512), (3000, 1000, 3), (3000, 0, 512), (1, 0, 512)],
                         ids=["vectors compared", "vectors compared in blocks", "nearest overall, filtered",
                              "chroma among the ids"])
def test_each_way_of_the_filtered_dense_search_finds_what_chromas_filter_finds(
        tmp_path, store, fake_embedder, monkeypatch, nearest_max, brute_force_max, block):
    import qa.search.retrieve as retrieve_module

    folder = tmp_path / "many"
    folder.mkdir()
    topics = ["flood river valley", "bridge repairs road", "school reopens pupils", "storm damage roofs"]
    for i in range(40):
        (folder / f"a{i:02d}.txt").write_text(
            f"Source: Outlet {i % 4}\nDate: 2017-11-{1 + i % 28:02d}\n\nStory {i}\n\n"
            f"The {topics[i % 4]} story number {i} in Elmsford, with {topics[(i + 1) % 4]} too.\n")
    ingest([folder], store=store, embedder=fake_embedder)
    monkeypatch.setattr(retrieve_module, "NEAREST_MAX", nearest_max)
    monkeypatch.setattr(retrieve_module, "BRUTE_FORCE_MAX", brute_force_max)
    monkeypatch.setattr(retrieve_module, "BLOCK", block)
    filters = make_filters(["Outlet 1"], "2017-11-05", None, store.sources())
    vector = fake_embedder.encode(["bridge repairs in Elmsford"])[0]
    lexical = store.lexical_index()
    mask = lexical.mask(filters.sources, filters.since_n, filters.until_n)
    found = store.get([pid for pid, _ in retrieve_module.dense_among(store, lexical, vector, 5, mask)], vector)
    truth = store.query(vector, 5, where=filters.where())
    assert len(found) == 5  # the same nearest scores (stories alike tie: any of them will do)
    assert [round(p.score, 4) for p in found] == [round(p.score, 4) for p in truth]
    assert [p.id for p in found[:1]] == [p.id for p in truth[:1]] or found[0].score == found[1].score
    assert all(p.source == "Outlet 1" and p.date >= "2017-11-05" for p in found)


def test_the_vectors_kept_for_filters_follow_the_store(tmp_path, store, fake_embedder):
    """A filtered search compares vectors kept in memory: an article ingested after one
    filtered search is found by the next, and one deleted is not."""
    from qa.search.retrieve import dense_among

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Source: Gazette\nDate: 2017-11-03\n\nFlood\n\nThe river flooded the valley.\n")
    ingest([folder], store=store, embedder=fake_embedder)
    vector = fake_embedder.encode(["bridge repairs on the old road"])[0]

    def found() -> list[str]:
        lexical = store.lexical_index()
        nearest = dense_among(store, lexical, vector, 5, lexical.mask(["Gazette"]))
        return [Path(p.path).stem for p in store.get([pid for pid, _ in nearest], vector)]

    assert found() == ["a"]
    (folder / "b.txt").write_text("Source: Gazette\nDate: 2017-11-04\n\nBridge\n\nBridge repairs close the old road.\n")
    ingest([folder], store=store, embedder=fake_embedder)
    assert found() == ["b", "a"]
    store.delete_document(next(doc_id for doc_id, doc in store.documents().items() if Path(doc.path).stem == "b"))
    assert found() == ["a"]


def test_passages_are_scored_alike_with_or_without_the_vectors_in_memory(tmp_path, store, fake_embedder):
    folder = tmp_path / "news"
    folder.mkdir()
    for i, text in enumerate(["The river flooded the valley.", "Bridge repairs close the old road.",
                              "The school reopens on Monday."]):
        (folder / f"a{i}.txt").write_text(f"Source: Gazette\nDate: 2017-11-0{i + 1}\n\nStory {i}\n\n{text}\n")
    ingest([folder], store=store, embedder=fake_embedder)
    vector = fake_embedder.encode(["bridge repairs"])[0]
    ids = store.lexical_index().ids
    before = [(p.id, round(p.score, 5), p.text) for p in store.get(ids, vector)]
    store.vector_matrix()
    assert [(p.id, round(p.score, 5), p.text) for p in store.get(ids, vector)] == before
    assert [pid for pid, *_ in before] == ids
