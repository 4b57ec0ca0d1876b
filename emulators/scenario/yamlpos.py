"""YAML that remembers where every value came from, so errors can say ``file:line:column``.

``yaml.compose`` gives the node tree with marks; we build plain Python data from it ourselves
(refusing duplicate keys, which PyYAML would silently let the last one win) and keep a map from
each JSON-pointer path to the position of its value and of its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    line: int
    """1-based line."""
    column: int
    """1-based column."""


class YamlError(ValueError):
    """A file that is not valid YAML (or has duplicate keys), with its position."""

    def __init__(self, message: str, mark: Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass
class Positions:
    """Where each path's value (and, for mapping entries, its key) starts in the file."""

    values: dict[Path, Mark]
    keys: dict[Path, Mark]

    def of(self, path: Path, *, key: bool = False) -> Mark:
        """The mark of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Mark(1, 1))


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def load(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain data and its positions; raise YamlError."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character: no parse has started
        before = text[: exc.position]
        mark = Mark(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        raise YamlError(f"YAML syntax: character {exc.character:#04x} is not allowed", mark) from None
    try:
        node = loader.get_single_node()
        positions = Positions({}, {})
        if node is None:
            return None, positions
        data = _build(loader, node, (), positions)
        return data, positions
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark is not None else None
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise YamlError(f"YAML syntax: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML: {exc}", None) from None
    finally:
        loader.dispose()


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path, pos: Positions) -> Any:
    pos.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError("a mapping key must be a plain scalar", _mark(key_node))
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                raise YamlError(f"duplicate key {key!r} (it already appears at line "
                                f"{pos.keys[path + (key,)].line})", _mark(key_node))
            pos.keys[path + (key,)] = _mark(key_node)
            out[key] = _build(loader, value_node, path + (key,), pos)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), pos) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # keep instants as the text written; the schema checks their form
    return loader.construct_object(node, deep=True)
