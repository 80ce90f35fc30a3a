"""`sweep.py` with the second draft asked after every refused draft that has words to bar,
without `answerable_here`'s test that a passage holds a bound answer (measured, not adopted).

    python evals/measurements/2026-12-01-splits/second-draft-ungated/sweep_wrapper.py SEED WORK_DIR OUT.jsonl
"""
import runpy
import sys

import qa.answering.avoid as avoid

avoid.answerable_here = lambda *args, **kwargs: True
sys.argv = ["sweep.py"] + sys.argv[1:]
runpy.run_path("evals/measurements/2026-12-01-splits/sweep.py", run_name="__main__")
