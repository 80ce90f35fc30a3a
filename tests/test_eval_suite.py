"""The eval suite itself, with the real embedded model: CI fails when a metric misses its
threshold (evals/thresholds.toml). About half an hour, so it runs in CI (CI=true) or when
QA_RUN_EVALS=1; the report lands in eval-report/ci-<suite>/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUN = os.environ.get("CI", "").lower() not in {"", "0", "false"} or os.environ.get("QA_RUN_EVALS") == "1"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not RUN, reason="the eval suite takes about 30 minutes: set QA_RUN_EVALS=1 (CI sets CI=true)"),
]


@pytest.mark.timeout(3600)
# The archive (about 1,000 snippets and the seeds in one store) with 10 questions of each
# half and 10 dev questions: about 9 minutes; `qa eval --suite archive` runs it whole.
# The thresholds hold ours only: the baseline runs here only where its lead is a target
# (the archive). On dev and RGB it took 12 of the 40 minutes of a clean-clone CI run
# (whole run 57 min against the 60 aimed at); committed result runs keep it.
@pytest.mark.parametrize(("suite", "limit", "baseline"), [("dev", None, False), ("rgb", 20, False),
                                                         ("archive", 10, True)])
def test_eval_suite_meets_its_thresholds(suite: str, limit: int | None, baseline: bool, capsys):
    out = REPO / "eval-report" / f"ci-{suite}"
    cmd = [str(Path(sys.executable).parent / "qa"), "eval", "--suite", suite, "--out", str(out)]
    if limit:
        cmd += ["--limit", str(limit)]
    if not baseline:
        cmd += ["--no-baseline"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    with capsys.disabled():  # the table goes to the CI log, pass or fail
        print(f"\n{' '.join(cmd[1:])}\n{done.stdout}")
    assert (out / "eval.json").is_file(), done.stderr[-3000:]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
