"""`qa eval`'s runner and report, with fake models: scoring, aggregation, thresholds, files."""

import json

from evals import report
from evals.cases import Case
from evals.runner import run_suite
from evals.systems import LlamaIndexBaseline, Ours
from qa.answering.prompts import refusal_sentence
from tests.fakes import FakeLLM, fake_index_llm

SEEDS_CASES = [
    Case(id="far", suite="dev", kind="single", question="How far is Qaim from Baghdad?", answerable=True,
         facts=(("320",),), docs=("002_624767c5aad575bc", "003_f2a19376a699b09e")),
    Case(id="rain", suite="dev", kind="unanswerable", question="How much rain fell in Deir el-Zour in Qaim?",
         answerable=False),
]


def test_both_systems_are_scored_on_the_same_cases(settings, fake_embedder):
    ours = Ours(settings, fake_embedder, FakeLLM("Qaim is about 320 kilometers west of Baghdad [1][9].",
                                                 refusal_sentence()))
    baseline = LlamaIndexBaseline(fake_embedder, fake_index_llm(
        "Qaim is 500 kilometres from Baghdad [1][7].", "It rained 3 mm [2]."))
    seen = []
    result = run_suite("dev", SEEDS_CASES, [ours, baseline], embedder=fake_embedder, chunk_size=64,
                       chunk_overlap=0, progress=lambda done, total, what: seen.append((done, total)))
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    by = {(r["system"], r["id"]): r for r in result.cases}
    assert by["ours", "far"]["correct"] and by["ours", "rain"]["refused"]
    # ours drops the invalid [9] before the user sees it; its model's own text had it
    assert by["ours", "far"]["citations_valid"] == by["ours", "far"]["citations"]
    assert by["ours", "far"]["raw_citations"] > by["ours", "far"]["raw_citations_valid"]
    assert not by["baseline", "far"]["correct"] and not by["baseline", "rain"]["refused"]
    assert by["baseline", "far"]["unsupported"] == ["Qaim is 500 kilometres from Baghdad."]
    m = result.metrics
    assert m["ours"]["correctness"] == 1.0 and m["ours"]["refusal_unanswerable"] == 1.0
    assert m["baseline"]["correctness"] == 0.0 and m["baseline"]["refusal_unanswerable"] == 0.0
    assert m["baseline"]["citation_validity"] < 1.0 and m["baseline"]["citation_support"] == 0.0
    assert m["ours"]["latency_p50_ms"] is not None and m["ours"]["retrieval_hit_rate"] == 1.0


