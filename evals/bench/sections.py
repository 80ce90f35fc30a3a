"""The benchmark's sections. Each returns a JSON-able dict of figures.

Every ratio compares two things measured in the same run, interleaved so that a busy
moment of the machine falls on both sides.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from evals.bench.corpus import generated_passages, sentences, write_ingest_corpus
from evals.bench.probes import run_on_terminal
from evals.bench.stats import ratio, summary, timed
from qa.articles.chunking import chunk_article
from qa.articles.ingest import ingest, seeds_dir
from qa.articles.loaders import find_files, load_article
from qa.index.store import Store
from qa.search.filters import Filters, make_filters
from qa.search.retrieve import dense_among, retrieve
from qa.settings import Settings

Say = Callable[[str], None]
HEAVY_MODULES = ("torch", "sentence_transformers", "transformers", "llama_cpp", "chromadb", "nltk", "openai", "textual")


def qa_command() -> str:
    return str(Path(sys.executable).with_name("qa"))


# --- qa --help -------------------------------------------------------------------------


def bench_help(runs: int, say: Say) -> dict:
    """`qa --help` wall time vs a bare interpreter start, and which heavy modules it loads."""
    say("qa --help")
    bare, helps = [], []
    for _ in range(runs):
        bare.append(timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))[0])
        helps.append(timed(lambda: subprocess.run([qa_command(), "--help"], check=True,
                                                  stdout=subprocess.DEVNULL))[0])
    probe = (
        "import sys\nsys.argv = ['qa', '--help']\nimport qa.cli\n"
        "try:\n    qa.cli.main()\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules), file=sys.stderr)\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    heavy = [m for m in loaded.stderr.strip().splitlines()[-1].split(",") if m] if loaded.stderr.strip() else []
    return {
        "help_s": summary(helps),
        "python_start_s": summary(bare),
        "heavy_modules_loaded": heavy,
    }


# --- ingest ----------------------------------------------------------------------------


def bench_ingest(embedder, workdir: Path, runs: int, settings: Settings, say: Say) -> dict:
    """Passages/s of `ingest` (load, clean, chunk, dedup, embed, store) vs the embedder alone
    encoding the same passages."""
    corpus = write_ingest_corpus(workdir / "ingest-corpus")
    files = find_files([corpus])
    texts = [
        c.text
        for f in files
        for c in chunk_article(load_article(f), chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    ]
    embedder.encode(texts[:64])  # load the model outside the timings
    raw, ours = [], []
    for run in range(runs):
        say(f"ingest run {run + 1}/{runs}: {len(files)} files, {len(texts)} passages")
        raw.append(timed(lambda: embedder.encode(texts))[0])
        store = Store(workdir / "ingest-chroma", collection=f"bench-ingest-{run}", model_id=embedder.model_id,
                      rebuild=True)
        seconds, report = timed(lambda: ingest([corpus], store=store, embedder=embedder,
                                               chunk_size=settings.chunk_size,
                                               chunk_overlap=settings.chunk_overlap))
        assert report.passages == len(texts), (report.passages, len(texts))
        ours.append(seconds)
        store.drop()
    raw_rate = [len(texts) / s for s in raw]
    ours_rate = [len(texts) / s for s in ours]
    return {
        "files": len(files),
        "passages": len(texts),
        "ingest_passages_per_s": summary(ours_rate, 1),
        "raw_embedder_passages_per_s": summary(raw_rate, 1),
        "ratio_to_raw": ratio(summary(ours_rate)["median"], summary(raw_rate)["median"]),
    }


# --- retrieval -------------------------------------------------------------------------


def _latencies(queries: Sequence[str], store: Store, embedder, settings: Settings, filters: Filters | None = None) -> dict:
    """Per query: retrieve() end to end, and its parts measured alone."""
    lexical = store.lexical_index()
    total, encode, dense, bm25 = [], [], [], []
    for q in queries:
        t, _ = timed(lambda: retrieve(q, store=store, embedder=embedder, k=settings.top_k,
                                      min_score=settings.min_score, filters=filters))
        total.append(t * 1000)
        t, vec = timed(lambda: embedder.encode([q])[0])
        encode.append(t * 1000)
        mask = lexical.mask(filters.sources, filters.since_n, filters.until_n) if filters else None
        dense.append(timed(lambda: store.query(vec, 20) if mask is None else dense_among(store, lexical, vec, 20, mask))[0] * 1000)
        bm25.append(timed(lambda: lexical.search(q, 20, mask=mask))[0] * 1000)
    return {
        "retrieve_ms": summary(total, 2),
        "parts_ms": {"encode": summary(encode, 2), "dense": summary(dense, 2), "bm25": summary(bm25, 2)},
    }


def bench_retrieval(embedder, workdir: Path, questions: Sequence[str], n_passages: int,
                    settings: Settings, say: Say, seeds_store: Store) -> dict:
    """Retrieval latency on the seeds and on a generated corpus of `n_passages`."""
    result: dict = {"queries": len(questions)}
    for q in questions[:3]:  # first calls load and build what later calls reuse
        retrieve(q, store=seeds_store, embedder=embedder, k=settings.top_k, min_score=settings.min_score)
    say(f"retrieval on the seeds ({seeds_store.count()} passages)")
    result["seeds"] = {"passages": seeds_store.count(), **_latencies(questions, seeds_store, embedder, settings)}

    say("generating the large corpus (sentence vectors)")
    corpus = write_ingest_corpus(workdir / "scale-corpus")
    pool = sentences([load_article(f).text for f in find_files([corpus])], limit=3000)
    vectors = embedder.encode(pool)
    texts, composed = generated_passages(pool, vectors, n_passages)
    store = Store(workdir / "scale-chroma", collection="bench-scale", model_id=embedder.model_id, rebuild=True)
    per_doc = 1000
    say(f"building the index of {n_passages:,} passages")
    started = time.perf_counter()
    for d, lo in enumerate(range(0, n_passages, per_doc)):
        hi = min(lo + per_doc, n_passages)
        # ten outlets and dates over ten years, for the filtered queries
        day = date(2015, 1, 1) + timedelta(days=(d * 37) % 3650)
        metas = [{"doc_id": f"gen-{d:05d}", "content_hash": f"h{d:05d}", "path": "", "title": f"Generated {d}",
                  "source": f"Outlet {d % 10}", "date": day.isoformat(), "date_n": int(day.strftime("%Y%m%d")),
                  "chunk": i - lo, "n_chunks": hi - lo, "start": 0, "end": 0,
                  "dup_group": f"gen-{d:05d}"} for i in range(lo, hi)]
        store.put_document(f"gen-{d:05d}", f"h{d:05d}", texts[lo:hi], composed[lo:hi], metas)
        if d % 10 == 9:
            say(f"building the index: {hi:,}/{n_passages:,}")
    chroma_s = time.perf_counter() - started
    bm25_s, _ = timed(store.lexical_index)
    say(f"retrieval on {n_passages:,} passages")
    for q in questions[:3]:
        retrieve(q, store=store, embedder=embedder, k=settings.top_k, min_score=settings.min_score)
    result["large"] = {
        "passages": store.count(),
        "build_s": {"chroma": round(chroma_s, 1), "bm25": round(bm25_s, 1), "total": round(chroma_s + bm25_s, 1)},
        **_latencies(questions, store, embedder, settings),
    }
    # the same questions limited to one outlet of ten (10% of the passages), and to one outlet
    # and one year of ten (1%): the filter is pushed down to both searches
    middle = (n_passages // per_doc) // 2  # a document that exists whatever the corpus size
    year = str((date(2015, 1, 1) + timedelta(days=(middle * 37) % 3650)).year)
    outlet = f"Outlet {middle % 10}"
    # the first filtered search in a process reads every vector into memory (once)
    load_s, matrix = timed(store.vector_matrix)
    result["large"]["filter_vectors"] = {"load_s": round(load_s, 2), "mb": round(matrix.nbytes / 2**20, 1)}
    result["large"]["filtered"] = []
    for narrow in (make_filters([outlet], None, None, store.sources()), make_filters([outlet], year, year, store.sources())):
        say(f"filtered retrieval on {n_passages:,} passages ({narrow.describe()})")
        filtered = _latencies(questions, store, embedder, settings, narrow)
        result["large"]["filtered"].append({
            "filter": narrow.describe(),
            "passages_matching": len(store.collection.get(where=narrow.where(), include=[])["ids"]),
            **filtered,
            "ratio_to_unfiltered": round(filtered["retrieve_ms"]["median"] / result["large"]["retrieve_ms"]["median"], 2),
        })
    store.drop()
    shutil.rmtree(workdir / "scale-chroma", ignore_errors=True)
    return result


# --- answer: ours vs the same prompt sent straight to llama.cpp ---------------------------


class Recording:
    """A chat model that remembers the messages of its last call."""

    def __init__(self, llm) -> None:
        self.llm, self.name, self.last = llm, llm.name, None

    def stream(self, messages, **kwargs):
        self.last = list(messages)
        return self.llm.stream(messages, **kwargs)


def raw_completion(base_url: str, model: str, messages, *, max_tokens: int, temperature: float,
                   stream: bool = True) -> dict:
    """One chat completion over plain HTTP (no client library): time to the first text and
    to the end, or the usage when not streaming."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    body = json.dumps({"model": model, "messages": messages, "max_tokens": max_tokens,
                       "temperature": temperature, "stream": stream, "seed": 0})
    started = time.perf_counter()
    conn.request("POST", url.path.rstrip("/") + "/chat/completions", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    if not stream:
        data = json.loads(response.read())
        conn.close()
        return {"usage": data.get("usage", {}), "total_s": time.perf_counter() - started}
    first, parts = None, []
    for line in response:
        if not line.startswith(b"data: "):
            continue
        payload = line[6:].strip()
        if payload == b"[DONE]":
            break
        chunk = json.loads(payload)
        content = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content")
        if content:
            if first is None:
                first = time.perf_counter() - started
            parts.append(content)
    conn.close()
    return {"first_token_s": first, "total_s": time.perf_counter() - started, "text": "".join(parts)}


def bench_answer(assistant_factory, llm, questions: Sequence[str], runs: int, settings: Settings, say: Say) -> dict:
    """Time to first token and total, ours (from the question) vs the identical prompt sent
    straight to the llama.cpp server. Before each measurement the server has read the fixed
    prompt start (as after any earlier question), so both sides start from the same cache."""
    recording = Recording(llm)
    messages: dict[str, list] = {}
    rows = {q: {"ours_ttft": [], "raw_ttft": [], "ours_total": [], "raw_total": []} for q in questions}
    prompt_tokens: dict[str, int] = {}

    assistant = assistant_factory(recording)

    def ours(q: str) -> None:
        assistant.new_conversation()
        assistant.warm_up()
        started = time.perf_counter()
        first = None
        for event in assistant.stream(q):
            if first is None and type(event).__name__ == "Delta":
                first = time.perf_counter() - started
        rows[q]["ours_total"].append(time.perf_counter() - started)
        if first is not None:
            rows[q]["ours_ttft"].append(first)
        messages[q] = recording.last

    def raw(q: str) -> None:
        assistant.warm_up()
        got = raw_completion(llm.base_url, llm.name, messages[q], max_tokens=settings.llm_max_tokens,
                             temperature=settings.llm_temperature)
        if got["first_token_s"] is not None:
            rows[q]["raw_ttft"].append(got["first_token_s"])
        rows[q]["raw_total"].append(got["total_s"])

    for run in range(runs):
        for i, q in enumerate(questions):
            say(f"answer run {run + 1}/{runs}, question {i + 1}/{len(questions)}")
            for side in ((ours, raw) if run % 2 == 0 else (raw, ours)):
                side(q)
            if q not in prompt_tokens:
                usage = raw_completion(llm.base_url, llm.name, messages[q], max_tokens=1, temperature=0,
                                       stream=False)["usage"]
                prompt_tokens[q] = int(usage.get("prompt_tokens", 0))

    def med(q: str, key: str) -> float | None:
        return summary(rows[q][key])["median"] if rows[q][key] else None

    per_question = [
        {"question": q, "prompt_tokens": prompt_tokens.get(q),
         "ours_first_token_s": med(q, "ours_ttft"), "raw_first_token_s": med(q, "raw_ttft"),
         "ours_total_s": med(q, "ours_total"), "raw_total_s": med(q, "raw_total")}
        for q in questions
    ]
    ttft_ratios = [r for p in per_question if (r := ratio(p["ours_first_token_s"], p["raw_first_token_s"], 3))]
    total_ratios = [r for p in per_question if (r := ratio(p["ours_total_s"], p["raw_total_s"], 3))]
    return {
        "questions": len(questions),
        "runs": runs,
        "prompt_tokens": summary([float(t) for t in prompt_tokens.values()], 0),
        "ours_first_token_s": summary([x for r in rows.values() for x in r["ours_ttft"]]),
        "raw_first_token_s": summary([x for r in rows.values() for x in r["raw_ttft"]]),
        "ours_total_s": summary([x for r in rows.values() for x in r["ours_total"]]),
        "raw_total_s": summary([x for r in rows.values() for x in r["raw_total"]]),
        "first_token_ratio": summary(ttft_ratios),
        "total_ratio": summary(total_ratios),
        "per_question": per_question,
    }


# --- cold start and memory of real processes --------------------------------------------


def bench_cold_start(questions: Sequence[str], data_dir: Path, runs: int, say: Say, *, serve: bool) -> dict:
    """From the start of a `qa ask` process to its first streamed word on a terminal:
    with no model server running (it starts its own), and with `qa serve` running. Each
    run asks another question, and before each warm run the server reads the fixed prompt
    start again (as after any earlier question): no run finds its own prompt cached."""
    env = {**os.environ, "QA_DATA_DIR": str(data_dir), "COLUMNS": "100"}
    env.pop("QA_LLM_BASE_URL", None)
    result: dict = {}

    def runs_of(label: str, before_each: Callable[[], None] = lambda: None) -> dict:
        got = []
        for run in range(runs):
            say(f"cold start ({label}) run {run + 1}/{runs}")
            before_each()
            r = run_on_terminal([qa_command(), "ask", questions[run % len(questions)]], env)
            if r["exit_code"] != 0:
                raise RuntimeError(f"qa ask failed ({label}): {r['output'][-300:]}")
            got.append(r)
        return {
            "first_token_s": summary([r["first_output_s"] for r in got if r["first_output_s"] is not None]),
            "exit_s": summary([r["exit_s"] for r in got]),
            "peak_rss_qa_mib": summary([r["peak_rss_mib"] for r in got], 1),
            "peak_rss_model_server_mib": summary([r["peak_rss_child_mib"] for r in got if r["peak_rss_child_mib"]], 1),
        }

    result["no_server"] = runs_of("no server")
    if serve:
        from qa.answering.generate import build_messages
        from qa.models.model_file import MODEL_NAME

        server = subprocess.Popen([qa_command(), "serve"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            line = server.stdout.readline() if server.stdout else ""
            if not line.startswith("serving "):
                raise RuntimeError("qa serve did not start")
            url = line.split()[1]
            warm = build_messages("warm-up", [], [])
            result["warm_server"] = runs_of("warm server", lambda: raw_completion(
                url, MODEL_NAME, warm, max_tokens=1, temperature=0, stream=False))
        finally:
            server.terminate()
            server.wait(timeout=30)
    else:
        result["warm_server"] = None
    return result


def bench_tui_memory(question: str, data_dir: Path, say: Say) -> dict:
    """Peak RSS of the chat app (headless, the real stack) while it answers one question."""
    say("TUI memory")
    env = {**os.environ, "QA_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-m", "evals.bench.tui_probe", question], env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"TUI probe failed: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- end to end: ours vs the llama-index baseline ---------------------------------------


def bench_end_to_end(cases, store: Store, settings: Settings, embedder, llm, runs: int, say: Say) -> dict:
    """Seconds per question, ours vs the plain llama-index pipeline, on the same questions:
    over our passages (as `qa eval` compares), and from the files on with its own defaults
    (1024-token chunks; one run). Each system answers all of them in a row (its own prompt stays in the server's cache,
    as for a user of that system), after one untimed question; the order alternates."""
    from evals.baseline import openai_like
    from evals.runner import score
    from evals.systems import LlamaIndexBaseline, Ours

    base_llm = openai_like(base_url=llm.base_url, model=llm.name, api_key=None,
                           max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                           timeout=settings.llm_timeout, context_window=settings.server_context)
    systems = {
        "ours": Ours(settings, embedder, llm),
        "baseline": LlamaIndexBaseline(embedder, base_llm),
        # llama-index from the files on, with its own 1024-token chunks: slow (long prompts),
        # so it answers the questions once.
        "baseline_defaults": LlamaIndexBaseline(embedder, base_llm, out_of_the_box_folder=seeds_dir()),
    }
    latency: dict[str, list[float]] = {name: [] for name in systems}
    correct: dict[str, list[bool]] = {name: [] for name in systems}
    for run in range(runs):
        order = ["ours", "baseline"] if run % 2 == 0 else ["baseline", "ours"]
        if run == 0:
            order.append("baseline_defaults")
        for name in order:
            system = systems[name]
            system.run(cases[0], store)  # untimed: the system's own prompt into the cache
            for i, case in enumerate(cases):
                say(f"end to end run {run + 1}/{runs}: {name} {i + 1}/{len(cases)}")
                outcome = system.run(case, store)
                latency[name].append(outcome.latency_ms / 1000)
                if run == 0 and case.answerable:
                    correct[name].append(score(case, outcome)["correct"])
    per_question = {name: summary(v) for name, v in latency.items()}
    return {
        "questions": len(cases),
        "runs": runs,
        "seconds_per_question": per_question,
        "speedup_vs_baseline": ratio(per_question["baseline"]["median"], per_question["ours"]["median"]),
        "speedup_vs_baseline_defaults": ratio(per_question["baseline_defaults"]["median"],
                                              per_question["ours"]["median"]),
        "correct_answerable": {name: f"{sum(v)}/{len(v)}" for name, v in correct.items()},
    }


def seeds_store(embedder, workdir: Path, settings: Settings) -> Store:
    store = Store(workdir / "data" / "chroma", collection=settings.collection, model_id=embedder.model_id,
                  rebuild=True)
    ingest([seeds_dir()], store=store, embedder=embedder, chunk_size=settings.chunk_size,
           chunk_overlap=settings.chunk_overlap)
    return store
