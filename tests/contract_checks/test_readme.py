"""The README's "Contract checks" commands are commands the CLI takes; the sandbox one only reads
and names variables the vendor's contracts have."""

from __future__ import annotations

import re
import shlex

from emulators.cli import build_parser

from .helpers import ROOT


def readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Contract checks"):text.index("## Project layout")]
    section = re.sub(r">\n\s+", "", section)  # a YAML folded block is one command
    section = re.sub(r"\n\s{8}(?=--)", " ", section)
    commands = []
    for line in section.splitlines():
        found = re.search(r"(telemock contracts (?:verify|publish)[^`\n]*)", line)
        if found and "[" not in found.group(1):
            commands.append(shlex.split(found.group(1))[1:])
    return commands


def test_the_readme_commands_parse() -> None:
    commands = readme_commands()
    assert len(commands) >= 3
    parser = build_parser()
    for argv in commands:
        args = parser.parse_args(argv)
        assert args.command == "contracts"
    sandbox = next(a for a in commands if "--base-url" in a)
    args = parser.parse_args(sandbox)
    assert not args.allow_writes and args.format == "junit"
    assert set(dict(v.split("=", 1) for v in args.var)) <= {
        "user_number", "user_name", "number_to_call", "unknown_user_number", "queue_name", "ring_group_name",
        "unknown_name"}  # contracts/voipcloud/_vendor.yaml's variables
