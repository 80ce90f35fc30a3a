"""Measure a second try after the checks refuse a cited draft, over both halves of one
archive split: ask again over the passages the refused draft did not cite, put the new
draft through the same checks (and the responsive check), and keep both verdicts.

Not part of the product: `focus.py` asks again only when an answer survived the checks,
never after a refusal. This measures what asking after a refusal would do, with the
reply cache of `sweep.py` (the first drafts replay; only the second tries call the model).

    python evals/measurements/2026-12-01-splits/retry_sweep.py SEED WORK_DIR OUT.jsonl
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from sweep import Cached  # noqa: E402


def main() -> None:
    seed_name, work = sys.argv[1], Path(sys.argv[2])
    os.environ["QA_DATA_DIR"] = str(work / f"split-{seed_name}")
    from evals.cases import ARCHIVE_SEED, load_archive
    from evals.scoring import is_correct
    from qa.answering import focus, generate
    from qa.answering.citations import split_claims
    from qa.answering.responsive import answers_question
    from qa.assistant import Assistant
    from qa.settings import Settings
    from qa.types import Timings

    archive = load_archive(seed=ARCHIVE_SEED if seed_name == "fixed" else int(seed_name))
    assistant = Assistant(settings=Settings())
    llm = assistant._llm = Cached(assistant.start_model(), str(work / "replies"))
    settings = assistant.settings
    with open(sys.argv[3], "w") as out:
        for case in archive.answerable + archive.absent:
            llm.log = []
            answer = assistant.ask(case.question, standalone=True)
            first, passages = list(llm.log), answer.passages

            def verdict(a) -> bool:
                return (not a.refused and is_correct(a.text, case.facts)) if case.answerable else a.refused

            row = {"id": case.id, "q": case.question, "answerable": case.answerable, "refused": answer.refused,
                   "ok": verdict(answer), "answer": answer.text, "retried": False}
            cited = {n for c in split_claims(first[0], len(passages)) for n in c.cited} if first else set()
            rest = [n for n in range(1, len(passages) + 1) if n not in cited]
            if answer.refused and cited and rest:  # a draft with citations, refused by the checks
                reply = "".join(llm.stream(
                    generate.build_messages(case.question, [passages[n - 1] for n in rest], []),
                    max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
                ))
                second = generate.finish(case.question, focus.renumber(reply, rest), passages, Timings(),
                                         assistant._articles(passages))
                if not second.refused and settings.check_responsive and not answers_question(
                        case.question, second.text, llm):
                    second = generate.refusal(case.question, passages, Timings())
                row.update(retried=True, raw2=reply, answer2=second.text, refused2=second.refused,
                           ok2=verdict(second))
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
