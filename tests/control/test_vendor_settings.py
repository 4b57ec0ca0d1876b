"""A core setting a vendor does not use is refused naming it (creation and PATCH alike), and
the effective settings show only what the vendor uses."""

from __future__ import annotations

from typing import Any

import pytest

T = "/_emulator/tenants"


@pytest.mark.parametrize("vendor, setting, value", [
    ("kerauno", "rate_limit", {"limit": 5}),
    ("kerauno", "ip_whitelist", ["10.0.0.0/8"]),
    ("voipcloud", "webhooks", {"url": "http://127.0.0.1:9/hooks"}),
])
def test_a_setting_the_vendor_does_not_use_is_refused(emu_factory: Any, vendor: str, setting: str,
                                                      value: Any) -> None:
    emu = emu_factory(vendor)
    client = emu.client(vendor)
    before = client.get(f"{T}/default/settings").json()
    r = client.patch(f"{T}/default/settings", json={"timezone": "UTC", setting: value})
    assert r.status_code == 400
    assert r.json()["error"].startswith(f"{setting}: {vendor} does not use this setting ({vendor}'s core settings: ")
    assert client.get(f"{T}/default/settings").json() == before  # nothing of it applied
    r = client.post(T, json={"settings": {setting: value}})
    assert r.status_code == 400 and r.json()["error"].startswith(f"{setting}: {vendor} does not use")
    assert [t["id"] for t in client.get(T).json()] == ["default"]


def test_effective_settings_show_what_the_vendor_uses(emu_factory: Any) -> None:
    emu = emu_factory("kerauno", "voipcloud")
    kerauno = emu.client("kerauno").get(f"{T}/default/settings").json()
    voipcloud = emu.client("voipcloud").get(f"{T}/default/settings").json()
    assert {"rate_limit", "ip_whitelist"}.isdisjoint(kerauno) and {"webhooks", "sim", "kerauno"} <= set(kerauno)
    assert "webhooks" not in voipcloud and {"rate_limit", "ip_whitelist", "voipcloud"} <= set(voipcloud)


def test_a_misspelt_setting_gets_a_suggestion(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    r = client.patch(f"{T}/default/settings", json={"rate_limt": {"limit": 1}})
    assert r.status_code == 400 and r.json()["error"].startswith("rate_limt: not a setting of voipcloud; "
                                                                  "did you mean rate_limit?")
    r = client.patch(f"{T}/default/settings", json={"sim": {"ring_timout": 5}})
    assert r.status_code == 400 and r.json()["error"].endswith("did you mean ring_timeout?")
