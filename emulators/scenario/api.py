"""API expectations: a request to the vendor's own HTTP app and what it must answer.

The request goes through the real vendor app (one per listener, built by the server and passed
in) over httpx's ASGI transport, as a loopback client, so it meets the same auth, whitelist, rate
limit and journal as any client's request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Mapping

import httpx

from .expect import TemplateError, _check, resolver
from .match import fill, find, nearest, shown, subset_diff

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from ..registry import Registry
    from ..vendor import VendorSpec
    from .runner import Run

AppsFor = Callable[["Registry", "VendorSpec"], Mapping[str, "ASGIApp"]]
"""Builds the ASGI app of every listener of a vendor on a registry (the server's ``vendor_apps``)."""


class ApiClients:
    """One httpx client per vendor listener, talking to its app in-process."""

    def __init__(self, apps: Mapping[str, "ASGIApp"]) -> None:
        self.apps = dict(apps)
        """Listener name -> its ASGI app, in the vendor's listener order."""
        self._clients: dict[str, httpx.AsyncClient] = {}

    def names(self) -> list[str]:
        return list(self.apps)

    def client(self, listener: str | None) -> httpx.AsyncClient | None:
        name = next((n for n in self.apps if listener in (None, n)), None)
        if name is None:
            return None
        if name not in self._clients:
            transport = httpx.ASGITransport(app=self.apps[name], client=("127.0.0.1", 43210))
            self._clients[name] = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")
        return self._clients[name]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


def _strings(data: dict[str, Any]) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


async def check_api(run: "Run", item: dict[str, Any], index: int, clients: ApiClients) -> None:
    base = ("expect", "api", index)
    name = f"expect.api[{index}] {item.get('method', 'GET')} {item['path']}"
    if item.get("vendor") and item["vendor"] != run.vendor:
        run.result.scoped_out.append(f"expect.api[{index}] is for {item['vendor']}")
        return
    client = clients.client(item.get("listener"))
    if client is None:
        _check(run, "api", name, base + ("listener",), False, f"a listener {item.get('listener')}",
               f"{run.vendor} has {', '.join(clients.names())}")
        return
    try:
        resolve = resolver(run)
        query = _strings(fill(item.get("query", {}), resolve))
        form = _strings(fill(item["form"], resolve)) if "form" in item else None
        body_json = fill(item["json"], resolve) if "json" in item else None
        headers = _strings(fill(item.get("headers", {}), resolve))
        path = fill(item["path"], resolve)
        expected_body = fill(item["body"], resolve) if "body" in item else None
        finds = fill(item.get("find", []), resolve)
    except TemplateError as exc:
        _check(run, "api", name, base, False, reason=str(exc))
        return
    kwargs: dict[str, Any] = {"params": query, "headers": headers}
    if form is not None:
        kwargs["data"] = form
    if body_json is not None:
        kwargs["json"] = body_json
    response = await client.request(item.get("method", "GET"), str(path), **kwargs)
    raw = response.content
    run.result.api_answers.append(f"{response.status_code} {raw.decode('utf-8', 'replace')}")
    if "status" in item:
        _check(run, "api", f"{name} status", base + ("status",), response.status_code == item["status"],
               str(item["status"]), f"{response.status_code} {shown(raw.decode('utf-8', 'replace'))}")
    parsed: Any = None
    if expected_body is not None or finds:
        try:
            parsed = json.loads(raw)
        except ValueError:
            _check(run, "api", f"{name} body", base + ("body",), False, "a JSON answer",
                   shown(raw.decode("utf-8", "replace")))
            return
    if expected_body is not None:
        diff = subset_diff(expected_body, parsed)
        _check(run, "api", f"{name} body", base + ("body",), diff is None, shown(expected_body),
               shown(parsed), diff or "")
    for j, wanted in enumerate(finds):
        if find(wanted, parsed):
            _check(run, "api", f"{name} find[{j}]", base + ("find", j), True, shown(wanted))
            continue
        close, diff = nearest(wanted, parsed)
        _check(run, "api", f"{name} find[{j}]", base + ("find", j), False, shown(wanted),
               shown(close if close is not None else parsed),
               f"no object in the answer contains these fields; nearest: {diff}")
    text = raw.decode("utf-8", "replace")
    for j, wanted in enumerate(fill(item.get("text", []), resolver(run))):
        _check(run, "api", f"{name} text[{j}]", base + ("text", j), str(wanted) in text, shown(wanted),
               shown(text))
