"""The scenario library the dashboard offers: the ``*.yaml`` files of a ``scenarios/`` directory
in the directory the server was started from (a user's own flows), then the library that ships in
the package (``emulators.scenario.catalog``). Only file names listed from there are served (no
paths), each within the scenario size limit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

LIBRARY = "scenarios"
MAX_FILES = 500
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.ya?ml")
_FIELD = re.compile(r"^(name|vendors|description):[ \t]*(.*)$", re.M)


def library_dirs() -> list[Path]:
    from ..scenario.catalog import LIBRARY as PACKAGED
    found: list[Path] = []
    for folder in ((Path.cwd() / LIBRARY).resolve(), PACKAGED.resolve()):
        if folder.is_dir() and folder not in found:
            found.append(folder)
    return found


def library_files() -> dict[str, Path]:
    """File name -> path (the first directory that has a name wins)."""
    files: dict[str, Path] = {}
    for folder in library_dirs():
        for path in sorted(folder.glob("*.y*ml"))[:MAX_FILES]:
            if NAME.fullmatch(path.name) and path.name not in files and path.is_file():
                files[path.name] = path
    return files


def listing() -> list[dict[str, Any]]:
    """Each file with the name, vendors and description its top-level lines give."""
    out = []
    for name, path in library_files().items():
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:8192]
        except OSError:
            continue
        fields = {key: value.strip().strip("\"'") for key, value in _FIELD.findall(head)}
        vendors = [v.strip() for v in fields.get("vendors", "").strip("[]").split(",") if v.strip()]
        out.append({"file": name, "name": fields.get("name") or name, "vendors": vendors,
                    "description": fields.get("description", "")})
    return out


def read(name: str) -> str | None:
    """The text of library file ``name``, or None (unknown, unreadable, or too large to run)."""
    path = library_files().get(name)
    if path is None:
        return None
    from ..scenario.yamlpos import MAX_CHARS  # imports yaml: not at server start
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) <= MAX_CHARS else None
