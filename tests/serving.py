"""Helpers for tests that run ``telemock`` as a user would: a subprocess, its exit status, its
one line on stderr, or a live server read through its banner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TELEMOCK = [sys.executable, "-m", "emulators.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEMOCK_ADMIN_TOKEN"}
    env.update(extra)
    return env


def telemock(*args: str, cwd: Path = ROOT, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("env", clean_env())
    return subprocess.run([*TELEMOCK, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, **kw)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a refused start prints on stderr (asserting there is exactly one)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


class Served:
    """``telemock serve ARGS`` in a subprocess, started once its banner is out."""

    def __init__(self, *args: str, env: dict[str, str] | None = None, prefix: list[str] | None = None,
                 command: list[str] | None = None) -> None:
        argv = [*(prefix or []), *(command or [*TELEMOCK, "serve", *args])]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     cwd=ROOT, env=env or clean_env(), start_new_session=True)
        self.banner: list[str] = []
        deadline = time.monotonic() + 30
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                self.stop()
                raise AssertionError(f"telemock serve did not start: {self.stderr}")
            self.banner.append(line.rstrip("\n"))
            if line.startswith("control plane:"):
                return
        self.stop()
        raise AssertionError(f"no banner within 30 s: {self.banner}")

    def line(self) -> str:
        """The next line on stdout (e.g. an access-log line)."""
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().rstrip("\n")

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.stderr = self.proc.stderr.read() if self.proc.stderr else ""
        return self.proc.returncode

    stderr = ""

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
