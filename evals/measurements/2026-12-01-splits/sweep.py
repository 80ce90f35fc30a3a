"""Ask every question of both halves of one archive split through the real pipeline
(embedded model), one JSON line per question.

Not part of `qa eval`: it runs whole halves rather than `--limit` of each, and keeps the
model's replies in a cache keyed by the exact messages (`dbm`), so that a change to the
checks alone replays every split in seconds and a change to the prompts calls the model
only for the prompts it changed. The store must be built first (`--build`).

    python evals/measurements/2026-12-01-splits/sweep.py --build SEED WORK_DIR
    python evals/measurements/2026-12-01-splits/sweep.py SEED WORK_DIR OUT.jsonl
    python evals/measurements/2026-12-01-splits/summary.py DIR...

SEED is a split seed (`fixed` for the fixed split); WORK_DIR holds the split's store and
the reply cache.
"""

import dbm
import hashlib
import json
import os
import sys
from pathlib import Path


class Cached:
    """A chat model whose replies are kept by the exact messages (temperature 0)."""

    def __init__(self, inner, path: str) -> None:
        self.inner, self.path, self.log = inner, path, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def stream(self, messages, max_tokens=None, temperature=None, **kw):
        request = [messages, max_tokens, temperature] + ([kw["extra"]] if kw.get("extra") else [])
        key = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
        with dbm.open(self.path, "c") as db:
            text = db[key].decode() if key in db else None
        if text is None:
            text = "".join(self.inner.stream(messages, max_tokens=max_tokens, temperature=temperature, **kw))
            with dbm.open(self.path, "c") as db:
                db[key] = text.encode()
        self.log.append(text)
        yield text


def main() -> None:
    build = sys.argv[1] == "--build"
    seed_name, work = sys.argv[1 + build], Path(sys.argv[2 + build])
    os.environ["QA_DATA_DIR"] = str(work / f"split-{seed_name}")
    from evals.cases import ARCHIVE_SEED, load_archive
    from evals.scoring import is_correct
    from qa.articles.ingest import seeds_dir
    from qa.assistant import Assistant
    from qa.settings import Settings

    archive = load_archive(seed=ARCHIVE_SEED if seed_name == "fixed" else int(seed_name))
    assistant = Assistant(settings=Settings())
    if build:
        folder = work / f"split-{seed_name}-files"
        folder.mkdir(parents=True, exist_ok=True)
        for doc_id, text in archive.corpus:
            (folder / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        print(assistant.ingest_items([folder, seeds_dir()]).summary())
        return
    assistant._llm = Cached(assistant.start_model(), str(work / "replies"))
    with open(sys.argv[3], "w") as out:
        for case in archive.answerable + archive.absent:
            assistant._llm.log = []
            answer = assistant.ask(case.question, standalone=True)
            ok = (not answer.refused and is_correct(answer.text, case.facts)) if case.answerable else answer.refused
            out.write(json.dumps({
                "id": case.id, "q": case.question, "answerable": case.answerable, "refused": answer.refused,
                "ok": ok, "answer": answer.text, "docs": [p.doc_id for p in answer.passages],
                "gold": list(case.docs or []), "raw": list(assistant._llm.log),
            }) + "\n")


if __name__ == "__main__":
    main()
