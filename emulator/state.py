"""The local runtime's state directory: a JSON snapshot of every table and the tenants' webhook secrets, written
atomically whenever something changed (and on shutdown), restored into a fresh moto at start.

Layout: ``state.json`` (``format``, ``saved_at``, ``tables``: logical table key → items in DynamoDB's typed JSON,
``secrets``: tenant id → secret value) and ``tenants/<tenant_id>.secret`` (the secret alone, mode 600, for curl).
What is not kept: Step Functions executions (the runs are restarted from their items, see
``emulator.restart``), the emulated SES and SMS outboxes (the communications log on the core table keeps what
was sent), the dead-letter queue.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NotRequired, Protocol, TextIO, TypedDict

import boto3

from emulator import moto_patches
from emulator.stack import REGION, LocalStack
from shared.platform.functions import webhook_secret_name

FORMAT = 1
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
SECRET_WRITES = {"CreateSecret", "PutSecretValue", "UpdateSecret", "DeleteSecret"}


WireItem = dict[str, dict[str, Any]]  # an item in DynamoDB's typed JSON: name → {"S": "…"}, {"N": "…"}, {"M": {…}} …


class Snapshot(TypedDict):
    """``state.json``."""

    format: int
    saved_at: str  # ISO 8601
    tables: dict[str, list[WireItem]]  # logical table key → every item
    secrets: NotRequired[dict[str, str]]  # tenant id → secret value (a JSON list of values during a rotation)


class _Operation(Protocol):
    """botocore's ``OperationModel``, as the after-call hook reads it."""

    @property
    def name(self) -> str: ...


class StateDirBusy(RuntimeError):
    """Another process holds the state directory."""


class StateDir:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.snapshot_file = path / "state.json"
        self._lock_file: TextIO | None = None

    def lock(self) -> None:
        """Hold the directory for this process: a second ``chaseflow local`` on it would overwrite its snapshots."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock_file = (self.path / ".lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise StateDirBusy(f"another chaseflow local is using {self.path}") from None

    def unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the lock
            self._lock_file = None

    def load(self) -> Snapshot | None:
        if not self.snapshot_file.exists():
            return None
        snapshot: Snapshot = json.loads(self.snapshot_file.read_text(encoding="utf-8"))
        if snapshot.get("format") != FORMAT:
            raise ValueError(f"{self.snapshot_file}: unknown state format {snapshot.get('format')!r}")
        return snapshot

    def write(self, snapshot: Snapshot) -> None:
        """Write a new file, then rename it over the old one: a crash never leaves half a snapshot."""
        self.path.mkdir(parents=True, exist_ok=True)
        partial = self.snapshot_file.with_suffix(".json.partial")
        partial.write_text(json.dumps(snapshot, separators=(",", ":")), encoding="utf-8")
        os.replace(partial, self.snapshot_file)

    def secret_file(self, tenant_id: str) -> Path:
        return self.path / "tenants" / f"{tenant_id}.secret"

    def write_secret(self, tenant_id: str, secret: str) -> Path:
        file = self.secret_file(tenant_id)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.touch(mode=0o600)
        file.write_text(secret + "\n", encoding="utf-8")
        return file


def capture(stack: LocalStack) -> Snapshot:
    """Every item of every table and every tenant's webhook secret, taken while no handler runs."""
    ddb = boto3.client("dynamodb", region_name=REGION)
    with moto_patches.handlers_quiet():
        tables = {key: list(_scan(ddb, name)) for key, name in stack.tables.items()}
        secrets = dict(_secrets(stack))
    return {"format": FORMAT, "saved_at": datetime.now(UTC).isoformat(), "tables": tables, "secrets": secrets}


def restore(stack: LocalStack, snapshot: Snapshot) -> int:
    """Put the snapshot's items and secrets into a freshly provisioned stack; the number of items restored."""
    ddb = boto3.client("dynamodb", region_name=REGION)
    restored = 0
    for key, items in snapshot["tables"].items():
        name = stack.tables[key]
        for start in range(0, len(items), 25):  # BatchWriteItem takes 25 items at most
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            pending: dict[str, list[dict[str, Any]]] = {name: requests}  # RequestItems, as BatchWriteItem takes
            while pending:
                pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        restored += len(items)
    for tenant_id, secret in snapshot.get("secrets", {}).items():
        stack.put_webhook_secret(tenant_id, json.loads(secret) if secret.startswith("[") else secret)
    return restored


class ChangeCounter:
    """Counts the writes to DynamoDB and Secrets Manager made through boto3's default session (the handlers, the
    state machine's SDK integrations and this process all use it), so a snapshot is taken only when needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0
        session = boto3._get_default_session()  # moto resets the default session when it starts: call after
        session.events.register("after-call.dynamodb", self._after_call)
        session.events.register("after-call.secrets-manager", self._after_call)

    def _after_call(self, model: _Operation, **_: object) -> None:
        if model.name in WRITES or model.name in SECRET_WRITES:
            with self._lock:
                self.version += 1


def _scan(ddb: Any, table_name: str) -> Iterator[WireItem]:
    kwargs: dict[str, object] = {"TableName": table_name}
    while True:
        response = ddb.scan(**kwargs)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _secrets(stack: LocalStack) -> Iterator[tuple[str, str]]:
    client = boto3.client("secretsmanager", region_name=REGION)
    prefix, suffix = webhook_secret_name(stack.stage, "\0").split("\0")
    for page in client.get_paginator("list_secrets").paginate():
        for entry in page.get("SecretList", []):
            name = entry["Name"]
            if name.startswith(prefix) and name.endswith(suffix):
                value = client.get_secret_value(SecretId=name)["SecretString"]
                yield name[len(prefix) : len(name) - len(suffix)], value
