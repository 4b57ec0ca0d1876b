"""Auth: the ``token`` header, the deprecated ``api_key`` parameter and its cut-over, the IP
whitelist, new tenants' keys; every refusal is 401 "Authorization error" and journalled."""

from __future__ import annotations

from typing import Iterator

import pytest
from starlette.testclient import TestClient

from emulators.server import listener_app

from .conftest import API, OPS, VC

AUTH_ERROR = {"code": 401, "description": "Authorization error", "data": None}
CALL = {"user_number": "1001", "number_to_call": "0255501999"}


def refused(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 401, r.text
    assert r.json() == AUTH_ERROR


@pytest.mark.parametrize("op", OPS)
def test_header_authenticates_every_operation(vcx: VC, op: str) -> None:
    kwargs = {"data": CALL} if op == "call-to-number" else {}
    assert vcx.call(op, **kwargs).status_code == 200


@pytest.mark.parametrize("op", OPS)
def test_missing_or_wrong_key(vcx: VC, op: str) -> None:
    refused(vcx.call(op, key=""))
    refused(vcx.call(op, key="0" * 32))
    refused(vcx.call(op, key=vcx.key.upper()))  # keys are case-sensitive
    refused(vcx.call(op, key="", params={"api_key": "nope"}))


def test_api_key_parameter_in_query_and_body(vcx: VC) -> None:
    r = vcx.call("get-user-calls", key="", params={"api_key": vcx.key, "limit": 2})
    assert r.status_code == 200 and len(r.json()["data"]) == 2
    r = vcx.call("call-to-number", key="", data={**CALL, "api_key": vcx.key})
    assert r.status_code == 200
    r = vcx.call("call-to-number", key="", json={"user_number": "1002", "number_to_call": "1003",
                                                   "api_key": vcx.key})
    assert r.status_code == 200
    r = vcx.call("get-system-status", key="", params={"api_key": vcx.key})
    assert r.status_code == 200


def test_a_wrong_header_is_not_rescued_by_a_right_parameter(vcx: VC) -> None:
    refused(vcx.call("get-user-calls", key="f" * 32, params={"api_key": vcx.key}))
    assert vcx.call("get-user-calls", params={"api_key": "wrong"}).status_code == 200


def test_header_only_cut_over(vcx: VC) -> None:
    """settings voipcloud.api_key_param false: the Jan-2021 behaviour, header only."""
    vcx.settings({"voipcloud": {"api_key_param": False}})
    for op in OPS:
        kwargs = {"data": {**CALL, "api_key": vcx.key}} if op == "call-to-number" else \
            {"params": {"api_key": vcx.key}}
        refused(vcx.call(op, key="", **kwargs))
    assert vcx.call("get-user-calls").status_code == 200
    assert vcx.journal()[-2]["status"] == 401  # journalled under the tenant the key names
    vcx.settings({"voipcloud": {"api_key_param": True}})
    assert vcx.call("get-user-calls", key="", params={"api_key": vcx.key}).status_code == 200


def test_unauthenticated_requests_are_journalled_apart(vcx: VC) -> None:
    before = len(vcx.journal())
    refused(vcx.call("get-queue-calls", key="bogus"))
    assert len(vcx.journal()) == before
    entry = vcx.control("GET", "/journal/unauthenticated")[-1]
    assert (entry["operation"], entry["status"], entry["tenant"]) == ("get-queue-calls", 401, None)


def test_new_tenants_get_their_own_key(vcx: VC) -> None:
    info = vcx.create_tenant(id="acme")
    key = info["credentials"]["api_key"]
    assert len(key) >= 32 and int(key, 16) >= 0 and key != vcx.key
    assert vcx.call("get-system-status", key=key).status_code == 200
    assert vcx.journal("acme")[-1]["operation"] == "get-system-status"
    vcx.reset("acme")  # a reset keeps the tenant's key
    assert vcx.tenant_info("acme")["credentials"]["api_key"] == key
    assert vcx.call("get-system-status", key=key).status_code == 200
    vcx.control("DELETE", "/tenants/acme")
    refused(vcx.call("get-system-status", key=key))


def test_default_key_is_documented_and_stable(vc_factory) -> None:  # type: ignore[no-untyped-def]
    a, b = vc_factory(), vc_factory(seed=7)
    assert a.key == b.key and len(a.key) >= 32 and int(a.key, 16) >= 0


# -- IP whitelist ----------------------------------------------------------------------
@pytest.fixture
def remote(vcx: VC) -> Iterator[TestClient]:
    """A client calling from 203.0.113.9 (a documentation address, not loopback)."""
    spec = vcx.emu.registry.vendors["voipcloud"]
    app = listener_app(vcx.emu.registry, spec, spec.listeners[0])
    with TestClient(app, client=("203.0.113.9", 40000)) as client:
        yield client


def test_empty_whitelist_allows_loopback_only(vcx: VC, remote: TestClient) -> None:
    assert vcx.call("get-system-status").status_code == 200
    r = remote.get(API + "get-system-status", headers={"token": vcx.key})
    refused(r)
    entry = vcx.journal()[-1]
    assert (entry["status"], entry["client"]) == (401, "203.0.113.9")


def test_whitelisted_address_is_let_in(vcx: VC, remote: TestClient) -> None:
    vcx.settings({"ip_whitelist": ["198.51.100.7", "203.0.113.0/24"]})
    assert remote.get(API + "get-system-status", headers={"token": vcx.key}).status_code == 200
    refused(vcx.call("get-system-status"))  # loopback is no longer on the list
    vcx.settings({"ip_whitelist": ["198.51.100.7"]})
    refused(remote.get(API + "get-user-calls", headers={"token": vcx.key}))
    r = remote.post(API + "call-to-number", headers={"token": vcx.key}, data=CALL)
    refused(r)
    assert vcx.calls() == []  # the refused call-to-number placed nothing
    vcx.settings({"ip_whitelist": ["127.0.0.1"]})
    assert vcx.call("get-system-status").status_code == 200


def test_whitelist_is_per_tenant(vcx: VC, remote: TestClient) -> None:
    other = vcx.create_tenant(id="branch", settings={"ip_whitelist": ["203.0.113.9"]})
    key = other["credentials"]["api_key"]
    assert remote.get(API + "get-system-status", headers={"token": key}).status_code == 200
    refused(remote.get(API + "get-system-status", headers={"token": vcx.key}))
