"""The CLI, packaging and the documents that describe them stay true to each other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from support.receiver import free_port

ROOT = Path(__file__).resolve().parents[1]


def telemock(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulators.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, **kw)  # type: ignore[call-overload]


def test_help_names_every_command() -> None:
    out = telemock("--help").stdout
    assert "serve" in out and "scenario" in out
    serve = telemock("serve", "--help").stdout
    for flag in ("--vendor", "--host", "--port", "--seed", "--config", "--admin-token"):
        assert flag in serve


def test_public_bind_requires_an_admin_token() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEMOCK_ADMIN_TOKEN"}
    result = telemock("serve", "--host", "0.0.0.0", env=env)
    assert result.returncode == 2
    assert "--admin-token" in result.stderr


def test_unknown_vendor_is_refused() -> None:
    result = telemock("serve", "--vendor", "nosuch")
    assert result.returncode == 2 and "unknown vendor" in result.stderr


def test_serve_starts_answers_and_stops_on_sigint() -> None:
    port = free_port()
    status_port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                             "--vendor", "kerauno", "--listener-port", f"voipcloud={port}",
                             "--listener-port", f"kerauno={free_port()}",
                             "--listener-port", f"kerauno-status={status_port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.05)
        assert health.json()["vendor"] == "voipcloud"
        status = httpx.get(f"http://127.0.0.1:{status_port}/_emulator/health", timeout=2)
        assert status.json()["vendor"] == "kerauno"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert "voipcloud" in out and f":{port}" in out and "kerauno-status" in out
    finally:
        if proc.poll() is None:
            proc.kill()
