"""Offset/limit paging shared by every list operation."""

from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")


def page(items: Sequence[T], offset: int, limit: int) -> list[T]:
    """``limit`` items starting at 0-based ``offset``; past the end is an empty page."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    return list(items[offset:offset + limit])
