"""The collection store: records of one kind with integer ids, secondary indexes and paged
queries, snapshotted with their id counter.

Vendors with many entities (pause codes, campaign records, SMS, contact lists) keep them in
``tenant.store``; a collection is declared by the dialect when the tenant is built (so a restore
knows each collection's record type) and filled by the seed and the engines. Modelled on
vercel-labs/emulate's Store: ``query`` filters, counts, sorts, then pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Generic, Iterable, Iterator, Mapping, Sequence, TypeVar

from .records import as_dict

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    """How many records matched before paging."""
    skip: int
    take: int


def page_of(items: Iterable[T], skip: int, take: int) -> list[T]:
    """``take`` items after the first ``skip`` (any size: an offset past the end is an empty page,
    never an error, and nothing past the page is read)."""
    if skip < 0 or take < 0:
        raise ValueError("skip and take must not be negative")
    out: list[T] = []
    if take == 0:
        return out
    for item in items:
        if skip:
            skip -= 1
            continue
        out.append(item)
        if len(out) >= take:
            break
    return out


class FilledOnUse:
    """An object whose ``filled_on_use`` attributes may come later: one copied from a template
    can carry ``_fill`` (a function giving their values, in that order) instead of them, and they
    are made when first read. Most copies of a world never read most of its store."""

    filled_on_use: ClassVar[tuple[str, ...]] = ()

    def __getattr__(self, name: str) -> Any:
        # reached only for an attribute not there
        if name in self.filled_on_use and "_fill" in self.__dict__:
            for attr, value in zip(self.filled_on_use, self.__dict__.pop("_fill")()):
                self.__dict__[attr] = value
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setstate__(self, state: dict[str, Any]) -> None:
        # unpickling looks this up: without it the lookup would raise in ``__getattr__``
        self.__dict__.update(state)


class Collection(FilledOnUse, Generic[T]):
    """Records keyed by ``id_field`` (a string attribute), with equality indexes on ``indexes``.

    Change an indexed field only through ``set`` (or remove and add again), so the indexes stay
    true; other fields may be changed in place.
    """

    filled_on_use = ("_items", "_index")

    def __init__(self, name: str, *, id_field: str = "id", indexes: Sequence[str] = (),
                 to_dict: Callable[[T], dict[str, Any]] | None = None,
                 from_dict: Callable[[dict[str, Any]], T] | None = None,
                 record: type | None = None, start: int = 1) -> None:
        self.name = name
        self.record = record
        """The record's dataclass, when it is one: a restored snapshot's items are checked
        against its fields and their types (``control.snapshot_check``)."""
        self.id_field = id_field
        self.indexes = tuple(indexes)
        if to_dict is None or from_dict is None:
            if record is None:
                raise ValueError(f"{name}: give to_dict and from_dict, or the record dataclass")
            to_dict = to_dict or as_dict
            from_dict = from_dict or (lambda data: record(**data))
        self._to_dict = to_dict
        self._from_dict = from_dict
        self._start = start
        self.counter = start - 1
        """The last id handed out by ``next_id`` (snapshotted: ids never repeat after a restore)."""
        self._items: dict[str, T] = {}
        self._index: dict[str, dict[Any, dict[str, None]]] = {f: {} for f in self.indexes}
        self.generation = 0
        """Bumped whenever the records are replaced wholesale (``load``, ``clear``): an engine
        that keeps an index of its own beside the collection rebuilds it then."""
        self.changes = 0
        """Bumped by every ``add``, ``remove``, ``set`` and ``load``: a reader that keeps an
        answer made from the records knows when it may still be true (changes made to a
        record's other fields in place are not counted)."""

    # -- ids and records -------------------------------------------------------------------
    def next_id(self) -> int:
        self.counter += 1
        return self.counter

    def _id(self, item: T) -> str:
        return str(getattr(item, self.id_field))

    def add(self, item: T) -> T:
        key = getattr(item, self.id_field)
        if type(key) is not str:
            key = str(key)
        items = self._items
        if key in items:
            raise KeyError(f"{self.name}: {key} exists")
        self.changes += 1
        items[key] = item
        if self.indexes:
            index = self._index
            for f in self.indexes:
                bucket = index[f].get(getattr(item, f))
                if bucket is None:
                    index[f][getattr(item, f)] = {key: None}
                else:
                    bucket[key] = None
        if key.isdigit() and key.isascii():  # explicit numeric ids keep next_id ahead of them
            number = int(key)
            if number > self.counter:
                self.counter = number
        return item

    def get(self, key: str | int) -> T | None:
        return self._items.get(key if type(key) is str else str(key))

    def remove(self, key: str | int) -> T | None:
        item = self._items.pop(str(key), None)
        if item is not None:
            self.changes += 1
            for f in self.indexes:
                bucket = self._index[f].get(getattr(item, f))
                if bucket is not None:
                    bucket.pop(str(key), None)
                    if not bucket:
                        del self._index[f][getattr(item, f)]
        return item

    def set(self, item: T, **changes: Any) -> T:
        """Change fields of a stored record, keeping the indexes true."""
        key = self._id(item)
        self.changes += 1
        indexed = [f for f in changes if f in self._index]
        for f in indexed:
            bucket = self._index[f].get(getattr(item, f))
            if bucket is not None:
                bucket.pop(key, None)
                if not bucket:
                    del self._index[f][getattr(item, f)]
        for name, value in changes.items():
            setattr(item, name, value)
        for f in indexed:
            self._index[f].setdefault(getattr(item, f), {})[key] = None
        return item

    def clear(self) -> None:
        """No records (the id counter starts again)."""
        self.load({"counter": self._start - 1, "items": []})

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __contains__(self, key: object) -> bool:
        return str(key) in self._items

    # -- queries ---------------------------------------------------------------------------
    def where(self, **equal: Any) -> list[T]:
        """Records whose fields equal the given values, in insertion order (an index answers
        for the first indexed field named)."""
        if len(equal) == 1:  # the common case: one field, answered by its index alone
            (name, value), = equal.items()
            if name in self._index:
                items = self._items
                return [items[key] for key in self._index[name].get(value, ())]
        indexed = [f for f in equal if f in self._index]
        if indexed:
            keys = self._index[indexed[0]].get(equal[indexed[0]], {})
            candidates: Iterable[T] = [self._items[key] for key in keys]
        else:
            candidates = self._items.values()
        return [item for item in candidates
                if all(getattr(item, f) == v for f, v in equal.items())]

    def query(self, *, equal: Mapping[str, Any] | None = None,
              where: Callable[[T], bool] | None = None,
              sort: Callable[[T], Any] | None = None, reverse: bool = False,
              skip: int = 0, take: int | None = None) -> Page[T]:
        """Filter (equality through the indexes, then a predicate), count, sort, page."""
        items = self.where(**equal) if equal else list(self._items.values())
        if where is not None:
            items = [item for item in items if where(item)]
        if sort is not None:
            items.sort(key=sort, reverse=reverse)
        elif reverse:
            items.reverse()
        total = len(items)
        end = total if take is None else skip + take
        return Page(items[skip:end], total, skip, take if take is not None else total)

    # -- persistence -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"counter": self.counter, "items": [self._to_dict(item) for item in self._items.values()]}

    def load(self, data: Mapping[str, Any]) -> None:
        self.generation += 1
        self.changes += 1
        self.__dict__.pop("_fill", None)
        self._items = {}
        self._index = {f: {} for f in self.indexes}
        self.counter = self._start - 1
        for raw in data["items"]:
            self.add(self._from_dict(dict(raw)))
        self.counter = max(self.counter, int(data["counter"]))


class Store(FilledOnUse):
    """A tenant's named collections."""

    filled_on_use = ("collections",)

    def __init__(self) -> None:
        self.collections: dict[str, Collection[Any]] = {}

    def declare(self, collection: Collection[T]) -> Collection[T]:
        """Add a collection (once per tenant build; a second declaration of a name is a bug)."""
        if collection.name in self.collections:
            raise ValueError(f"collection {collection.name!r} is declared twice")
        self.collections[collection.name] = collection
        return collection

    def __getitem__(self, name: str) -> Collection[Any]:
        return self.collections[name]

    def __contains__(self, name: object) -> bool:
        return name in self.collections

    def clear(self) -> None:
        """Every collection empty (still declared)."""
        for collection in self.collections.values():
            collection.clear()

    def to_dict(self) -> dict[str, Any]:
        return {name: c.to_dict() for name, c in self.collections.items()}

    def load(self, data: Mapping[str, Any]) -> None:
        unknown = set(data) - set(self.collections)
        if unknown:
            raise ValueError(f"store: unknown collections {sorted(unknown)}")
        for name, collection in self.collections.items():
            collection.load(data.get(name, {"counter": 0, "items": []}))

