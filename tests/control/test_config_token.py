"""``telemock serve --config``: an admin token YAML reads as a number is refused at start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def serve(config: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEMOCK_ADMIN_TOKEN"}
    return subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--config", str(config), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


@pytest.mark.parametrize("value", ["12345", "0", "true"])
def test_a_non_text_admin_token_is_refused_with_one_line(tmp_path: Path, value: str) -> None:
    config = tmp_path / "telemock.yaml"
    config.write_text(f"admin_token: {value}\n")
    proc = serve(config, "--vendor", "voipcloud", "--port", "0")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and out == ""
    assert err == f'telemock: {config}:1: admin_token must be text; put it in quotes (admin_token: "...")\n'


def test_a_quoted_numeric_token_works(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a free port
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "telemock.yaml"
    config.write_text(f'admin_token: "12345"\nvendors: [voipcloud]\nports: {{voipcloud: {port}}}\n')
    proc = serve(config)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.05)
        assert r.status_code == 401
        r = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", headers={"authorization": "bearer 12345"})
        assert r.status_code == 200 and r.json()["vendor"] == "voipcloud"
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
