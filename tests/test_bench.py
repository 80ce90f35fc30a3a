"""`qa bench`'s own parts: statistics, corpora, the process probe, the table, and the
ingest and retrieval sections run end to end with the fake embedder (the real stack's
figures come from `qa bench` itself, never from a test)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from evals.bench.corpus import generated_passages, sentences, write_ingest_corpus
from evals.bench.probes import run_on_terminal
from evals.bench.report import markdown
from evals.bench.sections import bench_ingest, bench_retrieval, seeds_store
from evals.bench.stats import ratio, summary


def test_summary_gives_median_and_spread():
    s = summary([5.0, 1.0, 3.0, 2.0, 4.0])
    assert s == {"median": 3.0, "min": 1.0, "max": 5.0, "p95": 4.8, "n": 5}
    assert summary([]) == {"n": 0}
    assert summary([float(i) for i in range(1, 101)])["p95"] == 95.05
    assert ratio(2.0, 4.0) == 0.5 and ratio(None, 1.0) is None and ratio(1.0, 0.0) is None


def test_sentences_are_distinct_and_sized():
    text = "Short one. " + "This sentence has exactly eight words in it. " * 3 + "Another sentence of seven words is here."
    got = sentences([text], limit=10)
    assert sorted(got) == ["Another sentence of seven words is here.", "This sentence has exactly eight words in it."]


def test_generated_passages_are_made_of_pool_sentences_with_unit_vectors():
    pool = [f"Sentence number {i} says something about the army." for i in range(50)]
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    texts, composed = generated_passages(pool, vectors, 200)
    assert len(texts) == 200 and composed.shape == (200, 8)
    assert np.allclose(np.linalg.norm(composed, axis=1), 1.0, atol=1e-5)
    assert all(t.count("Sentence number") == 3 for t in texts)
    assert len(set(texts)) > 190


def test_the_ingest_corpus_holds_the_seeds_and_one_article_per_rgb_row(tmp_path):
    folder = write_ingest_corpus(tmp_path / "corpus")
    names = sorted(p.name for p in folder.iterdir())
    assert sum(n.startswith("rgb-") for n in names) == 100
    assert len(names) == 105


def test_terminal_probe_times_the_first_output_and_the_exit():
    got = run_on_terminal(
        [sys.executable, "-c", "import sys, time; time.sleep(0.2); print('hello'); sys.stdout.flush(); time.sleep(0.3)"],
        env={},
    )
    assert got["exit_code"] == 0 and "hello" in got["output"]
    assert 0.2 <= got["first_output_s"] < got["exit_s"]
    assert got["peak_rss_mib"] > 1


def test_ingest_and_retrieval_sections_run(tmp_path, settings, fake_embedder):
    ingest = bench_ingest(fake_embedder, tmp_path, 1, settings, lambda _: None)
    assert ingest["files"] == 105 and ingest["passages"] > 500
    assert ingest["ingest_passages_per_s"]["n"] == 1 and ingest["ratio_to_raw"] > 0
    store = seeds_store(fake_embedder, tmp_path, settings)
    retrieval = bench_retrieval(fake_embedder, tmp_path, ["Who took Qaim?", "How far is Qaim from Baghdad?"],
                                1000, settings, lambda _: None, store)
    assert retrieval["seeds"]["passages"] == store.count()
    assert retrieval["large"]["passages"] == 1000
    assert retrieval["large"]["retrieve_ms"]["n"] == 2
    assert set(retrieval["large"]["parts_ms"]) == {"encode", "dense", "bm25"}


@pytest.fixture
def full_result() -> dict:
    s = lambda m: {"median": m, "min": m * 0.9, "max": m * 1.1, "p95": m * 1.1, "n": 3}  # noqa: E731
    return {
        "label": "t", "date": "2026-11-21", "machine": "x86_64, 2 cores", "commit": "abc", "model": "m",
        "help": {"help_s": s(0.3), "python_start_s": s(0.02), "heavy_modules_loaded": []},
        "ingest": {"files": 105, "passages": 1041, "ingest_passages_per_s": s(95.0),
                   "raw_embedder_passages_per_s": s(100.0), "ratio_to_raw": 0.95},
        "retrieval": {"queries": 59,
                      "seeds": {"passages": 83, "retrieve_ms": s(12.0),
                                "parts_ms": {"encode": s(8.0), "dense": s(2.0), "bm25": s(0.5)}},
                      "large": {"passages": 100000, "build_s": {"chroma": 100.0, "bm25": 20.0, "total": 120.0},
                                "retrieve_ms": s(25.0),
                                "parts_ms": {"encode": s(8.0), "dense": s(9.0), "bm25": s(5.0)}}},
        "answer": {"questions": 6, "runs": 3, "prompt_tokens": s(700.0), "ours_first_token_s": s(4.0),
                   "raw_first_token_s": s(3.9), "ours_total_s": s(8.0), "raw_total_s": s(7.5),
                   "first_token_ratio": s(1.03), "total_ratio": s(1.07), "per_question": []},
        "cold_start": {"no_server": {"first_token_s": s(20.0), "exit_s": s(25.0), "peak_rss_qa_mib": s(900.0),
                                     "peak_rss_model_server_mib": s(1500.0)},
                       "warm_server": None},
        "tui": {"peak_rss_mib": 950.0, "rss_before_question_mib": 900.0},
        "end_to_end": {"questions": 12, "runs": 2, "seconds_per_question": {"ours": s(6.0), "baseline": s(3.0)},
                       "speedup_vs_baseline": 0.5, "correct_answerable": {"ours": "8/9", "baseline": "5/9"}},
    }


def test_the_table_shows_each_goal_and_whether_it_is_met(full_result):
    table = markdown(full_result)
    lines = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines() if line.startswith("| ")}
    assert lines["`qa --help`"].endswith("| < 0.5 s | yes |")
    assert "ingest (105 files, 1041 passages), passages/s" in lines
    assert lines["retrieval p50, generated (100,000 passages), ms"].endswith("| **no** |")
    assert "1.03 [0.93–1.13]" in lines["time to first token (6 questions × 3)"]
    assert lines["`qa ask`: process start to first token, `qa serve` running"].endswith("| n/a |")
    assert "0.5× faster" in lines["end to end, s/question (12 dev questions × 2)"]


def test_the_server_and_keep_alive_rows_hold_the_issue_19_goals(full_result):
    s = lambda m: {"median": m, "min": m, "max": m, "p95": m, "n": 3}  # noqa: E731
    kind = lambda name, rss, follow: {  # noqa: E731
        "server": name, "start_s": 5.0, "warm_first_token_s": s(2.5), "question_total_s": s(9.0),
        "first_question_first_token_s": s(2.5), "follow_up_first_token_s": s(2.5 * follow),
        "follow_up_ratio": s(follow), "two_threads_total_s": s(15.0), "two_threads_ratio": s(1.7),
        "peak_rss_mib": rss, "model_file_mib": 1065.6}
    result = {**full_result,
              "server": {"llama_cpp_python": kind("llama-cpp-python", 3300.0, 3.0),
                         "llama_server": kind("llama-server", 1400.0, 1.0)},
              "keep_alive": {"first_ask_first_token_s": s(20.0), "second_ask_first_token_s": s(4.0),
                             "second_over_first": s(0.2)}}
    lines = {line.split(" | ")[0].lstrip("| "): line for line in markdown(result).splitlines() if line.startswith("| ")}
    assert lines["llama-server: peak RSS of the model server"].endswith("| <= 1.6 GB (1526 MiB) | yes |")
    assert "llama-cpp-python 3300 MiB" in lines["llama-server: peak RSS of the model server"]
    assert lines["llama-cpp-python: peak RSS of the model server"].endswith("| **no** |")
    assert lines["llama-cpp-python: follow-up first token / first question's"].endswith("| **no** |")
    assert lines["llama-server: follow-up first token / first question's"].endswith("| <= 1.2 | yes |")
    assert lines["two `qa ask` in a row, no `qa serve`: second's process start to first token"].endswith("| yes |")


def test_the_stock_server_baseline_differs_from_ours_only_by_our_changes(monkeypatch, tmp_path):
    """`qa bench --only server` measures llama-cpp-python's server as the package ships it
    beside ours: the same command but for the launcher and our logits and cache flags."""
    import importlib.util
    from pathlib import Path

    from evals.bench.everyday import stock_llama_cpp_python
    from qa.models.embedded import EmbeddedServer
    from qa.settings import Settings

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "llama_cpp" else real_find_spec(name, *a))
    server = EmbeddedServer(Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", llama_server=None))
    ours = server._command(Path("model.gguf"), 8123)
    with stock_llama_cpp_python():
        stock = server._command(Path("model.gguf"), 8123)
    assert server._command(Path("model.gguf"), 8123) == ours  # put back
    assert ours[1:3] == ["-m", "qa.models.llama_cpp_server"] and stock[1:3] == ["-m", "llama_cpp.server"]
    ours_rest = list(ours)
    for flag in ("--logits_all", "--cache", "--cache_type", "--cache_size"):
        i = ours_rest.index(flag)
        del ours_rest[i:i + 2]
    assert stock[3:] == ours_rest[3:] and "--port" in stock
