"""A real browser for the dashboard's tests: Playwright (PyPI) driving the system's Chromium
(Debian's ``chromium``; CI installs it), headless, with a fresh profile.

Tests that need it skip, saying why, only when no Chromium can be found; ``TELEMOCK_CHROMIUM``
names another binary.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}


def chromium_path() -> str | None:
    """The Chromium binary to drive, or None when this machine has none."""
    named = os.environ.get("TELEMOCK_CHROMIUM")
    for candidate in (named, "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None
