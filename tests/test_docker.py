"""The Docker image, as far as it can be tested without Docker: the Dockerfile's shape (slim,
non-root, health check, exposed ports) and what README says about it; its command and its
health check run for real, and a client on another address than loopback — the host, seen
from a container — works with the documented token out of the box.

That client lives in a network namespace the test makes (a veth pair between it and this
one), which needs root and ``ip``; without them that test is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from serving import ROOT, Served, clean_env

from emulators.vendors import load_vendors

from support.receiver import free_port

VC_TOKEN = "c0ffee0ddba11ad5eed5a1e5fee1900d"
KERAUNO_KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
USER_CALLS = "/api/integration/v1/get-user-calls"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def exec_form(args: str) -> list[str]:
    """An exec-form ``["a", "b"]`` argument list (the only form a health check should use)."""
    argv = json.loads(args)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv)
    return argv


def command() -> list[str]:
    return exec_form(next(rest for word, rest in final_stage() if word == "CMD"))


def health_command() -> list[str]:
    rest = next(rest for word, rest in final_stage() if word == "HEALTHCHECK")
    return exec_form(rest[rest.index("CMD") + 3:].strip())


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in final_stage():
        if word == "ENV":
            env.update(dict(part.split("=", 1) for part in shlex.split(rest)))
    return env


def local(argv: list[str]) -> list[str]:
    """The image's ``telemock ...`` as this environment runs it."""
    assert argv[0] == "telemock"
    script = Path(sys.executable).parent / "telemock"
    return [str(script) if script.exists() else sys.executable, *([] if script.exists() else
                                                                   ["-m", "emulators.cli"]), *argv[1:]]


DEFAULT_PORTS = {l.default_port for spec in load_vendors().values() for l in spec.listeners}


def test_the_image_is_small_and_runs_unprivileged() -> None:
    steps = instructions()
    bases = [rest.split()[0] for word, rest in steps if word == "FROM"]
    assert bases[-1].endswith("-slim"), bases
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    copies = [rest for word, rest in final_stage() if word == "COPY"]
    assert all(c.startswith("--from=") for c in copies), "the run stage takes only built wheels"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "*" in ignored and {"!pyproject.toml", "!README.md", "!emulators/"} <= set(ignored)


def test_exposed_ports_health_check_and_readme_agree() -> None:
    exposed = {int(p) for word, rest in final_stage() if word == "EXPOSE" for p in rest.split()}
    assert exposed == DEFAULT_PORTS
    readme = (ROOT / "README.md").read_text()
    docker = readme[readme.index("### Docker"):]
    docker = docker[: docker.index("\n## ")]
    assert " ".join(command()) in docker
    published = {int(a) for a, b in re.findall(r"-p (\d+):(\d+)", docker) if a == b}
    assert published == DEFAULT_PORTS, published
    assert " ".join(health_command()) in docker and "/_emulator/health" in docker
    assert image_env().get("TELEMOCK_ADMIN_TOKEN") and "TELEMOCK_ADMIN_TOKEN" in docker
    assert "ip_whitelist" in docker


def test_the_health_check_against_the_image_command_on_local_ports() -> None:
    """The image's command (with free ports instead of its defaults, which other things on
    this machine may hold) and its health check, with the image's environment."""
    ports = {l.name: free_port() for spec in load_vendors().values() for l in spec.listeners}
    moved = [arg for name, port in ports.items() for arg in ("--listener-port", f"{name}={port}")]
    env = clean_env(**image_env())
    first = next(iter(ports.values()))
    with Served(command=[*local(command()), *moved], env=env):
        healthy = subprocess.run([*local(health_command()), "--url", f"http://127.0.0.1:{first}"],
                                 capture_output=True, text=True, env=env, timeout=30)
        assert healthy.returncode == 0, healthy.stderr
        assert healthy.stdout.startswith(f"http://127.0.0.1:{first}/_emulator/health: ok")
        wrong = subprocess.run([*local(health_command()), "--url", f"http://127.0.0.1:{first}"],
                               capture_output=True, text=True, env=clean_env(), timeout=30)
        assert wrong.returncode == 1 and "answered 401" in wrong.stderr
    gone = subprocess.run([*local(health_command()), "--url", f"http://127.0.0.1:{first}"],
                          capture_output=True, text=True, env=env, timeout=30)
    assert gone.returncode == 1 and gone.stderr.startswith("telemock: no server answered")


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)


