"""Checks of the project's shape: the README documents every setting; qa/ has no UI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from qa.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def test_readme_documents_every_setting():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(QA_[A-Z_]+)`", readme))
    expected = {f"QA_{name.upper()}" for name in Settings.model_fields}
    assert expected <= documented, expected - documented


def test_core_does_not_import_the_ui():
    linter = shutil.which("lint-imports", path=str(Path(__import__("sys").executable).parent))
    assert linter, "import-linter is not installed"
    proc = subprocess.run([linter], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_test_named_in_the_failure_mode_table_exists():
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## When things go wrong", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
    assert len(named) >= 40
    missing = [f"{f}::{t}" for f, t in named
               if not re.search(rf"^def {t}\(", (REPO / f).read_text(encoding="utf-8"), re.MULTILINE)]
    assert not missing
