"""Checks of the project's shape: the README documents every setting and its links
resolve; qa/ has no UI and its stages are layered; the failure-mode table names real tests."""

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


def test_core_does_not_import_the_ui_and_its_stages_are_layered():
    linter = shutil.which("lint-imports", path=str(Path(__import__("sys").executable).parent))
    assert linter, "import-linter is not installed"
    proc = subprocess.run([linter], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "layered" in proc.stdout and " KEPT" in proc.stdout  # the layers contract ran


def test_qa_keeps_few_modules_at_its_top_and_every_stage_says_what_it_may_import():
    top = sorted(p.name for p in (REPO / "qa").glob("*.py"))
    assert len(top) <= 10, top
    for init in (REPO / "qa").glob("*/__init__.py"):
        doc = init.read_text(encoding="utf-8")
        assert doc.startswith('"""') and "May import" in doc, init


def test_links_in_the_readme_and_docs_resolve():
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "evals" / "README.md"]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            doc = (page.parent / path).resolve() if path else page
            if not doc.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and doc.suffix == ".md":
                slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                         for h in re.findall(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), re.MULTILINE)}
                if anchor not in slugs:
                    broken.append(f"{page.name}: {target}")
    assert not broken
    assert len((REPO / "README.md").read_text(encoding="utf-8").encode()) < 12 * 1024


def test_every_test_named_in_the_failure_mode_table_exists():
    section = (REPO / "docs" / "failure-modes.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
    assert len(named) >= 40
    missing = [f"{f}::{t}" for f, t in named
               if not re.search(rf"^def {t}\(", (REPO / f).read_text(encoding="utf-8"), re.MULTILINE)]
    assert not missing
