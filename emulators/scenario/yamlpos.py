"""YAML that remembers where every value came from, so errors can say ``file:line:column``.

``yaml.compose`` gives the node tree with marks; we build plain Python data from it ourselves
(refusing duplicate keys, which PyYAML would silently let the last one win) and keep a map from
each JSON-pointer path to the position of its value and of its key.

Input is untrusted (the control plane takes scenarios over HTTP), so the text's length, its
nesting and the number of values its aliases expand to are capped, and a recursive alias is
an error rather than a RecursionError.
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


MAX_CHARS = 512 * 1024
"""Longest YAML text read (characters). The pure-Python parser and the schema check take
~10 s a megabyte; the largest scenario shipped is ~4 KB, and generators make volume."""
MAX_DEPTH = 50
"""Deepest nesting of collections, counted after aliases are expanded (scenarios need ~8)."""
MAX_VALUES = 100_000
"""Most values (scalars and collections) built, counted after aliases and merge keys are
expanded: a few hundred bytes of anchors can otherwise ask for 10^9 values ("billion laughs")."""
MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` whose composer refuses to nest deeper than ``MAX_DEPTH``: composing is
    recursive, so ``[[[[...`` would otherwise end in a RecursionError."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.depth >= MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels", _mark_of(self.peek_event()))
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _mark_of(event: Any) -> Mark | None:
    mark = getattr(event, "start_mark", None)
    return Mark(mark.line + 1, mark.column + 1) if mark is not None else None


def load(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain data and its positions; raise YamlError."""
    if len(text) > MAX_CHARS:
        raise YamlError(f"longer than {MAX_CHARS:,} characters, the most a scenario may be "
                        "(generators make many calls from a few lines)", None)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character: no parse has started
        before = text[: exc.position]
        mark = Mark(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        raise YamlError(f"YAML syntax: character {exc.character:#04x} is not allowed", mark) from None
    try:
        node = loader.get_single_node()
        positions = Positions({}, {})
        if node is None:
            return None, positions
        data = _Builder(loader, positions).build(node, ())
        return data, positions
    except yaml.MarkedYAMLError as exc:
        at = exc.problem_mark or exc.context_mark
        where = Mark(at.line + 1, at.column + 1) if at is not None else None
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise YamlError(f"YAML syntax: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML: {exc}", None) from None
    finally:
        loader.dispose()


Entries = dict[str, tuple[yaml.Node, yaml.Node]]


class _Builder:
    """Node tree -> plain data, expanding aliases and merge keys within the caps above."""

    def __init__(self, loader: yaml.SafeLoader, positions: Positions) -> None:
        self.loader, self.pos = loader, positions
        self.budget = MAX_VALUES
        self.open: set[int] = set()
        """ids of the collection nodes being built: meeting one again is a recursive alias."""

    def spend(self, node: yaml.Node, n: int = 1) -> None:
        self.budget -= n
        if self.budget < 0:
            raise YamlError(f"more than {MAX_VALUES} values once aliases are expanded", _mark(node))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.spend(node)
        self.pos.values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # keep instants as the text written; the schema checks their form
            return self.scalar(node)
        if len(path) >= MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels once aliases are expanded", _mark(node))
        if id(node) in self.open:
            raise YamlError("an alias refers to a collection that contains it (a recursive alias)", _mark(node))
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            out: dict[str, Any] = {}
            for key, (key_node, value_node) in self.entries(node, path).items():
                self.pos.keys[path + (key,)] = _mark(key_node)
                out[key] = self.build(value_node, path + (key,))
            return out
        finally:
            self.open.discard(id(node))

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise YamlError(f"cannot read this value: {exc}", _mark(node)) from None

    def entries(self, node: yaml.Node, path: Path) -> Entries:
        """The mapping's own keys and, for those it lacks, the keys of the mappings its merge
        keys (``<<: *anchor`` or ``<<: [*a, *b]``) name, earlier ones first (YAML 1.1 merge)."""
        own: Entries = {}
        merged: Entries = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                for source in self.merge_sources(value_node):
                    self.spend(source, len(source.value))
                    if id(source) in self.open:
                        raise YamlError("a merge key names a mapping that contains it", _mark(source))
                    self.open.add(id(source))
                    try:
                        for key, entry in self.entries(source, path).items():
                            merged.setdefault(key, entry)
                    finally:
                        self.open.discard(id(source))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a mapping key must be a plain scalar", _mark(key_node))
            key = self.scalar(key_node)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError("a mapping key must be a plain scalar", _mark(key_node))
            key = str(key) if not isinstance(key, str) else key
            if key in own:
                raise YamlError(f"duplicate key {key!r} (it already appears at line "
                                f"{_mark(own[key][0]).line})", _mark(key_node))
            own[key] = (key_node, value_node)
        return {**{k: v for k, v in merged.items() if k not in own}, **own}

    def merge_sources(self, node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [node]
        if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.MappingNode) for n in node.value):
            return list(node.value)
        raise YamlError("a merge key (<<) takes a mapping or a list of mappings", _mark(node))
