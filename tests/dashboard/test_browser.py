"""The dashboard in a real browser (headless Chromium through Playwright) against a live Kerauno
sandbox: a call placed through the vendor API shows within a second, the clock moves from the
page until it ends, its CDR row and webhooks appear, a redelivery goes out, a refused request
says why and shows its exact bytes, a scenario run from the page goes green, tenants are made,
snapshotted, reset, restored and deleted, and the admin-token login works. Every view is saved
as a screenshot in the test's tmp folder."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from emulators.dashboard import close_streams
from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import load_vendors

from .browser import CHROMIUM_ARGS, VIEWPORT, chromium_path
from support.clock import FIXED_CLOCK, START
from support.receiver import Receiver, wait_until

CHROMIUM = chromium_path()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium; "
                                "or set TELEMOCK_CHROMIUM): the dashboard's browser tests need one")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a test extra: pip install -e '.[test]'")
expect = sync_api.expect

KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
"""Kerauno's default tenant key (kerauno.txt's example)."""
MAKECALL = "/kerauno/api/v1/makecall/"
SCENARIO = """\
name: dashboard smoke call
world:
  agents:
    - {id: a1, name: Ann Lee, extension: 2001, behaviour: {answer_after: 2s, talk: 30s}}
timeline:
  - at: 0s
    outbound_call: {id: c1, agent: a1, to: "+15559876", talk: 20s}
  - wait_until: {call: c1, state: ended}
expect:
  cdrs:
    c1: {disposition: answered, direction: outbound, caller: "2001"}
  webhooks:
    - vendor: kerauno
      deliveries:
        - {event: CALL_STARTED, call: c1}
        - {event: CALL_ENDED, call: c1}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT,
            accept_downloads=True)
        try:
            yield context
        finally:
            context.close()


class Sandbox:
    """A live Kerauno port, a webhook receiver, and a page of the dashboard on it."""

    def __init__(self, browser: Any, shots: Path, admin_token: str | None = None) -> None:
        vendors = load_vendors(["kerauno"])
        self.registry = Registry(vendors, settings=FIXED_CLOCK, admin_token=admin_token)
        spec = vendors["kerauno"]
        self.server = LiveServer(listener_app(self.registry, spec, spec.listeners[0]))
        self.url = self.server.start()
        self.http = httpx.Client(base_url=self.url, timeout=10.0)
        self.receiver = Receiver().up()
        self.shots = shots
        self.page = browser.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", lambda dialog: dialog.accept())  # the page's confirm() before a reset

    def open(self, view: str = "now", tenant: str = "default") -> Any:
        self.page.goto(f"{self.url}/_emulator/ui#view={view}&tenant={tenant}")
        expect(self.page.locator("#live")).to_have_text("live")
        return self.page

    def tenant(self, tid: str = "default") -> Any:
        return self.registry.get("kerauno", tid)

    def shot(self, name: str, full: bool = False) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full)
        assert path.stat().st_size > 1000
        return path

    def close(self) -> None:
        self.page.close()
        self.http.close()
        self.receiver.down()
        close_streams(self.registry)  # as telemock serve does on Ctrl-C: the page's stream ends now
        self.server.stop()
        assert self.errors == [], self.errors  # no script error on the page


@pytest.fixture
def sandbox(browser: Any, tmp_path: Path) -> Iterator[Sandbox]:
    box = Sandbox(browser, tmp_path)
    try:
        yield box
    finally:
        box.close()


