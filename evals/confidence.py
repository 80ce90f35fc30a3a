"""Does the model's own confidence tell right answers from wrong ones? (issue 18)

Runs our pipeline over eval suites; for every answer it gives (not refused), asks the
model yes/no questions and reads P(yes) from the first reply token's log-probabilities,
not from its argmax:

- `answer`: the responsiveness prompt the pipeline already asks (`prompts/check_answer.txt`),
  question and answer only;
- `grounded`: the question, the answer and the passages it cites
  (`prompts/check_grounded.txt`): do they say this is the answer, for the same person,
  place, year and event?

Writes every case's signals and whether the answer was right, and per signal and suite the
AUROC (right vs wrong answers) and what correctness and refusals would become if answers
under a threshold were refused.

    python -m evals.confidence --base-url http://127.0.0.1:8391/v1 --answer-url http://127.0.0.1:8392/v1 \
        --model M --suite dev --suite archive --out confidence.json

The endpoint must return logprobs: llama-cpp-python's server does only when started with
`--logits_all True`, which makes every prompt much slower (a 407-token prompt: 9.9 s
against 1.8 s); so the answers can come from another server of the same model
(`--answer-url`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
from datetime import UTC, datetime
from pathlib import Path

from evals.runner import load_suite, run_suite
from evals.systems import Ours
from qa.answering import prompts
from qa.answering.citations import all_markers, strip_markers

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SIGNALS = ("answer", "grounded")


def p_yes(client, model: str, content: str) -> float:
    """P(yes) / (P(yes) + P(no)) over the first token's top log-probabilities."""
    reply = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": content}], max_tokens=1, temperature=0.0,
        logprobs=True, top_logprobs=10,
    )
    top = reply.choices[0].logprobs.content[0].top_logprobs
    yes = sum(math.exp(t.logprob) for t in top if t.token.strip().lower() == "yes")
    no = sum(math.exp(t.logprob) for t in top if t.token.strip().lower() == "no")
    return yes / (yes + no) if yes + no else 0.5


def auroc(scores_right: list[float], scores_wrong: list[float]) -> float | None:
    """P(a right answer scores above a wrong one), ties counted half (Mann-Whitney U):
    a dozen lines, not worth a dependency on scikit-learn."""
    if not scores_right or not scores_wrong:
        return None
    wins = sum((r > w) + 0.5 * (r == w) for r in scores_right for w in scores_wrong)
    return wins / (len(scores_right) * len(scores_wrong))


class WithConfidence(Ours):
    """Ours, plus the confidence signals of each answer it gives."""

    def __init__(self, settings, embedder, llm, client, model: str) -> None:
        super().__init__(settings, embedder, llm)
        self.client, self.model = client, model
        self.signals: dict[tuple[str, str], dict[str, float]] = {}

    def run(self, case, store):
        outcome = super().run(case, store)
        if outcome.refused or outcome.error or not outcome.text:
            return outcome
        answer = strip_markers(outcome.text)
        cited = [outcome.passages[n - 1] for n in sorted(set(all_markers(outcome.text))) if 0 < n <= len(outcome.passages)]
        passages = "\n\n".join(f"[{i}] {text}" for i, text in enumerate(cited, start=1))
        self.signals[(case.suite, case.id)] = {
            "answer": p_yes(self.client, self.model,
                            prompts.load("check_answer").render(question=case.question, answer=answer)),
            "grounded": p_yes(self.client, self.model, prompts.load("check_grounded").render(
                question=case.question, answer=answer, passages=passages)),
        }
        return outcome


def summarise(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    absent = [r for r in rows if not r["answerable"]]
    given = [r for r in rows if "signals" in r]
    out: dict = {"cases": len(rows), "answered": len(given), "answered_right": sum(r["correct"] for r in given)}
    for signal in SIGNALS:
        right = [r["signals"][signal] for r in given if r["correct"]]
        wrong = [r["signals"][signal] for r in given if not r["correct"]]
        trade = []
        for t in THRESHOLDS:
            def kept(r: dict) -> bool:
                return "signals" in r and r["signals"][signal] >= t
            trade.append({
                "threshold": t,
                "answerable_right": _share(sum(r["correct"] and kept(r) for r in answerable), len(answerable)),
                "absent_refused": _share(sum(not kept(r) for r in absent), len(absent)),
                "answerable_refused": _share(sum(not kept(r) for r in answerable), len(answerable)),
            })
        out[signal] = {"auroc": auroc(right, wrong), "right": len(right), "wrong": len(wrong), "trade_off": trade}
    out["as_is"] = {
        "answerable_right": _share(sum(r["correct"] for r in answerable), len(answerable)),
        "absent_refused": _share(sum(r["refused"] for r in absent), len(absent)),
        "answerable_refused": _share(sum(r["refused"] for r in answerable), len(answerable)),
    }
    return out


def _share(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def main() -> None:
    import openai

    from qa import Settings
    from qa.runtime import default_embedder, make_llm

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="An OpenAI-compatible endpoint that returns logprobs.")
    parser.add_argument("--answer-url", help="Where the pipeline's answers come from (default: --base-url).")
    parser.add_argument("--model", required=True)
    parser.add_argument("--suite", action="append", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    os.environ["QA_LLM_BASE_URL"] = args.answer_url or args.base_url
    os.environ["QA_LLM_MODEL"] = args.model
    settings = Settings()
    embedder = default_embedder()
    system = WithConfidence(settings, embedder, make_llm(settings),
                            openai.OpenAI(base_url=args.base_url, api_key="not-needed"), args.model)
    result: dict = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "limit": args.limit, "suites": {}}
    for name in args.suite:
        suite = run_suite(name, load_suite(name, args.limit), [system], embedder=embedder,
                          chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                          progress=lambda done, total, what: print(f"[{done}/{total}] {what}", flush=True))
        rows = []
        for record in suite.cases:
            row = {k: record[k] for k in ("id", "suite", "question", "answerable", "answer", "refused", "correct")}
            signals = system.signals.get((record["suite"], record["id"]))
            if signals:
                row["signals"] = {k: round(v, 4) for k, v in signals.items()}
            rows.append(row)
        by_suite: dict[str, list[dict]] = {}
        for row in rows:
            by_suite.setdefault(row["suite"], []).append(row)
        for suite_name, suite_rows in by_suite.items():
            result["suites"][suite_name] = {"summary": summarise(suite_rows), "cases": suite_rows}
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, data in result["suites"].items():
        s = data["summary"]
        print(name, "as is", s["as_is"], {k: s[k]["auroc"] for k in SIGNALS})


if __name__ == "__main__":
    main()
