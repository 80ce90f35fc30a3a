"""Near-duplicate articles (the seeds carry one Los Angeles Times story twice)."""

from qa.articles.dedup import Signature, containment, duplicate_of, shingles
from qa.articles.ingest import ingest, seeds_dir
from qa.articles.loaders import load_article
from qa.search.retrieve import retrieve, select
from qa.types import Passage

LAT_1, LAT_2 = "000_a68775e42f60f577", "001_b4381d61ebffb566"


def _seed_signatures() -> dict[str, Signature]:
    return {p.stem: Signature.of(load_article(p).text) for p in sorted(seeds_dir().glob("*.txt"))}


def test_the_syndicated_copy_is_found_and_other_outlets_are_not():
    sigs = _seed_signatures()
    assert duplicate_of(sigs[LAT_2], {k: v for k, v in sigs.items() if k != LAT_2}) == LAT_1
    for doc in sigs:
        if doc not in (LAT_1, LAT_2):
            assert duplicate_of(sigs[doc], {k: v for k, v in sigs.items() if k != doc}) is None, doc


def test_signatures_survive_a_round_trip_through_the_store_metadata():
    sig = _seed_signatures()[LAT_1]
    back = Signature.loads(sig.dumps())
    assert back is not None and back.size == sig.size and back.containment(sig) == 1.0
    assert Signature.loads("garbage") is None


def test_ingest_groups_the_copy_with_the_first_stored_article(store, fake_embedder):
    report = ingest([seeds_dir()], store=store, embedder=fake_embedder)
    assert report.near_duplicates == [(LAT_2, LAT_1)]
    docs = store.documents()
    assert docs[LAT_2].dup_group == LAT_1 and docs[LAT_1].dup_group == LAT_1
    assert all(d.dup_group == d.doc_id for k, d in docs.items() if k not in (LAT_1, LAT_2))


def _p(pid: str, doc: str, text: str, group: str | None = None) -> Passage:
    return Passage(id=pid, doc_id=doc, title="t", text=text, span=(0, 1), group=group or doc, source=doc.upper())


def test_select_returns_one_copy_with_the_others_as_also_in_and_caps_one_story():
    text = "The fighting has displaced tens of thousands of civilians who poured into camps."
    ranked = [
        _p("a1", "a", text, "a"),
        _p("b1", "b", text.replace("poured", "went"), "a"),
        _p("a2", "a", "Troops advanced along the river toward the border town on Friday."),
        _p("a3", "a", "Officials said the offensive would end within days, a statement said."),
        _p("c1", "c", "Another outlet reported shelling of the oil field by government forces."),
    ]
    chosen = select(ranked, k=3, per_group=2)
    assert [p.id for p in chosen] == ["a1", "a2", "c1"]
    assert [c.doc_id for c in chosen[0].also_in] == ["b"]
    # with nothing else to offer, the capped story fills the remaining places
    assert [p.id for p in select(ranked, k=4, per_group=2)] == ["a1", "a2", "c1", "a3"]


def test_retrieval_never_returns_both_copies_of_a_passage(seeded_store, fake_embedder):
    found = retrieve("displaced civilians camps food medicine tents", store=seeded_store,
                     embedder=fake_embedder, k=5)
    texts = [shingles(p.text) for p in found.passages]
    assert all(containment(a, b) < 0.5 for i, a in enumerate(texts) for b in texts[i + 1:])
    top = found.passages[0]
    assert {top.doc_id, *(c.doc_id for c in top.also_in)} == {LAT_1, LAT_2}


# Reports of the same kind of event, alike in wording (RGB en_fact snippets): not copies.
WIMBLEDON_2019 = ("Simona Halep defeated Serena Williams in the final, 6–2, 6–2 to win the ladies' singles tennis "
                  "title at the 2019 Wimbledon Championships.")
WIMBLEDON_2021 = ("Ashleigh Barty defeated Karolína Plíšková in the final, 6–3, 6–7(4–7), 6–3 to win the ladies' "
                  "singles tennis title at the 2021 Wimbledon Championships.")
US_OPEN_2019 = ("Bianca Andreescu defeated Serena Williams in the final, 6–3, 7–5 to win the women's singles tennis "
                "title at the 2019 US Open. It was her first major title.")
CROWN_3 = ("The third season of The Crown follows the life and reign of Queen Elizabeth II. It consists of ten "
           "episodes and was released by Netflix on 17 November 2019.")
CROWN_4 = ("The fourth season of The Crown, which follows the life and reign of Queen Elizabeth II, was released "
           "by Netflix on 15 November 2020.")