@pytest.fixture
def namespace() -> Iterator[tuple[str, str, str]]:
    """(namespace, address on this side, address inside): a network namespace joined to this
    one by a veth pair, like a container on a Docker bridge."""
    if os.geteuid() != 0:
        pytest.skip("creating a network namespace needs root")
    if shutil.which("ip") is None:
        pytest.skip("the ip command (iproute2) is not installed")
    tag = f"{os.getpid() % 100000}"
    name, here, there = f"telemock{tag}", f"tmh{tag}", f"tmn{tag}"
    a, b = (os.getpid() >> 8) % 250 + 1, os.getpid() % 63 * 4
    host_ip, ns_ip = f"10.213.{a}.{b + 1}", f"10.213.{a}.{b + 2}"
    steps = [("netns", "add", name), ("link", "add", here, "type", "veth", "peer", "name", there),
             ("link", "set", there, "netns", name), ("addr", "add", f"{host_ip}/30", "dev", here),
             ("link", "set", here, "up"),
             ("netns", "exec", name, "ip", "addr", "add", f"{ns_ip}/30", "dev", there),
             ("netns", "exec", name, "ip", "link", "set", there, "up"),
             ("netns", "exec", name, "ip", "link", "set", "lo", "up")]
    try:
        for step in steps:
            done = _ip(*step)
            if done.returncode != 0:
                pytest.skip(f"cannot set up a network namespace here: ip {' '.join(step)}: {done.stderr.strip()}")
        yield name, host_ip, ns_ip
    finally:
        _ip("netns", "del", name)  # takes its end of the pair, and so the pair, along
        _ip("link", "del", here)


def test_a_client_on_the_host_works_with_the_documented_token(namespace: tuple[str, str, str]) -> None:
    """The image's command in a namespace of its own (the container), its ports reached from
    here (the host) — a non-loopback address for the server."""
    name, host_ip, ns_ip = namespace
    env = clean_env(**image_env())
    token = {"authorization": f"Bearer {image_env()['TELEMOCK_ADMIN_TOKEN']}"}
    inside = ["ip", "netns", "exec", name]
    with Served(command=local(command()), prefix=inside, env=env):
        healthy = subprocess.run([*inside, *local(health_command())], capture_output=True, text=True,
                                 env=env, timeout=30)
        assert healthy.returncode == 0, healthy.stderr
        vc = f"http://{ns_ip}:8085"
        calls = httpx.get(vc + USER_CALLS, params={"limit": 2}, headers={"token": VC_TOKEN})
        assert calls.status_code == 200 and len(calls.json()["data"]) == 2, calls.text
        made = httpx.get(f"http://{ns_ip}:8081/kerauno/api/v1/makecall/",
                         params={"key": KERAUNO_KEY, "src": "3000", "dst": "3002"})
        assert made.status_code == 200 and made.json() == {"response": "Success"}
        statuses = httpx.get(f"http://{ns_ip}:57080/v1/callflow/agent_statuses/4000", params={"key": KERAUNO_KEY})
        assert statuses.status_code == 200
        assert httpx.get(vc + "/_emulator/health").status_code == 401  # the token guards the sandbox
        journal = httpx.get(vc + "/_emulator/tenants/default/journal/requests", headers=token).json()
        assert journal[-1]["client"] == host_ip  # it did come from another address
        settings = httpx.get(vc + "/_emulator/tenants/default/settings", headers=token).json()
        assert settings["ip_whitelist"] == ["0.0.0.0/0", "::/0"]
        # a whitelist of one's own still refuses everyone else, as the vendor does
        httpx.patch(vc + "/_emulator/tenants/default/settings", headers=token,
                    json={"ip_whitelist": ["192.0.2.0/24"]}).raise_for_status()
        refused = httpx.get(vc + USER_CALLS, headers={"token": VC_TOKEN})
        assert refused.status_code == 401 and refused.json()["description"] == "Authorization error"
        created = httpx.post(vc + "/_emulator/tenants", headers=token, json={}).json()
        fresh = httpx.get(vc + USER_CALLS, headers={"token": created["credentials"]["api_key"]})
        assert fresh.status_code == 200  # new tenants get the open default too
