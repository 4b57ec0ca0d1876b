"""Regenerate the README's screenshot of the dashboard (docs/dashboard.png).

    python tools/screenshot_dashboard.py [--out docs/dashboard.png] [--view now]

Starts a Kerauno sandbox in this process (manual clock from the fixed test start, seed 0), plays a
small scene through the vendor API and the control plane (a finished call with its webhooks
delivered to a local receiver, a call in progress, a caller waiting in the ring group, a refused
request), opens the dashboard in headless Chromium (Playwright, the system's ``chromium``) at
1280x800 and saves the view. Needs the test extras (``pip install -e '.[test]'``) and Chromium
(``apt-get install chromium``, or ``TELEMOCK_CHROMIUM=/path/to/chrome``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from emulators.pytest_plugin import LiveServer  # noqa: E402
from emulators.registry import Registry  # noqa: E402
from emulators.server import listener_app  # noqa: E402
from emulators.vendors import load_vendors  # noqa: E402

KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
MAKECALL = "/kerauno/api/v1/makecall/"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Hook(BaseHTTPRequestHandler):
    """A webhook receiver that accepts everything."""

    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def scene(http: httpx.Client, hook_url: str) -> None:
    def control(method: str, path: str, body: object = None) -> None:
        answer = http.request(method, "/_emulator/tenants/default" + path, json=body)
        answer.raise_for_status()

    control("PATCH", "/settings", {"webhooks": {"url": hook_url}})
    http.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"}).raise_for_status()
    control("POST", "/clock/advance", {"seconds": 240})
    http.get(MAKECALL, params={"key": KEY, "src": "2002", "dst": "+12125550123"}).raise_for_status()
    control("POST", "/clock/advance", {"seconds": 9})
    control("POST", "/calls", {"from": "+13055550147", "to": "4000", "name": "Dana Whitfield"})
    control("POST", "/clock/advance", {"seconds": 2})
    http.get(MAKECALL, params={"key": "0" * 40, "src": "3000", "dst": "3002"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--view", default="now", choices=["now", "requests", "webhooks", "scenarios", "tenants"])
    args = parser.parse_args()
    chromium = os.environ.get("TELEMOCK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        print("no Chromium found: apt-get install chromium (or set TELEMOCK_CHROMIUM)", file=sys.stderr)
        return 2
    from playwright.sync_api import expect, sync_playwright

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    vendors = load_vendors(["kerauno"])
    registry = Registry(vendors, settings={"clock": {"mode": "manual", "start": "2026-01-05T14:00:00Z"}})
    spec = vendors["kerauno"]
    with LiveServer(listener_app(registry, spec, spec.listeners[0])) as server, \
            httpx.Client(base_url=server.url, timeout=10.0) as http, \
            sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        scene(http, f"http://127.0.0.1:{receiver.server_address[1]}/hooks")
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 800}, color_scheme="light")
        page = context.new_page()
        page.goto(f"{server.url}/_emulator/ui#view={args.view}&tenant=default")
        expect(page.locator("#live")).to_have_text("live")
        expect(page.locator("#cdr tbody tr")).to_have_count(1)
        page.wait_for_timeout(300)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        context.close()
    receiver.shutdown()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
