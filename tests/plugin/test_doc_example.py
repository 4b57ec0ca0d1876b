"""Every Python block in docs/PYTEST_PLUGIN.md runs as written: each is a test module, run by a
fresh pytest in an empty directory outside the checkout (as a user's suite would run them),
and every test in it passes. README's example is the page's first."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "PYTEST_PLUGIN.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def test_readme_shows_the_first_example() -> None:
    assert blocks(ROOT / "README.md")[0] == blocks(DOC)[0]
    assert len(blocks(DOC)[0].strip().splitlines()) <= 10


def test_every_documented_example_passes(tmp_path: Path) -> None:
    examples = blocks(DOC)
    assert len(examples) >= 3
    for n, code in enumerate(examples):
        (tmp_path / f"test_doc_{n}.py").write_text(code, encoding="utf-8")
    tests = sum(len(re.findall(r"^def test_", code, re.M)) for code in examples)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "-n", "0",
                           *[f"test_doc_{n}.py" for n in range(len(examples))]],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed.group(1)) >= tests and "skipped" not in done.stdout.splitlines()[-1], done.stdout
