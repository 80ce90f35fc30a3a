"""An optional LLM judge (llama-index's Faithfulness and Correctness evaluators).

Configured with QA_JUDGE_BASE_URL / QA_JUDGE_MODEL / QA_JUDGE_API_KEY; the value
`embedded` uses the embedded llama.cpp model (weak as a judge, but offline).
"""

from __future__ import annotations

from collections.abc import Sequence


class Judge:
    def __init__(self, llm, name: str) -> None:
        from llama_index.core.evaluation import (
            CorrectnessEvaluator,
            FaithfulnessEvaluator,
        )

        self.name = name
        self._faithfulness = FaithfulnessEvaluator(llm=llm)
        self._correctness = CorrectnessEvaluator(llm=llm)

    def supports(self, sentence: str, passages: Sequence[str]) -> bool:
        """Do the passages a sentence cites support it?"""
        return bool(self._faithfulness.evaluate(response=sentence, contexts=list(passages)).passing)

    def faithful(self, question: str, answer: str, passages: Sequence[str]) -> bool:
        """Is the whole answer supported by the passages given to the model?"""
        return bool(self._faithfulness.evaluate(query=question, response=answer, contexts=list(passages)).passing)

    def correct(self, question: str, answer: str, reference: str) -> bool:
        return bool(self._correctness.evaluate(query=question, response=answer, reference=reference).passing)
