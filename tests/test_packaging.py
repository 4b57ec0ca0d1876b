"""Packaging: a fresh ``pip install .`` outside the checkout has the scenario library and runs
it by name; CI runs exactly the README's test command."""

from __future__ import annotations

import shutil
import subprocess
import venv
from pathlib import Path

from serving import ROOT

SOURCES = ("pyproject.toml", "README.md", "emulators")
"""What a build reads (the Dockerfile copies the same)."""


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert f"\n{ci}\n" in (ROOT / "README.md").read_text()


def test_a_fresh_install_runs_a_library_scenario_by_name(tmp_path: Path) -> None:
    """~30 s: a new virtual environment, the project built from a copy of its sources (the
    checkout stays untouched) with its dependencies from the package index, then the
    installed ``telemock`` run from an empty directory."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(origin, source / name)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    installed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(source)],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = subprocess.run([str(bin_dir / "telemock"), "scenario", "list"], capture_output=True, text=True,
                            cwd=elsewhere, timeout=120)
    assert listed.returncode == 0 and "transfer_attended" in listed.stdout, listed.stderr
    ran = subprocess.run([str(bin_dir / "telemock"), "scenario", "run", "transfer_attended", "--vendor", "kerauno",
                          "--instant"], capture_output=True, text=True, cwd=elsewhere, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("PASSED: attended transfer to another agent on kerauno")
    where = subprocess.run([str(bin_dir / "python"), "-c", "import emulators; print(emulators.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, timeout=60)
    assert where.stdout.startswith(str(env_dir))  # the installed copy, not the checkout
