"""Ask every question of both halves of one archive split through the baseline
(llama-index's CitationQueryEngine with its defaults, over the same Chroma collection,
embedder and embedded model as ours), one JSON line per question, for `summary.py`.

    python evals/measurements/2026-12-01-splits/baseline_sweep.py SEED WORK_DIR OUT.jsonl

The split's store must have been built by `sweep.py --build SEED WORK_DIR`. No reply
cache: the baseline's prompts are llama-index's, and its code does not change.
"""

import json
import os
import sys
from pathlib import Path


def main() -> None:
    seed_name, work, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    os.environ["QA_DATA_DIR"] = str(work / f"split-{seed_name}")
    from evals.baseline import Baseline, openai_like
    from evals.cases import ARCHIVE_SEED, load_archive
    from evals.scoring import is_correct, looks_like_refusal
    from qa.assistant import Assistant
    from qa.settings import Settings

    settings = Settings()
    assistant = Assistant(settings=settings)
    llm = assistant.start_model()
    base_llm = openai_like(base_url=llm.base_url, model=llm.name, api_key=None,
                           max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                           timeout=settings.llm_timeout, context_window=settings.server_context)
    baseline = Baseline(assistant.store.collection, assistant.embedder, base_llm)
    archive = load_archive(seed=ARCHIVE_SEED if seed_name == "fixed" else int(seed_name))
    with open(out, "w") as f:
        for case in archive.answerable + archive.absent:
            text = str(baseline.answer(case.question).response or "").strip()
            refused = looks_like_refusal(text)
            ok = (not refused and is_correct(text, case.facts)) if case.answerable else refused
            f.write(json.dumps({"id": case.id, "q": case.question, "answerable": case.answerable,
                                "refused": refused, "ok": ok, "answer": text}) + "\n")


if __name__ == "__main__":
    main()
