"""Right, wrongly refused and absent refused per split and over all splits, scored with
the current labels and scorer (`evals.cases.load_archive`, `evals.scoring.is_correct`),
from the JSON lines `sweep.py` wrote (DIR/split-SEED.jsonl)."""

import json
import sys
from pathlib import Path

from evals.cases import ARCHIVE_SEED, load_archive
from evals.scoring import is_correct

SEEDS = {"fixed": ARCHIVE_SEED, "7": 7, "11": 11, "23": 23, "31": 31}

for folder in map(Path, sys.argv[1:]):
    total = [0, 0, 0, 0, 0]
    for name, seed in SEEDS.items():
        path = folder / f"split-{name}.jsonl"
        if not path.is_file():
            continue
        archive = load_archive(seed=seed)
        facts = {c.id: c.facts for c in archive.answerable}
        absent = {c.id for c in archive.absent}
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        answerable = [r for r in rows if r["id"] in facts]
        removed = [r for r in rows if r["id"] in absent]
        right = sum(not r["refused"] and is_correct(r["answer"], facts[r["id"]]) for r in answerable)
        wrongly = sum(r["refused"] for r in answerable)
        refused = sum(r["refused"] for r in removed)
        print(f"{folder.name} split {name:5}: right {right}/{len(answerable)}, wrongly refused {wrongly}, "
              f"absent refused {refused}/{len(removed)}")
        for i, v in enumerate((len(answerable), right, wrongly, len(removed), refused)):
            total[i] += v
    n, right, wrongly, m, refused = total
    print(f"{folder.name} all: right {right / n:.1%} ({right}/{n}), wrongly refused {wrongly / n:.1%}, "
          f"absent refused {refused / m:.1%} ({refused}/{m})")
