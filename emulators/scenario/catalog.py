"""The scenario library that ships inside the package (``library/*.yaml``; a checkout also
shows it as ``scenarios/``): a scenario is named by its file name without ``.yaml``, and runs
by that name from anywhere (``telemock scenario run park``, ``run_scenario("park", ...)``).
"""

from __future__ import annotations

from pathlib import Path

LIBRARY = Path(__file__).resolve().parent / "library"
"""Where the library's files are, installed or in a checkout."""
SUFFIX = ".yaml"


def names() -> list[str]:
    """Every library scenario's name, sorted."""
    return sorted(p.name.removesuffix(SUFFIX) for p in LIBRARY.glob(f"*{SUFFIX}"))


def find(reference: str | Path) -> Path | None:
    """The library file ``reference`` names (``park`` or ``park.yaml``), or None: a path with
    a directory in it never names a library scenario."""
    text = str(reference)
    if not text or "/" in text or "\\" in text or text.startswith("."):
        return None
    path = LIBRARY / (text if text.endswith(SUFFIX) else text + SUFFIX)
    return path if path.is_file() else None


def resolve(reference: str | Path) -> Path:
    """A file that exists is itself; otherwise the library scenario of that name, if any (a
    missing file then fails as the path it is)."""
    path = Path(reference)
    if path.exists():
        return path
    return find(reference) or path