def test_reports_of_other_years_or_other_winners_are_not_copies():
    assert containment(shingles(WIMBLEDON_2019), shingles(US_OPEN_2019)) >= 0.4  # alike in wording
    for a, b in [(WIMBLEDON_2021, WIMBLEDON_2019), (US_OPEN_2019, WIMBLEDON_2019), (CROWN_4, CROWN_3)]:
        assert duplicate_of(Signature.of(a), {"earlier": Signature.of(b)}) is None, a


def test_an_edited_copy_of_a_report_is_still_a_copy():
    copy = WIMBLEDON_2019.replace("defeated", "beat").replace("tennis ", "")
    assert duplicate_of(Signature.of(copy), {"first": Signature.of(WIMBLEDON_2019)}) == "first"


def test_signatures_of_older_stores_without_facts_still_group_by_wording():
    old = Signature.loads(Signature.of(WIMBLEDON_2019).dumps().split(";")[0])
    assert old is not None and old.facts is None
    assert duplicate_of(Signature.of(WIMBLEDON_2021), {"old": old}) == "old"  # as before: shingles only
    back = Signature.loads(Signature.of(WIMBLEDON_2019).dumps())
    assert back is not None and back.facts is not None and back.facts.years == {"2019"}


def test_ingest_keeps_each_years_report_in_a_story_of_its_own(tmp_path, store, fake_embedder):
    # One group would let the per-story cap (two passages) hide the third year's report.
    for name, text in [("w2019", WIMBLEDON_2019), ("w2021", WIMBLEDON_2021), ("us2019", US_OPEN_2019)]:
        (tmp_path / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    report = ingest([tmp_path], store=store, embedder=fake_embedder)
    assert report.near_duplicates == []
    docs = store.documents().values()
    assert len(docs) == 3 and all(d.dup_group == d.doc_id for d in docs)


def test_a_copy_that_names_no_outlet_is_shown_by_the_outlet_its_story_is_known_by(seeded_store, fake_embedder):
    docs = seeded_store.documents()
    assert docs[LAT_1].source is None and docs[LAT_2].source == "Los Angeles Times"  # the seeds' shape
    ids = seeded_store.lexical_index().ids
    first_of = {doc: next(i for i in ids if i.startswith(doc + ":")) for doc in (LAT_1, LAT_2)}
    copy, original = seeded_store.get([first_of[LAT_1], first_of[LAT_2]], fake_embedder.encode(["army"])[0])
    assert copy.story_outlet == "Los Angeles Times" and copy.origin == "Los Angeles Times (copy)"
    assert original.story_outlet is None and original.origin == "Los Angeles Times"
    found = retrieve("displaced civilians camps food medicine tents", store=seeded_store,
                     embedder=fake_embedder, k=5)
    shown = [p.origin for p in found.passages] + [c.origin for p in found.passages for c in p.also_in]
    assert "Los Angeles Times (copy)" in shown and not any(o.endswith(".txt") for o in shown)


def test_an_article_that_names_no_outlet_and_has_no_named_copy_shows_its_file_name(store, fake_embedder, tmp_path):
    note = tmp_path / "notes" / "council.txt"
    note.parent.mkdir()
    note.write_text("Council notes\n\nThe council met on Tuesday to plan the flood repairs on the river road.\n")
    ingest([note.parent], store=store, embedder=fake_embedder)
    (pid,) = store.lexical_index().ids
    (p,) = store.get([pid], fake_embedder.encode(["council"])[0])
    assert p.source is None and p.story_outlet is None and p.origin == "council.txt"


def test_a_story_is_known_by_its_first_copys_outlet_else_the_first_named_in_alphabetical_order():
    from qa.index.records import story_outlets

    copies = [("g1", "b", "Zeta News"), ("g1", "g1", "Reuters"), ("g1", "c", None),
              ("g2", "x", "Zeta News"), ("g2", "y", "AP"), ("g2", "g2", None), ("g3", "g3", None)]
    assert story_outlets(copies) == {"g1": "Reuters", "g2": "AP"}
    assert story_outlets(reversed(copies)) == {"g1": "Reuters", "g2": "AP"}  # not by read order


def test_status_shows_a_copy_by_the_outlet_its_story_is_known_by(seeded_store):
    from qa.cli.status import _by_outlet

    rows = {r["outlet"]: r["documents"] for r in _by_outlet(seeded_store.documents().values())}
    assert rows["Los Angeles Times"] == 1 and rows["Los Angeles Times (copy)"] == 1
    assert not any(o.endswith(".txt") or o == "outlet unknown" for o in rows)
