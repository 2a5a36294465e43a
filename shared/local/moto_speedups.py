"""A speed-up for moto's DynamoDB that keeps its results (written for moto 5.2.5): the local simulations query
thousands of items many thousands of times, and moto answers every Query by sorting the whole table.

``Table.all_items`` sorts every item of the table on each call. ``Table.query`` calls it for a base-table query
(then keeps the items of one partition) and for an index query (then sorts the candidates again by the index's
keys). The patch restricts a base-table query to its partition's items, and skips the first, overwritten sort for
an index query; ``Scan`` (which pages in ``all_items`` order) is untouched. The results, their order and
``LastEvaluatedKey`` are moto's own (tests/integration/test_moto_speedups.py compares them). Used by the demo and
``chaseflow simulate``; drop when moto queries a partition directly.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from moto.dynamodb.models.table import Table

_scope = threading.local()  # the query the current thread is inside, if any
_ORIGINALS: dict[str, Any] = {}


def _all_items(self: Table) -> Any:
    query = getattr(_scope, "query", None)
    if query is None or query[0] is not self:
        return _ORIGINALS["all_items"](self)
    _, hash_key, by_index = query
    if by_index:  # query() sorts the candidates by the index's keys itself
        return [item for partition in self.items.values() for item in _members(self, partition)]
    partition = self.items.get(hash_key)
    if partition is None:
        return []
    return sorted(_members(self, partition), key=lambda item: item.range_key) if self.range_key_attr else [partition]


def _members(table: Table, partition: Any) -> Any:
    return partition.values() if table.range_key_attr else [partition]


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    outer = getattr(_scope, "query", None)
    _scope.query = (self, hash_key, index_name is not None)
    try:
        return _ORIGINALS["query"](self, hash_key, *args, **kwargs)
    finally:
        _scope.query = outer


_PATCHES = (("all_items", _all_items), ("query", _query))


def apply() -> None:
    for name, replacement in _PATCHES:
        if name not in _ORIGINALS:
            _ORIGINALS[name] = Table.__dict__[name]
            setattr(Table, name, replacement)


def remove() -> None:
    for name, _ in _PATCHES:
        if name in _ORIGINALS:
            setattr(Table, name, _ORIGINALS.pop(name))


@contextlib.contextmanager
def patched() -> Iterator[None]:
    already_applied = bool(_ORIGINALS)
    apply()
    try:
        yield
    finally:
        if not already_applied:
            remove()
