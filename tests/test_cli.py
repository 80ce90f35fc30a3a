"""The `qa` command's contract: help, one-line errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )


def test_help_lists_the_commands():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("ingest", "ask", "status", "chat", "eval"):
        assert command in proc.stdout


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_is_a_one_line_error(question):
    proc = run("ask", question)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: the question is empty")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_huge_question_is_refused_before_any_work(tmp_path):
    data = tmp_path / "fresh-data"
    proc = run("ask", "why?" * 25_000, env={"QA_DATA_DIR": str(data)})
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: the question is 100,000 characters long; the limit is 2,000 (QA_MAX_QUESTION_CHARS)"
    )
    assert not data.exists()  # no store opened, no seeds ingested, no model started


def test_missing_path_is_a_one_line_error(tmp_path):
    proc = run("ingest", str(tmp_path / "missing"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'missing'}: no such file or folder"


def test_invalid_setting_is_a_one_line_error():
    proc = run("ask", "anything", env={"QA_TOP_K": "many"})
    assert proc.returncode == 1
    assert "QA_TOP_K" in proc.stderr and "Traceback" not in proc.stderr


def test_unreachable_endpoint_says_what_to_do(tmp_path):
    # a store with the seeds, then an endpoint on a closed loopback port
    env = {"QA_LLM_BASE_URL": "http://127.0.0.1:9/v1", "QA_LLM_TIMEOUT": "5"}
    proc = run("ask", "How far is Qaim from Baghdad?", env=env)
    assert proc.returncode == 1
    assert "cannot reach the model at http://127.0.0.1:9/v1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ingest_reports_bad_files_and_exits_nonzero(tmp_path):
    (tmp_path / "good.txt").write_text("A proper headline for a story\n\nThe dam was finished in May.\n")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00binary")
    proc = run("ingest", str(tmp_path))
    assert proc.returncode == 1
    assert "1 added" in proc.stdout and "1 failed" in proc.stdout
    assert "binary file" in proc.stderr


def test_rebuild_with_a_bad_path_keeps_the_store(tmp_path):
    (tmp_path / "a.txt").write_text("A proper headline for a story\n\nThe dam was finished in May.\n")
    env = {"QA_DATA_DIR": str(tmp_path / "data")}
    assert run("ingest", str(tmp_path / "a.txt"), env=env).returncode == 0
    proc = run("ingest", "--rebuild", str(tmp_path / "missing"), env=env)
    assert proc.returncode == 2
    status = run("status", "--json", env=env)
    assert '"documents": 1' in status.stdout


def test_eval_with_a_missing_thresholds_file_fails_before_starting_the_model(tmp_path):
    proc = run("eval", "--thresholds", str(tmp_path / "none.toml"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'none.toml'}: no thresholds found"


def test_eval_judge_without_an_endpoint_says_what_to_set(tmp_path):
    proc = run("eval", "--judge", "--out", str(tmp_path / "out"), env={"QA_JUDGE_BASE_URL": ""})
    assert proc.returncode == 1 and "QA_JUDGE_BASE_URL" in proc.stderr and "Traceback" not in proc.stderr


HEAVY = ("torch", "sentence_transformers", "transformers", "llama_cpp", "chromadb", "nltk", "openai", "textual",
         "pydantic_settings", "qa.assistant")


def test_help_loads_no_heavy_module():
    """`qa --help` must stay instant: the models, the store and the UI load on first use."""
    probe = (
        "import sys\nsys.argv = ['qa', '--help']\nimport qa.cli\n"
        "try:\n    qa.cli.main()\nexcept SystemExit:\n    pass\n"
        f"print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "serve" in proc.stdout and "bench" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == "loaded:"


def test_answering_a_question_loads_neither_nltk_nor_llama_index():
    """NLTK's import took 0.9-1.4 s of every `qa ask` start, for a stemmer: the question
    path (BM25 over the passages, the checks) must not load it, nor llama-index."""
    probe = (
        "import sys\nimport qa.assistant\nfrom qa.index.lexical import LexicalIndex\n"
        "from qa.text import content_stems, tokens_for_search\n"
        "index = LexicalIndex(['a', 'b'], ['Troops entered the city on Friday.', 'The ferry sank.'])\n"
        "assert tokens_for_search('Troops entered') == ['troop', 'enter'], tokens_for_search('Troops entered')\n"
        "content_stems('Who commanded the troops?')\n"
        "print('loaded:' + ','.join(m for m in ('nltk', 'llama_index') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "loaded:"


def test_the_package_names_still_import():
    import qa

    assert qa.Assistant.__name__ == "Assistant" and callable(qa.ask) and qa.QAError
    assert set(qa.__all__) <= set(dir(qa))
    with pytest.raises(AttributeError):
        qa.nothing_here  # noqa: B018


def test_serve_with_an_endpoint_set_says_there_is_nothing_to_serve():
    proc = run("serve", env={"QA_LLM_BASE_URL": "http://127.0.0.1:9/v1"})
    assert proc.returncode == 1
    assert "there is no embedded model to serve" in proc.stderr and "Traceback" not in proc.stderr
