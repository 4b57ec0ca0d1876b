"""The README's control-plane curl examples work as written (through the same checks a real
curl request meets: Host, no Origin, its headers and body)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

README = Path(__file__).resolve().parents[2] / "README.md"


def control_examples() -> list[list[str]]:
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    return [shlex.split(line.strip()) for line in text.splitlines()
            if line.strip().startswith("curl ") and "/_emulator" in line]


def test_the_readme_control_plane_examples_work(emu_factory: Any) -> None:
    examples = control_examples()
    assert len(examples) >= 2
    client = emu_factory("voipcloud").client("voipcloud")
    for argv in examples:
        headers: dict[str, str] = {}
        body, method, url = b"", "GET", ""
        args = iter(argv[1:])
        for arg in args:
            if arg == "-H":
                name, _, value = next(args).partition(":")
                headers[name.strip().lower()] = value.strip()
            elif arg == "-d":
                body, method = next(args).encode(), "POST"
                headers.setdefault("content-type", "application/x-www-form-urlencoded")  # what curl -d sends
            elif arg == "-X":
                method = next(args)
            elif re.match(r"https?://", arg):
                url = arg
        parts = urlsplit(url)
        headers["host"] = parts.netloc  # e.g. 127.0.0.1:8085, as curl sends it
        r = client.request(method, parts.path, content=body, headers=headers)
        assert r.status_code < 300, (argv, r.status_code, r.text)
