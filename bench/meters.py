"""Meters for the benchmarks that run the local stack: AWS calls (botocore hooks), DynamoDB capacity units and
Lambda durations. Benchmarks only: nothing here is used by the product.

DynamoDB units are measured twice. ``reported``: the ``ConsumedCapacity`` moto returns when asked
(``ReturnConsumedCapacity=TOTAL`` is injected into every call) — moto answers a constant per operation (GetItem 0.5,
UpdateItem 0.5, PutItem 1 …) whatever the item size. ``estimated``: on-demand billing rules applied to the bytes
actually sent and received — a write is ceil(item KB) WRU (twice in a transaction) plus the same again for every
global secondary index the item is in (all project ALL); a strongly consistent read ceil(KB / 4) RRU, eventually
consistent half that, a Query or Scan on the total size read. The estimate is what the costs use.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from moto.awslambda.models import LambdaFunction

from emulator import moto_patches
from shared.platform.tables import TABLES

CAPACITY_OPERATIONS = {
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems",
}  # fmt: skip
READ_OPERATIONS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
INDEX_KEYS = {index.partition_key for table in TABLES for index in table.indexes}


class _ServiceModel(Protocol):
    @property
    def service_name(self) -> str: ...


class Operation(Protocol):
    """botocore's ``OperationModel``, as the hooks read it."""

    @property
    def name(self) -> str: ...

    @property
    def service_model(self) -> _ServiceModel: ...


class Response(Protocol):
    """botocore's ``AWSResponse``, as the after-call hook reads it."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...


class _Events(Protocol):
    def register(self, event_name: str, handler: Callable[..., None]) -> None: ...


class Session(Protocol):
    """boto3's ``Session``: its event hooks see the calls of every client it makes. The hooks' ``params`` and
    ``context`` are botocore's dicts of anything."""

    @property
    def events(self) -> _Events: ...


class Switch:
    """What is measured: calls on the main thread while on (the bench's own look-ups are not), and always the
    calls of Step Functions' execution threads (they run on while the bench waits for them); or, with
    ``main_thread_only``, the main thread's calls while on."""

    def __init__(self, main_thread_only: bool = False) -> None:
        self.on = False
        self._main_only = main_thread_only

    def active(self) -> bool:
        main = threading.current_thread() is threading.main_thread()
        return self.on and main if self._main_only else self.on or not main


class CallCounter:
    """Every AWS API call made through ``session`` (boto3's default session: the handlers, the state machine's
    SDK integrations), by ``service.Operation``, and the entries put on EventBridge."""

    def __init__(self, session: Session, switch: Switch) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()  # time spent in each operation (moto's emulation, in-process)
        self.events_put = 0
        self._switch = switch
        self._lock = threading.Lock()
        session.events.register("before-call", self._count)
        session.events.register("after-call", self._timed)
        session.events.register("before-parameter-build.events.PutEvents", self._count_entries)

    def _count(self, model: Operation, context: dict[str, Any], **_: object) -> None:
        if self._switch.active():
            context["bench_started"] = time.perf_counter()
            with self._lock:
                self.calls[f"{model.service_model.service_name}.{model.name}"] += 1

    def _timed(self, model: Operation, context: dict[str, Any], **_: object) -> None:
        started = context.get("bench_started")
        if started is not None and self._switch.active():
            with self._lock:
                self.seconds[f"{model.service_model.service_name}.{model.name}"] += time.perf_counter() - started

    def _count_entries(self, params: dict[str, Any], **_: object) -> None:
        if self._switch.active():
            with self._lock:
                self.events_put += len(params.get("Entries", []))


