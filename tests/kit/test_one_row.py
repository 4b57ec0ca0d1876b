"""An operation is one row of a table: added to a test vendor, it shows up in routing,
validation, 405s, the journal and the OpenAPI document with no other change."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from starlette.testclient import TestClient

from emulators.dialect.openapi import document
from emulators.dialect.operation import Ctx, Operation
from emulators.dialect.params import PATH, Param, array_of, choice, mapping_of, php_int
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendor import Listener, VendorSpec

from support.clock import FIXED_CLOCK
from support.minivendor import DEFAULT_TOKEN, NAME, SPEC, MiniApi


def echo(ctx: Ctx) -> Any:
    return {"agent": ctx.params["agent"], "times": ctx.params["times"], "tone": ctx.params["tone"],
            "tags": ctx.params["tags"], "vars": ctx.params["vars"]}


ROW = Operation("echo-agent", ("GET",), ("/v1/agents/{agent}/echo",), echo, summary="Echo (test row)",
                params=(Param("agent", where=PATH, required=True),
                        Param("times", php_int(1, 5), required=True),
                        Param("tone", choice(["low", "high"]), default="low"),
                        Param("tags", array_of(), default=[]),
                        Param("vars", mapping_of(), default={})))


def orphan(ctx: Ctx) -> Any:
    assert ctx.tenant is not None
    ctx.tenant.clock.call_later(1, "nobody.handles.this", call="x")
    return {"set": True}


ORPHAN = Operation("orphan-timer", ("POST",), ("/v1/orphan",), orphan, mutates=True)


class RowApi(MiniApi):
    operations = (*MiniApi.operations, ROW, ORPHAN)
    php_arrays = True


ROW_SPEC = VendorSpec(name=NAME, title="Mini + one row", dialect=SPEC.dialect,
                      listeners=[Listener("mini", 18999, RowApi())],
                      new_credentials=SPEC.new_credentials, credential_fields=SPEC.credential_fields)


@pytest.fixture
def client() -> Iterator[TestClient]:
    registry = Registry({NAME: ROW_SPEC}, settings=FIXED_CLOCK, allowed_hosts=["testserver"])
    with TestClient(listener_app(registry, ROW_SPEC, ROW_SPEC.listeners[0])) as c:
        yield c


def call(client: TestClient, method: str, path: str, **kw: Any) -> Any:
    return client.request(method, path, headers={"token": DEFAULT_TOKEN}, **kw)


def journal(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/_emulator/tenants/default/journal/requests").json()


def test_the_row_is_routed_validated_and_journalled(client: TestClient) -> None:
    r = call(client, "GET", "/v1/agents/u1/echo?times=3&tags[]=a&tags[]=b&vars[x]=1&tone=high")
    assert r.status_code == 200
    assert r.json() == {"agent": "u1", "times": 3, "tone": "high", "tags": ["a", "b"], "vars": {"x": "1"}}
    assert journal(client)[-1]["operation"] == "echo-agent"
    # validation: missing, out of range, not one of the choices
    for query, why in (("", "'times': missing"), ("times=9", "'times': invalid"),
                       ("times=2&tone=loud", "'tone': invalid")):
        r = call(client, "GET", f"/v1/agents/u1/echo?{query}")
        assert r.status_code == 400 and r.json() == {"error": "bad parameter"}
        entry = journal(client)[-1]
        assert entry["operation"] == "echo-agent" and entry["status"] == 400 and why in entry["why"]


def test_the_row_gets_405_and_404_from_the_table(client: TestClient) -> None:
    r = call(client, "POST", "/v1/agents/u1/echo?times=1")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert journal(client)[-1]["operation"] == "echo-agent"
    assert call(client, "GET", "/v1/agents/u1/echo/more").status_code == 404
    assert call(client, "GET", "/v1/agents//echo?times=1").status_code == 404  # empty segment


def test_a_doubled_leading_slash_is_the_same_path(client: TestClient) -> None:
    r = call(client, "GET", "http://testserver//v1/agents/u2/echo?times=1")
    assert r.status_code == 200 and r.json()["agent"] == "u2"


def test_the_row_is_in_the_openapi_document() -> None:
    doc = document(ROW_SPEC)
    entry = doc["paths"]["/v1/agents/{agent}/echo"]["get"]
    names = {p["name"]: p for p in entry["parameters"]}
    assert names["agent"]["in"] == "path" and names["agent"]["required"] is True
    assert names["times"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert names["tone"]["schema"]["enum"] == ["low", "high"]
    assert entry["security"] == [{"token": []}]


def test_a_timer_of_a_kind_nobody_handles_fails_its_tenant_loudly(client: TestClient) -> None:
    assert call(client, "POST", "/v1/orphan").status_code == 201
    r = client.post("/_emulator/tenants/default/clock/advance", json={"seconds": 5})
    assert r.status_code == 409 and "no handler is registered for 'nobody.handles.this'" in r.json()["error"]
    assert client.get("/_emulator/health").json()["status"] == "degraded"
