"""A speed-up for moto's DynamoDB that keeps its results (written for moto 5.2.5): the local simulations query
thousands of items many thousands of times, and moto answers every Query by sorting the whole table.

``Table.all_items`` sorts every item of the table on each call. ``Table.query`` calls it for a base-table query
(then keeps the items of one partition) and for an index query (then sorts the candidates again by the index's
keys). The patch restricts a base-table query to its partition's items; for an index query it skips the first,
overwritten sort and pre-selects the items whose index hash key matches. moto keeps no index, so the patch keeps
one: the keys of the items by their index hash key, built from the table at the first query on that index and
refiled after every successful write request (put, update, delete, batch, transaction) for the items it names; it
is forgotten when the patch is removed, since writes made without it would not refile it. ``Scan`` (which pages in
``all_items`` order) is untouched. The results, their order and ``LastEvaluatedKey`` are moto's own
(tests/integration/test_moto_speedups.py compares them).

Inside a query, moto sizes each candidate twice (against the 1 MB page), re-wrapping every nested value to do so,
sorts a partition by typed values, and deep-copies the results before turning them into JSON: the patch sizes each
item once, on its values as they are, sorts by plain values of the one key type, and copies the result list one
level deep (the answer is made into JSON straight away).

Before a transaction, moto deep-copies every table it names, to roll back to if it is cancelled: a copy of the
whole core table for every enrolment (its run and its dedupe marker are written together). The patch saves a copy
of the items the transaction names, and puts those back on a cancellation.

moto checks the 400 KB item limit by summing the sizes of all the attributes already set each time it sets one,
so building an item of n attributes costs n² sizes (run items carry their history): the patch builds the item,
then checks its size once, against the same limit.

Last, each call paid about 2.5 ms for the HTTP round trip botocore and moto emulate between them (signing, a
user-agent string, a werkzeug request, moto's URL routing, body parsing and model-driven serializer, botocore's
response parser). For the data-plane operations the patch hands the request's JSON body, serialized and validated
by botocore as always, straight to moto's DynamoDB handler and returns its answer as the parsed response, without
building a user-agent string nobody reads: 0.17 ms instead of 2.7 ms for a small GetItem. The platform's simple
updates (SET and REMOVE of top-level attributes) also skip moto's expression machinery (``_simple_update``). An
operation that fails is sent again the whole way, so that botocore raises its own error with its own fields: a
DynamoDB request that fails changes nothing, so sending it again is safe.

Used by the demo and ``chaseflow simulate``; drop when moto is faster.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from moto.core.exceptions import ServiceException
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult
from moto.core.utils import camelcase_to_underscores
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler
from werkzeug.exceptions import HTTPException

_scope = threading.local()  # the query the current thread is inside, if any
_MEMBERSHIPS = "_chaseflow_memberships"
_INDEXED: weakref.WeakSet[Table] = weakref.WeakSet()  # the tables that hold memberships
_ORIGINALS: dict[str, Any] = {}  # moto's and botocore's methods, each of its own signature
_OWN: dict[str, bool] = {}  # whether the patched class defined the method itself


# moto declares ``Table.items`` as a dict of dicts, but a table without a range key maps each hash key to one item:
# a partition, below, is typed Any (an Item or the items by range key, as ``table.range_key_attr`` says).
_ItemKey = tuple[DynamoType, DynamoType | None]  # (hash, range), as moto keys ``table.items``
_Values = tuple[tuple[str, Any], ...]  # (type, value) of the attributes an index is keyed on; a value is moto's


def _all_items(self: Table) -> list[Item]:
    query = getattr(_scope, "query", None)
    if query is None or query[0] is not self:
        every: list[Item] = _ORIGINALS["all_items"](self)
        return every
    _, hash_key, by_index = query
    if by_index:  # query() checks the key conditions and sorts by the index's keys itself: only pre-select here
        names = tuple(name for name, _ in by_index)
        values = tuple((value.type, value.value) for _, value in by_index)
        return [item for key in _membership(self, names).keys(values) if (item := _item(self, *key)) is not None]
    partition = self.items.get(hash_key)
    if partition is None:
        return []
    if not self.range_key_attr:
        return [partition]
    return sorted(partition.values(), key=lambda item: item.range_key.cast_value)  # one key type per table


def _members(table: Table, partition: Any) -> Iterable[Item]:
    return partition.values() if table.range_key_attr else [partition]


class _Membership:
    """The keys of a table's items by their values of some attributes (an index's hash key): built from the whole
    table once, then kept up to date by every write (``_after_write``), so that an index query reads its own
    candidates instead of every item of the table."""

    def __init__(self, table: Table, names: tuple[str, ...]) -> None:
        self.names = names
        self.buckets: dict[_Values, dict[_ItemKey, None]] = defaultdict(dict)
        self.where: dict[_ItemKey, _Values] = {}
        for partition in table.items.values():
            for item in _members(table, partition):
                self.file((item.hash_key, item.range_key), item)

    def file(self, key: _ItemKey, item: Item | None) -> None:
        old = self.where.pop(key, None)
        if old is not None:
            self.buckets[old].pop(key, None)
        attributes = [item.attrs.get(name) for name in self.names] if item is not None else [None]
        present = [a for a in attributes if a is not None and a.type in ("S", "N", "B")]
        if len(present) == len(attributes):
            values = tuple((a.type, a.value) for a in present)
            self.buckets[values][key] = None
            self.where[key] = values

    def keys(self, values: _Values) -> list[_ItemKey]:
        return list(self.buckets.get(values, ()))


def _membership(table: Table, names: tuple[str, ...]) -> _Membership:
    # on the table: a new mock starts with none
    memberships: dict[tuple[str, ...], _Membership] = table.__dict__.setdefault(_MEMBERSHIPS, {})
    _INDEXED.add(table)
    if names not in memberships:
        memberships[names] = _Membership(table, names)
    return memberships[names]


def _key(table: Table, key_or_item: dict[str, Any]) -> _ItemKey:
    """The (hash, range) key of a wire-format key or item, as moto keys ``table.items``."""
    hash_key = DynamoType(key_or_item[table.hash_key_attr])
    return hash_key, DynamoType(key_or_item[table.range_key_attr]) if table.range_key_attr else None


def _item(table: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    partition: Any = table.items.get(hash_key)  # see _ItemKey
    found: Item | None = partition if partition is None or not table.range_key_attr else partition.get(range_key)
    return found


SIMPLE_UPDATE = re.compile(
    r"(?:SET (?P<sets>[#\w]+ = :\w+(?:, [#\w]+ = :\w+)*))?\s*(?:REMOVE (?P<removes>[#\w]+(?:, [#\w]+)*))?"
)
PLACEHOLDER = re.compile(r"[#:]\w+")
ANSWER_OPTIONS = ("ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
                  "ReturnValuesOnConditionCheckFailure", "AttributeUpdates", "Expected")  # fmt: skip


def _simple_update(body: dict[str, Any], backend: DynamoDBBackend) -> dict[str, Any] | None:
    """UpdateItem for ``SET a = :v, … REMOVE b, …`` on top-level attributes, with an optional condition that moto
    evaluates, and nothing asked back: the whole of the platform's updates. moto's own path parses the expression
    twice, deep-copies the item and the expression, and walks the expression ten times (5 ms a call). Anything
    else, and any request that would fail (moto then says why), returns None: moto's handler answers it."""
    table = backend.tables.get(body.get("TableName", ""))
    update = SIMPLE_UPDATE.fullmatch(body.get("UpdateExpression", "").strip())
    if table is None or update is None or table.stream_shard is not None or any(o in body for o in ANSWER_OPTIONS):
        return None
    names, values = body.get("ExpressionAttributeNames", {}), body.get("ExpressionAttributeValues", {})
    condition = body.get("ConditionExpression")
    used = set(PLACEHOLDER.findall(body["UpdateExpression"] + " " + (condition or "")))
    sets = [pair.split(" = ") for pair in update["sets"].split(", ")] if update["sets"] else []
    removes = update["removes"].split(", ") if update["removes"] else []
    targets = [names.get(t, t) for t in [t for t, _ in sets] + removes]
    keys = {table.hash_key_attr, table.range_key_attr} - {None}
    if (used ^ (set(names) | set(values))) or set(body["Key"]) != keys or keys & set(targets):
        return None  # an unused or missing placeholder, a bad key, a key attribute updated: moto's errors
    if len(set(targets)) != len(targets):
        return None
    item = table.get_item(*_key(table, body["Key"]))
    if condition and not get_filter_expression(condition, names, values).expr(item):
        return None
    changes = {names.get(t, t): values[v] for t, v in sets}
    if item is None:
        table.put_item({**body["Key"], **changes})
    else:
        for name, value in changes.items():
            item.attrs[name] = DynamoType(value)
        for name in targets[len(sets) :]:
            item.attrs.pop(name, None)
    return {"ConsumedCapacity": {"TableName": table.name, "CapacityUnits": 0.5}}  # as moto answers every update


