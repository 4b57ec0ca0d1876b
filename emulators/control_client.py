"""A client of the control plane (``/_emulator``) of a running telemock: one home for how the
pytest plugin, ``telemock scenario run --target`` and the contract checks talk to it.

Plain httpx (imported on first use, so the pytest plugin stays light at import): the admin token
when there is one, JSON bodies, ``{"error": ...}`` answers raised as ``ControlError``, and paged
lists followed to their end by their ``X-Telemock-Next-Since`` header (docs/CONTROL_API.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .defaults import NEXT_SINCE

if TYPE_CHECKING:
    import httpx


class ControlError(RuntimeError):
    """The control plane refused a request (status and its error message)."""

    def __init__(self, status: int, message: str, url: str, detail: Any = None) -> None:
        super().__init__(f"telemock control plane: {status} {message} ({url})")
        self.status = status
        self.message = message
        self.url = url
        self.detail = detail
        """The whole JSON answer (e.g. a scenario's ``problems``)."""


class ControlClient:
    """The control plane at ``base_url`` (a vendor port, or ``<single port>/<listener>``)."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30.0,
                 client: "httpx.Client | None" = None) -> None:
        import httpx
        self.base_url = base_url.rstrip("/")
        self.http = client or httpx.Client(timeout=timeout)
        self._headers = {"x-telemock-admin-token": token} if token else {}

    def url(self, path: str) -> str:
        return f"{self.base_url}/_emulator{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One call of ``/_emulator<path>``; its JSON, or ``ControlError`` for a 4xx/5xx."""
        url = self.url(path)
        headers = {**self._headers, **kwargs.pop("headers", {})}
        return answer(self.http.request(method, url, headers=headers, **kwargs), url)

    def list(self, path: str, **params: Any) -> list[Any]:
        """Every entry of the paged list at ``/_emulator<path>`` (all of its pages)."""
        return every_page(self.http, self.url(path), params, self._headers)

    def close(self) -> None:
        self.http.close()

    # -- the usual calls -----------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return dict(self.request("GET", "/health"))

    def create_tenant(self, **body: Any) -> dict[str, Any]:
        """A new tenant (``id``, ``seed``, ``settings``, ``credentials`` all optional)."""
        return dict(self.request("POST", "/tenants", json=body))

    def delete_tenant(self, tenant_id: str) -> None:
        self.request("DELETE", f"/tenants/{tenant_id}")


def every_page(http: "httpx.Client", url: str, params: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None) -> list[Any]:
    """Every entry of a paged control-plane list: its pages are followed by ``NEXT_SINCE``."""
    params = dict(params or {})
    entries: list[Any] = []
    while True:
        response = http.get(url, params=params, headers=headers)
        entries.extend(answer(response, url))
        next_since = response.headers.get(NEXT_SINCE)
        if next_since is None:
            return entries
        params["since"] = next_since


def answer(response: "httpx.Response", url: str) -> Any:
    """A control-plane answer's JSON, or ``ControlError`` with its ``error`` message."""
    try:
        data = response.json()
    except ValueError:
        data = {"error": response.text}
    if response.status_code >= 400:
        message = data.get("error", response.text) if isinstance(data, dict) else response.text
        raise ControlError(response.status_code, str(message), url, data)
    return data
