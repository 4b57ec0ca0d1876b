"""The project's documents are true on a fresh clone or a pip install: they name no file outside
the checkout (the vendor documents are cited by name and section), no machine's paths, and
every relative link and every file a comment of .ci/run names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md",
             ROOT / "contracts" / "README.md", ROOT / ".ci" / "run",
             *sorted((ROOT / "bench").glob("*.py"))]
OUTSIDE = re.compile(r"\.\./shared|shared/(seeds|catalog|roadmap|tools)|/work/|/home/\w|/Users/\w")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_points_outside_the_checkout(path: Path) -> None:
    bad = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for n, line in
           enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if OUTSIDE.search(line)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.suffix == ".md"], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path: Path) -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), f"{path.relative_to(ROOT)} links to {target}, which is not there"


def test_ci_run_comments_name_what_is_there() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    comments = " ".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for name in re.findall(r"[\w./-]+\.(?:py|md)", comments):
        assert (ROOT / name).exists(), f".ci/run names {name}, which is not there"
    for heading in re.findall(r'"([^"]+)"', comments):
        assert f"## {heading}\n" in (ROOT / "README.md").read_text(), f".ci/run names a README section {heading!r}"
    assert "test_ci_runs_exactly_the_readme_test_command" in (ROOT / "tests" / "test_packaging.py").read_text()