def _after_write(operation: str, body: dict[str, Any], region: str, account: str) -> None:
    """File again, in the table's memberships, every item the successful write request touched."""
    tables = dynamodb_backends[account][region].tables
    for table_name, key_or_item in _written(operation, body):
        table = tables.get(table_name)
        if table is None or not table.__dict__.get(_MEMBERSHIPS):
            continue
        key = _key(table, key_or_item)
        item = _item(table, *key)
        for membership in table.__dict__[_MEMBERSHIPS].values():
            membership.file(key, item)


def _written(operation: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if operation == "PutItem":
        return [(body["TableName"], body["Item"])]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(body["TableName"], body["Key"])]
    if operation == "BatchWriteItem":
        return [
            (name, request.get("PutRequest", {}).get("Item") or request["DeleteRequest"]["Key"])
            for name, requests in body["RequestItems"].items()
            for request in requests
        ]
    if operation == "TransactWriteItems":
        return [
            (action["TableName"], action.get("Item") or action["Key"])
            for entry in body["TransactItems"]
            for kind, action in entry.items()
            if kind != "ConditionCheck"
        ]
    return []


_QueryResult = tuple[list[Item], int, dict[str, Any] | None]  # items, scanned count, last evaluated key


def _query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> _QueryResult:
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    outer = getattr(_scope, "query", None)
    by_index = tuple(kwargs.get("hash_key_conditions") or ()) if index_name is not None else None
    original: Callable[..., _QueryResult] = _ORIGINALS["query"]
    if index_name is not None and not by_index:  # no equality on the index's hash key: moto's own path
        return original(self, hash_key, *args, **kwargs)
    _scope.query, _scope.sizes = (self, hash_key, by_index), {}
    try:
        return original(self, hash_key, *args, **kwargs)
    finally:
        _scope.query, _scope.sizes = outer, None