def test_rgb_cases_get_their_own_corpus_and_failures_are_recorded(settings, fake_embedder):
    case = Case(id="rgb-noise-1", suite="rgb-noise", kind="noise", question="Who acquired Instagram?",
                answerable=True, facts=(("Facebook",),), docs=("s01",),
                corpus=(("s00", "Instagram is a photo sharing app popular with teenagers worldwide."),
                        ("s01", "Facebook acquired Instagram in April 2012 for one billion dollars.")))
    ours = Ours(settings, fake_embedder, FakeLLM(RuntimeError("server went away")))
    result = run_suite("rgb", [case], [ours], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    record = result.cases[0]
    assert record["error"] == "RuntimeError: server went away" and not record["correct"]
    assert result.metrics["ours"]["errors"] == 1 and result.metrics["ours"]["noise_robustness"] == 0.0


def test_thresholds_name_the_metric_that_misses(tmp_path, settings, fake_embedder):
    settings = settings.model_copy(update={"min_score": 0.1})  # let the trap question reach the model
    ours = Ours(settings, fake_embedder, FakeLLM("Qaim is about 320 kilometers west of Baghdad [1].",
                                                 "Qaim is about 320 kilometers west of Baghdad [1]."))
    trap = Case(id="train", suite="dev", kind="near-miss", question="How long is the train ride from Qaim to Baghdad?",
                answerable=False)
    result = run_suite("dev", [SEEDS_CASES[0], trap], [ours], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    assert result.cases[1]["answer"].startswith("Qaim is about 320")
    thresholds = {"dev": {"min": {"correctness": 0.9, "refusal_unanswerable": 0.5}, "max": {"false_refusal": 0.0}}}
    misses = report.check([result], thresholds)
    assert misses == ["dev: unanswerable refused is 0.0%, below 50.0%"]
    paths = report.write(tmp_path / "out", [result], thresholds, {
        "date": "today", "model": "fake", "endpoint": "none", "machine": "test", "misses": misses,
        "settings": {"top_k": 5, "chunk_size": 64}})
    data = json.loads(paths["json"].read_text())
    assert data["suites"]["dev"]["metrics"]["ours"]["correctness"] == 1.0
    md = paths["markdown"].read_text()
    assert "| correctness (answerable) | 100.0% |" in md
    assert "| single | 1 | 1/1 | 100% |" in md and "| near-miss | 1 | 0/1 | – |" in md
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"


def test_a_configured_judge_scores_sentences_answers_and_correctness(settings, fake_embedder):
    from evals.judge import Judge

    ours = Ours(settings, fake_embedder, FakeLLM("Qaim is about 320 kilometers west of Baghdad [1]."))
    # one cited sentence -> support verdict, then the whole answer, then correctness (score 1-5)
    judge = Judge(fake_index_llm("NO", "YES", "4.5\nThe answer gives the distance."), name="fake")
    result = run_suite("dev", SEEDS_CASES[:1], [ours], embedder=fake_embedder, chunk_size=64,
                       chunk_overlap=0, judge=judge)
    record = result.cases[0]
    assert record["judge_supported"] == [False] and record["judge_faithful"] and record["judge_correct"]
    m = result.metrics["ours"]
    assert m["citation_support_judge"] == 0.0 and m["faithfulness_judge"] == 1.0 and m["correctness_judge"] == 1.0


def test_a_corpus_file_that_cleans_to_nothing_is_recorded_not_fatal(settings, fake_embedder):
    case = Case(id="rgb-noise-2", suite="rgb-noise", kind="noise", question="Who acquired Instagram?",
                answerable=True, facts=(("Facebook",),), docs=("s01",),
                corpus=(("s00", "\u2022 \u2022 \u2022"), ("s01", "Facebook acquired Instagram in April 2012 for one billion dollars.")))
    ours = Ours(settings, fake_embedder, FakeLLM("Facebook acquired Instagram in April 2012 [1]."))
    result = run_suite("rgb", [case], [ours], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    assert result.cases[0]["correct"] and len(result.ingest_failures) == 1


def test_the_baseline_prompt_carries_article_text_not_our_bookkeeping(settings, fake_embedder):
    llm = fake_index_llm("Qaim is about 320 kilometres west of Baghdad [1].")
    baseline = LlamaIndexBaseline(fake_embedder, llm)
    run_suite("dev", SEEDS_CASES[:1], [baseline], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    prompt = llm.prompts[0]
    assert "Source 1:" in prompt and "Baghdad" in prompt
    assert "minhash" not in prompt and "content_hash" not in prompt


def test_the_baseline_holds_the_shared_server_in_use_while_it_asks(settings, fake_embedder):
    """Its requests must keep a background server alive, as ours do: a server that stopped
    after its keep-alive under a long baseline run failed every later baseline question."""
    from contextlib import contextmanager

    llm = fake_index_llm("Qaim is about 320 kilometres west of Baghdad [1].")
    held = []

    @contextmanager
    def in_use():
        asked_before = len(llm.prompts)
        yield
        held.append((asked_before, len(llm.prompts)))

    baseline = LlamaIndexBaseline(fake_embedder, llm, in_use=in_use)
    run_suite("dev", SEEDS_CASES[:1], [baseline], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    assert held == [(0, 1)]  # the one request was made while held


def test_the_out_of_the_box_baseline_reads_and_chunks_the_files_itself(seeded_store, fake_embedder):
    from qa.articles.ingest import seeds_dir

    baseline = LlamaIndexBaseline(fake_embedder, fake_index_llm("Qaim is 320 kilometers west of Baghdad [1]."),
                                  out_of_the_box_folder=seeds_dir())
    outcome = baseline.run(SEEDS_CASES[0], seeded_store)
    assert outcome.text.startswith("Qaim is 320")
    # its own 1024-token nodes, cut into 512-token citation chunks: far longer than our passages
    assert outcome.passages and max(len(p) for p in outcome.passages) > 1000


def test_archive_cases_share_one_store_holding_the_seeds_and_the_snippets(settings, fake_embedder):
    corpus = (("rgb0000", "Facebook acquired Instagram in April 2012 for one billion dollars."),
              ("rgb0001", "Instagram is a photo sharing app popular with teenagers worldwide."))
    cases = [Case(id=f"archive-{i}", suite="archive", kind="answerable", question=q, answerable=True,
                  facts=((f,),), docs=(d,), corpus=corpus, collection="archive", with_seeds=True)
             for i, (q, f, d) in enumerate([("Who acquired Instagram?", "Facebook", "rgb0000"),
                                            ("How far is Qaim from Baghdad?", "320", "002_624767c5aad575bc")])]
    stores = []

    class Spy(Ours):
        def run(self, case, store):
            stores.append(store)
            return super().run(case, store)

    ours = Spy(settings, fake_embedder, FakeLLM("Facebook acquired Instagram [1].",
                                                "Qaim is about 320 kilometers west of Baghdad [1]."))
    result = run_suite("archive", cases, [ours], embedder=fake_embedder, chunk_size=64, chunk_overlap=0)
    assert stores[0] is stores[1]  # one store for the whole archive
    assert all(r["correct"] for r in result.cases), [r["answer"] for r in result.cases]
    assert result.cases[1]["hit"] == 1.0  # the seed article was found among the snippets