def test_a_call_shows_within_a_second_ends_on_the_page_clock_and_its_cdr_and_webhooks_appear(sandbox: Sandbox) -> None:
    page = sandbox.open("webhooks")
    page.fill("#target-url", sandbox.receiver.url)
    page.click("#target-form button[type=submit]")
    wait_until(lambda: sandbox.tenant().settings["webhooks"]["url"] == sandbox.receiver.url, what="target saved")
    page.click("#tab-now")

    placed = sandbox.http.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    assert placed.json() == {"response": "Success"}
    call_id = next(iter(sandbox.tenant().calls))
    live = page.locator("#live-calls tbody tr", has_text=call_id)
    # pushed by the stream: the page has no poll to fall back on (within a second on a quiet
    # machine; a loaded CI machine gets a few)
    expect(live).to_be_visible(timeout=5000)
    expect(live).to_contain_text("3000 (Jane Doe) → 3002")
    expect(page.locator("#clock-now")).to_contain_text("GMT-5")  # the PBX's zone (America/New_York)
    assert page.get_attribute("#clock-now", "title").startswith("2026-01-05T14:00:00Z (UTC)")
    sandbox.shot("now-live-call")

    cdr = page.locator("#cdr tbody tr", has_text=call_id)
    for _ in range(6):  # ring, answer, talk (20 s to 3 min on the simulated people's clock)
        if cdr.count():
            break
        page.click("button[data-advance='60']")
        page.wait_for_timeout(300)
    expect(cdr).to_contain_text("answered")
    expect(live).to_have_count(0)
    sandbox.shot("now-cdr", full=True)

    # the receiver counts a delivery as it arrives, the journal once its answer is back
    wait_until(lambda: len(sandbox.receiver.accepted()) == 2 and [
        d["state"] for d in sandbox.http.get("/_emulator/tenants/default/journal/webhooks").json()] == [
        "delivered", "delivered"], what="both webhooks delivered")
    page.click("#tab-webhooks")
    rows = page.locator("#deliveries tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="CALL_ENDED")).to_contain_text("delivered")
    started = rows.filter(has_text="CALL_STARTED")
    expect(started).to_contain_text("1 (last: 200)")
    sandbox.shot("webhooks")

    def answer_late(route: Any) -> None:
        # the redelivery's answer reaches the page only after the stream brought its outcome
        # (as on a loaded machine): the older answer must not roll the row back to "pending"
        answer = route.fetch()
        wait_until(lambda: [len(d["attempts"]) for d in sandbox.http.get(
            "/_emulator/tenants/default/journal/webhooks").json() if d["state"] == "delivered"] == [2, 1],
            what="the redelivery journalled")
        time.sleep(1.0)  # ten of the stream's wakes
        route.fulfill(response=answer)

    page.route("**/journal/webhooks/*/redeliver", answer_late)
    started.get_by_role("button", name="Redeliver whd_000001").click()
    expect(page.locator("#notice")).to_contain_text("whd_000001 is being sent again.")
    page.unroute("**/journal/webhooks/*/redeliver")
    assert len(sandbox.receiver.accepted()) == 3
    assert sandbox.receiver.accepted()[2]["form"]["event"] == "CALL_STARTED"
    expect(started).to_contain_text("2 (last: 200)")

    started.focus()
    page.keyboard.press("Enter")  # the row opens from the keyboard
    dialog = page.locator("#detail")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#detail-title")).to_contain_text("whd_000001 · CALL_STARTED · delivered")
    expect(dialog.locator("table tbody tr")).to_have_count(2)  # two attempts
    expect(dialog).to_contain_text(sandbox.receiver.url)
    expect(dialog.locator("pre.raw").first).to_contain_text("event=CALL_STARTED")
    payload = dialog.locator("dl.payload")
    expect(payload.locator("dt", has_text="destination")).to_have_count(1)
    expect(payload).to_contain_text("3000 is calling 3002")  # the form body, decoded
    sandbox.shot("webhook-detail")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_a_refused_request_says_why_and_shows_its_exact_bytes(sandbox: Sandbox) -> None:
    page = sandbox.open("requests")
    wrong = sandbox.http.get(MAKECALL, params={"key": "0" * 40, "src": "3000", "dst": "3002"})
    half = sandbox.http.post(MAKECALL, data={"key": KEY, "src": "3000"})
    sandbox.http.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    rows = page.locator("#requests tbody tr")
    expect(rows).to_have_count(3, timeout=1000)
    unknown = rows.filter(has_text="Credential not recognised")
    expect(unknown).to_contain_text("the key addresses no tenant")
    expect(rows.filter(has_text="Required parameter missing")).to_contain_text("parameter 'dst': missing")
    sandbox.shot("requests")

    page.select_option("#filter-status", "refused")
    expect(rows).to_have_count(2)
    page.select_option("#filter-status", "")

    unknown.click()
    dialog = page.locator("#detail")
    expect(dialog.locator(".reason h3")).to_have_text("Credential not recognised")
    expect(dialog.locator("#raw-request")).to_contain_text(f"GET {MAKECALL}?key={'0' * 40}&src=3000&dst=3002 HTTP/1.1")
    response = dialog.locator("#raw-response")
    expect(response).to_contain_text(f"HTTP/1.1 {wrong.status_code}")
    assert response.inner_text().endswith(wrong.text)  # the vendor's body, byte for byte
    sandbox.shot("request-detail")
    page.keyboard.press("Escape")

    rows.filter(has_text="Required parameter missing").click()
    expect(dialog.locator("#raw-request")).to_contain_text(f"key={KEY}&src=3000")  # the form body
    assert dialog.locator("#raw-response").inner_text().endswith(half.text)


def test_a_scenario_run_from_the_page_goes_green(sandbox: Sandbox) -> None:
    page = sandbox.open("scenarios")
    expect(page.locator("#library option[value='outbound_call.yaml']")).to_have_count(1)
    page.select_option("#library", "outbound_call.yaml")
    page.click("#library-load")
    expect(page.locator("#scenario-yaml")).to_have_value(
        (Path(__file__).resolve().parents[2] / "scenarios" / "outbound_call.yaml").read_text())
    page.fill("#scenario-yaml", SCENARIO)
    page.click("#scenario-form button[type=submit]")  # on a new tenant (the default choice)
    run = page.locator(".run", has_text="dashboard smoke call")
    expect(run).to_have_attribute("data-status", "passed", timeout=15000)
    expect(page.locator("#tenant")).to_have_value("t0001")  # the page follows the run's tenant
    expect(run.locator(".steps li.ok")).to_have_count(2)
    expect(run.locator(".checks li.bad")).to_have_count(0)
    assert run.locator(".checks li.ok").count() >= 4
    sandbox.shot("scenarios", full=True)

    page.fill("#scenario-yaml", "name: broken\ntimeline: [{nosuch_step: {}}]\n")
    page.click("#scenario-form button[type=submit]")
    expect(page.locator("#scenario-problems")).to_contain_text("nosuch_step")


def test_tenants_are_made_snapshotted_reset_restored_and_deleted(sandbox: Sandbox, tmp_path: Path) -> None:
    page = sandbox.open("tenants")
    page.fill("#create-id", "qa")
    page.click("#create-form button[type=submit]")
    row = page.locator("#tenants tbody tr[data-tenant='qa']")
    expect(row).to_be_visible()
    key = sandbox.tenant("qa").credentials["key"]
    expect(row).to_contain_text(f"key={key}")
    sandbox.http.get(MAKECALL, params={"key": key, "src": "3000", "dst": "3002"})
    page.click("#tab-now")
    page.click("#tab-tenants")
    expect(row.locator("td").nth(1)).to_have_text("1")  # one call

    with page.expect_download() as download:
        row.get_by_role("button", name="Download a snapshot of qa").click()
    saved = tmp_path / "qa.json"
    download.value.save_as(saved)
    snapshot = json.loads(saved.read_text())
    assert snapshot["tenant"] == "qa" and len(snapshot["calls"]) == 1

    row.get_by_role("button", name="Reset qa").click()
    expect(row.locator("td").nth(1)).to_have_text("0")
    with page.expect_file_chooser() as chooser:
        row.get_by_role("button", name="Restore qa from a snapshot file").click()
    chooser.value.set_files(str(saved))
    expect(row.locator("td").nth(1)).to_have_text("1")
    assert len(sandbox.tenant("qa").calls) == 1
    sandbox.shot("tenants")

    row.get_by_role("button", name="Show qa").click()
    expect(page.locator("#tenant")).to_have_value("qa")
    expect(page.locator("#cdr tbody tr, #live-calls tbody tr")).to_have_count(1)
    page.click("#tab-tenants")
    row.get_by_role("button", name="Delete qa").click()
    expect(row).to_have_count(0)
    assert sandbox.tenant("qa") is None
    expect(page.locator("#tenant")).to_have_value("default")


def test_keyboard_and_a_narrow_window(sandbox: Sandbox) -> None:
    page = sandbox.open()
    tab = page.locator("#tab-now")
    tab.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-requests")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-requests")).to_be_focused()
    expect(page.locator("#view-requests")).to_be_visible()
    page.keyboard.press("End")
    expect(page.locator("#view-tenants")).to_be_visible()
    page.keyboard.press("Home")
    expect(page.locator("#view-now")).to_be_visible()
    for control in page.locator("select, input:not([type=hidden]):not([hidden]), textarea").all():
        name = control.evaluate("el => el.labels && el.labels.length ? el.labels[0].textContent"
                                " : el.getAttribute('aria-label')")
        assert name and name.strip(), control.evaluate("el => el.outerHTML")  # every control is labelled
    page.set_viewport_size({"width": 400, "height": 800})
    sandbox.http.get(MAKECALL, params={"key": KEY, "src": "3000", "dst": "3002"})
    expect(page.locator("#live-calls tbody tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways page
    sandbox.shot("narrow", full=True)
    page.set_viewport_size(VIEWPORT)


def test_with_an_admin_token_the_page_asks_for_it(browser: Any, tmp_path: Path) -> None:
    box = Sandbox(browser, tmp_path, admin_token="let-me-in")
    try:
        page = box.page
        page.goto(f"{box.url}/_emulator/ui")
        login = page.locator("#login")
        expect(login).to_be_visible()
        box.shot("login")
        page.fill("#login-token", "wrong")
        page.click("#login-form button[type=submit]")
        expect(page.locator("#login-error")).to_have_text("That token was refused.")
        page.fill("#login-token", "let-me-in")
        page.click("#login-form button[type=submit]")
        expect(login).to_be_hidden()
        expect(page.locator("#live")).to_have_text("live")
        expect(page.locator("#tenant option")).to_have_count(1)
        page.click("button[data-advance='10']")
        wait_until(lambda: box.tenant().now() == START + 10, what="the advance")
    finally:
        box.close()