def _item_size(self: Item) -> int:
    """moto's measure of an item; inside a query, once per item (moto sizes every candidate twice)."""
    sizes: dict[int, int] | None = getattr(_scope, "sizes", None)  # by id(item)
    if sizes is None:
        return item_size(self)
    if id(self) not in sizes:
        sizes[id(self)] = item_size(self)
    return sizes[id(self)]


def item_size(item: Item) -> int:
    """``Item.size`` computed on the values as they are (moto wraps every nested value again to measure it)."""
    return sum(bytesize(name) + _value_size(value) for name, value in item.attrs.items())


def _value_size(value: DynamoType | dict[str, Any]) -> int:
    kind, inner = (value.type, value.value) if isinstance(value, DynamoType) else next(iter(value.items()))
    if kind == "N":
        return len(str(inner))
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: member}) for member in inner)
    if kind == "L":
        return sum(_value_size(member) for member in inner)
    if kind == "M":
        return sum(bytesize(key) + _value_size(member) for key, member in inner.items())
    return 1 if isinstance(inner, bool) else bytesize(inner)


class _QueryCopies:
    """``copy`` as moto's table module sees it: inside a query, the results are copied one level deep, not
    item by item (the items are turned into the JSON answer at once, and nothing writes to them meanwhile)."""

    def __getattr__(self, name: str) -> Any:  # the rest of the copy module, whatever moto reads of it
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: object, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_scope, "query", None) is not None and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


_DATA_PLANE = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
     "TransactGetItems", "TransactWriteItems"}
)  # fmt: skip