class DynamoDBUnits:
    def __init__(self, session: Session, switch: Switch) -> None:
        self._switch = switch
        self.reported = {"read": 0.0, "write": 0.0}
        self.estimated = {"read": 0.0, "write": 0.0}
        self._sizes: dict[str, tuple[int, int]] = {}  # item key → (bytes, indexes it is in), as last seen
        self._lock = threading.Lock()
        session.events.register("before-parameter-build.dynamodb", self._ask_for_capacity)
        session.events.register("before-call.dynamodb", self._before)
        session.events.register("after-call.dynamodb", self._after)

    def _ask_for_capacity(self, params: dict[str, Any], model: Operation, **_: object) -> None:
        if model.name in CAPACITY_OPERATIONS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _before(self, params: dict[str, Any], model: Operation, context: dict[str, Any], **_: object) -> None:
        context["bench_request"] = json.loads(params.get("body") or b"{}")

    def _after(
        self, http_response: Response, parsed: dict[str, Any], model: Operation, context: dict[str, Any], **_: object
    ) -> None:
        if not self._switch.active() or model.name not in CAPACITY_OPERATIONS:
            return
        kind = "read" if model.name in READ_OPERATIONS else "write"
        consumed = parsed.get("ConsumedCapacity") or []
        reported = sum(c.get("CapacityUnits", 0.0) for c in (consumed if isinstance(consumed, list) else [consumed]))
        if http_response.status_code >= 400:  # a failed conditional write still consumes its write units
            reported = reported or (1.0 if kind == "write" else 0.5)
        estimate = self._estimate(
            model.name, context.get("bench_request", {}), json.loads(http_response.content or b"{}")
        )
        with self._lock:
            self.reported[kind] += reported
            self.estimated[kind] += estimate

    def _estimate(self, operation: str, request: dict[str, Any], response: dict[str, Any]) -> float:
        if operation == "GetItem":
            item = response.get("Item")
            size = item_size(item) if item else 1
            if item:
                self._remember(request["Key"], item)
            return read_units(size, request.get("ConsistentRead", False))
        if operation in ("Query", "Scan"):
            items = response.get("Items", [])
            total = sum(item_size(i) for i in items)
            scanned = response.get("ScannedCount", len(items))
            if scanned > len(items):  # a filter drops items after they are read (and billed)
                total = int(total / max(len(items), 1) * scanned) if items else scanned * 200
            return read_units(max(total, 1), request.get("ConsistentRead", False))
        if operation == "PutItem":
            return self._write(request["Item"], request["Item"])
        if operation in ("UpdateItem", "DeleteItem"):
            return self._write(request["Key"], None)
        if operation == "TransactWriteItems":
            units = 0.0
            for entry in request.get("TransactItems", []):
                (action, body), *_ = entry.items()
                if action == "Put":
                    units += 2 * self._write(body["Item"], body["Item"])
                elif action in ("Update", "Delete"):
                    units += 2 * self._write(body["Key"], None)
                else:  # ConditionCheck: a read, billed as a transactional write unit here for simplicity
                    units += 2
            return units
        if operation == "BatchWriteItem":
            puts = [
                r["PutRequest"]["Item"]
                for rs in request.get("RequestItems", {}).values()
                for r in rs
                if "PutRequest" in r
            ]
            return sum(self._write(i, i) for i in puts)
        return 1.0  # BatchGetItem, TransactGetItems: unused by the runtime

    def _write(self, key: dict[str, Any], item: dict[str, Any] | None) -> float:
        if item is not None:
            size, indexes = self._remember(key, item)
        else:
            size, indexes = self._sizes.get(_key(key), (1024, 0))
        return math.ceil(size / 1024) * (1 + indexes)

    def _remember(self, key: dict[str, Any], item: dict[str, Any]) -> tuple[int, int]:
        seen = (item_size(item), sum(1 for name in item if name in INDEX_KEYS))
        self._sizes[_key(key)] = seen
        return seen


def _key(key: dict[str, Any]) -> str:
    return json.dumps({k: key[k] for k in ("pk", "sk", "id") if k in key}, sort_keys=True)


def read_units(size: int, consistent: bool) -> float:
    units = math.ceil(size / 4096)
    return float(units) if consistent else units / 2


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits, lists/maps 3 + 1 per
    element), from the typed JSON form."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, data), *_ = value.items()
    if kind in ("S", "B"):
        return len(str(data).encode())
    if kind == "N":
        return len(str(data).lstrip("-").replace(".", "")) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in data.items())
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in data)
    return sum(len(str(v).encode()) for v in data)  # SS, NS, BS


class LambdaTimer:
    """Wraps moto's in-process Lambda invocation (moto patch 1) to measure each invocation's own duration (time
    spent in functions it invoked synchronously is subtracted: on AWS those run, and bill, apart)."""

    def __init__(self, switch: Switch) -> None:
        self.invocations: Counter[str] = Counter()
        self.billed_gb_s = 0.0
        self.billed_ms = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        inner = LambdaFunction._invoke_lambda
        timer = self

        def timed(function: LambdaFunction, event: str | None = None) -> tuple[str, bool, str]:
            stack: list[float] = timer._local.__dict__.setdefault("children", [])
            stack.append(0.0)
            with moto_patches.handlers_quiet():  # handlers run one at a time: time the run, not the wait for a turn
                started = time.perf_counter()
                try:
                    return inner(function, event)
                finally:
                    elapsed = time.perf_counter() - started
                    timer._record(function, elapsed, stack, switch.active())

        # The wrapper replaces moto's method on its class, as moto patch 1 does; mypy refuses any assignment to a
        # method (method-assign) and compares a plain function with the method as bound twice (assignment).
        LambdaFunction._invoke_lambda = timed  # type: ignore[method-assign, assignment]

    def _record(self, function: LambdaFunction, elapsed: float, stack: list[float], counted: bool) -> None:
        own = elapsed - stack.pop()
        if stack:
            stack[-1] += elapsed
        if counted:
            billed_ms = math.ceil(own * 1000)  # 1 ms billing granularity
            with self._lock:
                self.invocations[str(function.function_name)] += 1
                self.billed_ms += billed_ms
                self.billed_gb_s += billed_ms / 1000 * int(function.memory_size) / 1024
