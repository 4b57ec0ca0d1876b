"""An operation as data, and the context one request of it carries through the pipeline.

An ``Operation`` is one row of a vendor's table: its name, methods and paths, parameters, whether
it changes state, the versions it exists in, a variant predicate where one path has two meanings,
the ``run`` that calls the core and the ``render`` that writes the answer. Routing, validation,
405s, the journal and ``telemock openapi`` all read the same row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from starlette.responses import Response
from starlette.types import Receive, Scope

from .params import ANY, BODY, COOKIE, HEADER, PATH, QUERY, Param
from .request import MAX_BODY_BYTES, client_host, cookies, flat_query, header, php_query

if TYPE_CHECKING:
    from ..core.world import Tenant
    from ..registry import Registry
    from .api import VendorApi

Run = Callable[["Ctx"], Any]
Render = Callable[["Ctx", Any], Response]


@dataclass(frozen=True)
class Operation:
    name: str
    """The vendor's name for it (journal operation, OpenAPI operationId)."""
    methods: tuple[str, ...]
    paths: tuple[str, ...]
    """Path templates (``/v1/callflow/agent_statuses/{ring_group}``); segments in braces match
    any one non-empty segment and arrive in ``Ctx.path_params``."""
    run: Run
    params: tuple[Param, ...] = ()
    render: Render | None = None
    """Writes the answer; None: the vendor's default renderer."""
    mutates: bool = False
    """Changes state (contracts skip these against a live vendor unless told otherwise)."""
    versions: frozenset[str] | None = None
    """Versions (``path_params["version"]``) the operation exists in; None: every one."""
    variant: Callable[["Ctx"], bool] | None = None
    """Among operations sharing a path and method, the first whose predicate holds answers."""
    summary: str = ""
    doc: str = ""
    """Where the vendor document describes it (document name and section)."""
    examples: tuple[Mapping[str, Any], ...] = ()
    """Documented examples: ``{"request": {...}, "response": <body>}`` (OpenAPI, contracts)."""
    response_schema: Mapping[str, Any] | None = None
    """JSON Schema of the success body (OpenAPI); None: the vendor's envelope, data unspecified."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Vendor-specific facts a renderer reads (an envelope's key order, a root element, ...)."""

    def exists_in(self, version: str | None) -> bool:
        return self.versions is None or version is None or version in self.versions


class Ctx:
    """One request on its way through the pipeline: what was sent, who sent it, what it asks."""

    __slots__ = ("api", "registry", "scope", "receive", "method", "path", "path_params", "body",
                 "form", "json", "tenant", "via", "op", "params", "_query", "_cookies", "_state",
                 "max_body_bytes")

    def __init__(self, api: "VendorApi", registry: "Registry", scope: Scope, receive: Receive,
                 path: str) -> None:
        self.api = api
        self.registry = registry
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path = path
        self.path_params: dict[str, str] = {}
        self.body = b""
        self.form: dict[str, Any] = {}
        """Form fields of the body (urlencoded or multipart), PHP-style when the vendor is."""
        self.json: Any = None
        """The JSON body, when one was sent (shared by requests with the same bytes: read-only)."""
        self.tenant: Tenant | None = None
        self.via = ""
        """How the credential came (``header``, ``query``, ``cookie``, ...), for ``admit``."""
        self.op: Operation | None = None
        self.params: dict[str, Any] = {}
        """The operation's parameters, converted (filled after validation)."""
        self._query: Mapping[str, Any] | None = None
        self._cookies: dict[str, str] | None = None
        self._state: dict[str, Any] | None = None
        self.max_body_bytes = MAX_BODY_BYTES
        """No body larger than this is read (the listener's ``--max-body-bytes``)."""

    # -- what was sent ---------------------------------------------------------------------
    @property
    def query(self) -> Mapping[str, Any]:
        if self._query is None:
            raw = self.scope.get("query_string", b"")
            self._query = php_query(raw) if self.api.php_arrays else flat_query(raw)
        return self._query

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            self._cookies = cookies(self.scope)
        return self._cookies

    @property
    def state(self) -> dict[str, Any]:
        """Scratch space for the vendor's auth/admit/run (made on first use)."""
        if self._state is None:
            self._state = {}
        return self._state

    def header(self, name: str) -> str:
        key = _HEADER_KEYS.get(name)
        if key is None:
            key = _HEADER_KEYS[name] = name.lower().encode("latin-1")
        return header(self.scope, key)

    @property
    def client(self) -> str:
        return client_host(self.scope)

    @property
    def version(self) -> str | None:
        return self.path_params.get("version")

    def body_value(self, name: str) -> Any:
        """A body field: form first, then a JSON object's key (None when absent)."""
        if name in self.form:
            return self.form[name]
        if isinstance(self.json, dict):
            return self.json.get(name)
        return None

    def value(self, name: str, where: str = ANY) -> Any:
        """The raw value of a parameter (None when absent). ``any``: body over query, as PHP's
        ``$_REQUEST`` (GET then POST) reads it."""
        if where == ANY:
            found = self.body_value(name)
            return found if found is not None else self.query.get(name)
        if where == QUERY:
            return self.query.get(name)
        if where == BODY:
            return self.body_value(name)
        if where == HEADER:
            return self.header(name) or None
        if where == COOKIE:
            return self.cookies.get(name)
        if where == PATH:
            return self.path_params.get(name)
        raise ValueError(f"unknown parameter location {where!r}")

    def lookup(self, param: Param) -> Any:
        return self.value(param.name, param.where)

    def tenant_or_default(self) -> "Tenant | None":
        return self.tenant or self.registry.get(self.api.vendor, "default")


_HEADER_KEYS: dict[str, bytes] = {}
"""Header names as ASGI delivers them (lower-case bytes), made once per name a vendor asks for."""
