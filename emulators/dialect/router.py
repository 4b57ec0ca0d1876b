"""Routing from the operation tables: exact paths in one dict (the fast path), templated paths in
a trie of path segments. No slash redirects (a vendor that accepts both forms lists both paths).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .operation import Operation

Methods = dict[str, list[Operation]]
"""Method -> the operations (variants, in table order) answering it."""
MATCHES_KEEP = 1024
"""Templated paths whose match a router keeps (cleared when full: ids in paths are client-chosen)."""
MATCHED_PATH_MAX = 256
"""Longest templated path whose match is kept."""


@dataclass
class _Node:
    literal: dict[str, "_Node"] = field(default_factory=dict)
    variables: "dict[str, _Node]" = field(default_factory=dict)
    """Child per variable name, tried in the order added (``/{format}`` and ``/{id}/{format}``
    may share a position)."""
    methods: Methods | None = None


class Router:
    def __init__(self, operations: Iterable[Operation] = ()) -> None:
        self.exact: dict[str, Methods] = {}
        self._root = _Node()
        self.templates: list[str] = []
        """Every path template, in table order (OpenAPI and 404 listings read it)."""
        self._matches: dict[str, tuple[Methods, dict[str, str]]] = {}
        """Templated path -> its match: the table never changes once built and clients repeat
        the same few paths, so the trie is walked once per path."""
        for op in operations:
            self.add(op)

    def add(self, op: Operation) -> None:
        for path in op.paths:
            if not path.startswith("/"):
                raise ValueError(f"{op.name}: path {path!r} must start with /")
            if path not in self.templates:
                self.templates.append(path)
            methods = self.exact.setdefault(path, {}) if "{" not in path else self._node(path)
            for method in op.methods:
                methods.setdefault(method.upper(), []).append(op)
        self._matches.clear()

    def _node(self, path: str) -> Methods:
        node = self._root
        for segment in path.split("/")[1:]:
            if segment.startswith("{") and segment.endswith("}"):
                node = node.variables.setdefault(segment[1:-1], _Node())
            else:
                node = node.literal.setdefault(segment, _Node())
        if node.methods is None:
            node.methods = {}
        return node.methods

    def match_template(self, template: str) -> Methods:
        """The operations registered at exactly ``template``."""
        if "{" not in template:
            return self.exact.get(template, {})
        return self._node(template)

    def match(self, path: str) -> tuple[Methods, dict[str, str]] | None:
        """The operations by method at ``path`` and its path parameters, or None (no route).
        The parameters' dict is shared by every request of that path: read-only."""
        methods = self.exact.get(path)
        if methods is not None:
            return methods, {}
        found = self._matches.get(path)
        if found is None:
            found = self._walk(self._root, path.split("/")[1:], 0, {})
            if found is not None and len(path) <= MATCHED_PATH_MAX:
                if len(self._matches) >= MATCHES_KEEP:
                    self._matches.clear()
                self._matches[path] = found
        return found

    def _walk(self, node: _Node, segments: list[str], i: int,
              params: dict[str, str]) -> tuple[Methods, dict[str, str]] | None:
        if i == len(segments):
            return (node.methods, params) if node.methods else None
        segment = segments[i]
        child = node.literal.get(segment)
        if child is not None:
            found = self._walk(child, segments, i + 1, params)
            if found is not None:
                return found
        if segment:
            for name, child in node.variables.items():
                found = self._walk(child, segments, i + 1, {**params, name: segment})
                if found is not None:
                    return found
        return None


def allowed(methods: Methods) -> list[str]:
    """The ``Allow`` header's methods (HEAD wherever GET is)."""
    names = set(methods)
    if "GET" in names:
        names.add("HEAD")
    return sorted(names)
