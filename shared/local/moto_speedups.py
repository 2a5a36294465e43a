"""A speed-up for moto's DynamoDB that keeps its results (written for moto 5.2.5): the local simulations query
thousands of items many thousands of times, and moto answers every Query by sorting the whole table.

``Table.all_items`` sorts every item of the table on each call. ``Table.query`` calls it for a base-table query
(then keeps the items of one partition) and for an index query (then sorts the candidates again by the index's
keys). The patch restricts a base-table query to its partition's items; for an index query it skips the first,
overwritten sort and pre-selects the items whose index hash key matches (comparing plain values, not moto's typed
values, which is where its time went). ``Scan`` (which pages in ``all_items`` order) is untouched. The results,
their order and ``LastEvaluatedKey`` are moto's own (tests/integration/test_moto_speedups.py compares them).

moto also passes every DynamoDB response through a generic, model-driven serializer that costs more than the
operation itself (about 5 ms per GetItem, 1.5 ms per item returned). The data-plane operations' results are
already the wire format (attribute-value maps, counts, keys), so the patch writes them with ``json.dumps``; any
other operation, and every error, still goes through moto's serializer. Used by the demo and
``chaseflow simulate``; drop when moto is faster.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

_scope = threading.local()  # the query the current thread is inside, if any
_ORIGINALS: dict[str, Any] = {}
_OWN: dict[str, bool] = {}  # whether the patched class defined the method itself


def _all_items(self: Table) -> Any:
    query = getattr(_scope, "query", None)
    if query is None or query[0] is not self:
        return _ORIGINALS["all_items"](self)
    _, hash_key, by_index = query
    if by_index:  # query() checks the key conditions and sorts by the index's keys itself: only pre-select here
        wanted = [(name, value.type, value.value) for name, value in by_index]
        return [
            item
            for partition in self.items.values()
            for item in _members(self, partition)
            if all((a := item.attrs.get(n)) is not None and a.type == t and a.value == v for n, t, v in wanted)
        ]
    partition = self.items.get(hash_key)
    if partition is None:
        return []
    return sorted(_members(self, partition), key=lambda item: item.range_key) if self.range_key_attr else [partition]


def _members(table: Table, partition: Any) -> Any:
    return partition.values() if table.range_key_attr else [partition]


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    outer = getattr(_scope, "query", None)
    by_index = tuple(kwargs.get("hash_key_conditions") or ()) if index_name is not None else None
    if index_name is not None and not by_index:  # no equality on the index's hash key: moto's own path
        return _ORIGINALS["query"](self, hash_key, *args, **kwargs)
    _scope.query = (self, hash_key, by_index)
    try:
        return _ORIGINALS["query"](self, hash_key, *args, **kwargs)
    finally:
        _scope.query = outer


_DATA_PLANE = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
     "TransactGetItems", "TransactWriteItems"}
)  # fmt: skip


def _serialized(self: DynamoHandler, action_result: ActionResult) -> Any:
    result = action_result.result
    if isinstance(result, dict) and self._get_action() in _DATA_PLANE:
        headers = {"Content-Type": "application/x-amz-json-1.0"} | dict(self.response_headers)
        return 200, headers, json.dumps(result)
    return _ORIGINALS["serialized"](self, action_result)


_PATCHES: tuple[tuple[type, str, Any], ...] = (
    (Table, "all_items", _all_items),
    (Table, "query", _query),
    (DynamoHandler, "serialized", _serialized),
)


def apply() -> None:
    """Install the patches; applying twice is harmless."""
    for owner, name, replacement in _PATCHES:
        if name not in _ORIGINALS:
            _ORIGINALS[name] = getattr(owner, name)  # an inherited method (``serialized``) is restored by deletion
            _OWN[name] = name in owner.__dict__
            setattr(owner, name, replacement)


def remove() -> None:
    """Restore moto's methods (a no-op when the patches are not applied)."""
    for owner, name, _ in _PATCHES:
        if name in _ORIGINALS:
            original = _ORIGINALS.pop(name)
            if _OWN.pop(name):
                setattr(owner, name, original)
            else:
                delattr(owner, name)


@contextlib.contextmanager
def patched() -> Iterator[None]:
    already_applied = bool(_ORIGINALS)
    apply()
    try:
        yield
    finally:
        if not already_applied:
            remove()