ITEM_SIZE_LIMIT = 405_000  # moto's own figure (AWS: 400 KB, measured between 409 and 410 KB)


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key, self.range_key = hash_key, range_key
    self.attrs = LimitedSizeDict()
    for key, value in attrs.items():
        dict.__setitem__(self.attrs, key, DynamoType(value))
    if item_size(self) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    saved = []  # (table, hash key, range key, a copy of the item before the transaction, or None)
    for entry in transact_items:
        _, action = next(iter(entry.items()))
        table = self.tables.get(action.get("TableName"))
        if table is not None:
            hash_key, range_key = _key(table, action.get("Key") or action["Item"])
            saved.append((table, hash_key, range_key, copy.deepcopy(_item(table, hash_key, range_key))))
    Table.__deepcopy__ = _same_table  # type: ignore[attr-defined]  # moto's whole-table backup: not needed
    try:
        _ORIGINALS["transact_write_items"](self, transact_items)
    except Exception:
        for table, hash_key, range_key, before in reversed(saved):
            _restore(table, hash_key, range_key, before)
        raise
    finally:
        del Table.__deepcopy__  # type: ignore[attr-defined]  # set just above: moto's Table defines none


def _same_table(self: Table, memo: dict[int, Any]) -> Table:
    return self


def _restore(table: Table, hash_key: DynamoType, range_key: DynamoType | None, before: Item | None) -> None:
    items: Any = table.items  # see _ItemKey: a partition is an Item or a dict
    if not table.range_key_attr:
        if before is None:
            items.pop(hash_key, None)
        else:
            items[hash_key] = before
        return
    partition = items.setdefault(hash_key, {})
    if before is None:
        partition.pop(range_key, None)
        if not partition:
            del items[hash_key]
    else:
        partition[range_key] = before


def _convert_to_request_dict(self: BaseClient, api_params: Any, operation_model: Any, *args: Any, **kwargs: Any) -> Any:
    if _answered_in_process(self, operation_model):  # nobody reads a user-agent header here
        kwargs["set_user_agent_header"] = False
    return _ORIGINALS["_convert_to_request_dict"](self, api_params, operation_model, *args, **kwargs)


def _answered_in_process(client: BaseClient, operation_model: Any) -> bool:
    return client.meta.service_model.service_name == "dynamodb" and operation_model.name in _DATA_PLANE


def _make_request(self: BaseClient, operation_model: Any, request_dict: dict[str, Any], context: Any) -> Any:
    operation = operation_model.name
    if _answered_in_process(self, operation_model):
        body, region = json.loads(request_dict["body"] or b"{}"), self.meta.region_name
        account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
        answer = _answer_in_process(operation, body, region, account)
        if answer is not None:
            _after_write(operation, body, region, account)
            # botocore's parser keeps only the output shape's members
            parsed = {key: value for key, value in answer.items() if key in operation_model.output_shape.members}
            parsed["ResponseMetadata"] = {"HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}
            return AWSResponse(request_dict["url"], 200, {}, None), parsed
    return _ORIGINALS["_make_request"](self, operation_model, request_dict, context)


def _answer_in_process(operation: str, body: dict[str, Any], region: str, account: str) -> dict[str, Any] | None:
    """The parsed answer of moto's DynamoDB handler to a data-plane request; None when the request fails."""
    if operation == "UpdateItem" and (done := _simple_update(body, dynamodb_backends[account][region])) is not None:
        return done
    handler = DynamoHandler()
    handler.params = handler.body = body
    handler.headers = {"X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    handler.querystring, handler.response_headers = {}, {}
    handler.region, handler.current_account = region, account
    try:
        result = getattr(handler, camelcase_to_underscores(operation))()
    except (ServiceException, HTTPException):
        return None
    if not isinstance(result, ActionResult) or not isinstance(result.result, dict):
        return None
    answer: dict[str, Any] = json.loads(json.dumps(result.result))  # a copy: moto's items stay moto's
    return answer


_PATCHES: tuple[tuple[object, str, object], ...] = (  # (class or module, attribute, replacement)
    (Table, "all_items", _all_items),
    (Table, "query", _query),
    (Item, "__init__", _item_init),
    (Item, "size", _item_size),
    (table_module, "copy", _QueryCopies()),
    (DynamoDBBackend, "transact_write_items", _transact_write_items),
    (BaseClient, "_make_request", _make_request),
    (BaseClient, "_convert_to_request_dict", _convert_to_request_dict),
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
    for table in list(_INDEXED):
        table.__dict__.pop(_MEMBERSHIPS, None)
    _INDEXED.clear()


@contextlib.contextmanager
def patched() -> Iterator[None]:
    already_applied = bool(_ORIGINALS)
    apply()
    try:
        yield
    finally:
        if not already_applied:
            remove()
