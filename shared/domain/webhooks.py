"""ERP webhooks: the signature rules, the batch an ERP posts, and the report it gets back.

Signature: ``X-Chaseflow-Signature: v1=<hex>`` where hex is HMAC-SHA256, keyed with the tenant's secret, of
``f"{timestamp}.{body}"`` (the ``X-Chaseflow-Timestamp`` header's text, a dot, the raw body bytes). Several
comma-separated signatures are accepted (``v1=<new>,v1=<old>``) so that a secret can rotate without downtime.
The timestamp (unix seconds) must be within five minutes of our clock, either way.

Batch: ``{"records": [{"kind": "invoice", "data": {...}}, ...]}``, at most 500 records. Each record is validated
on its own: valid ones are applied, invalid ones come back with field-level errors (``records[3].data.due_on``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.domain.ledger.models import LEDGER_MODELS, LedgerRecord
from shared.domain.ledger.ownership import fields_the_erp_may_not_set

TIMESTAMP_HEADER = "X-Chaseflow-Timestamp"
SIGNATURE_HEADER = "X-Chaseflow-Signature"
REPLAY_WINDOW = timedelta(minutes=5)
MAX_SIGNATURES = 8  # a rotation needs two; more is a malformed header, not a reason to compute more digests
MAX_RECORDS = 500
KINDS = ("customer", "contact", "invoice", "credit_note", "payment", "promise_to_pay", "communication")
TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # the rule of TenantSettings.tenant_id
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
Problem = tuple[str, str, str]  # path, message, type


class WebhookRejected(ValueError):
    """The request is refused as a whole; the message names the reason, never the body."""


class SignatureInvalid(WebhookRejected):
    """Missing or malformed signature headers, or no signature made with one of the tenant's secrets."""


class RequestExpired(WebhookRejected):
    """Correctly signed, but the timestamp is outside the replay window (a replay, or a clock far off)."""


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Chaseflow-Signature`` value for a body sent at ``timestamp`` (what the ERP computes)."""
    return f"v1={_digest(secret, str(timestamp), body)}"


def verify(secrets: Sequence[str], timestamp: str | None, signature: str | None, body: bytes, now: datetime) -> int:
    """Check the request's signature against the tenant's secrets, then its age; return the timestamp.

    Raises
    ------
    SignatureInvalid
        A header is missing or malformed, or no signature matches any secret (compared in constant time).
    RequestExpired
        The signature matches but the timestamp is more than five minutes from ``now`` (past or future).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if timestamp is None or not _TIMESTAMP.fullmatch(timestamp.strip()):
        raise SignatureInvalid(f"missing or malformed {TIMESTAMP_HEADER} header")
    timestamp = timestamp.strip()
    offered = _signatures(signature)
    expected = [_digest(secret, timestamp, body).encode() for secret in secrets if secret]
    # every pair is compared, so the time taken says nothing about which secret or signature came close
    matches = [hmac.compare_digest(e, o.encode()) for e in expected for o in offered]
    if not any(matches):
        raise SignatureInvalid("no signature matches the tenant's secret")
    sent = int(timestamp)
    if abs(math.floor(now.timestamp()) - sent) > REPLAY_WINDOW.total_seconds():
        raise RequestExpired("timestamp outside the five-minute replay window")
    return sent


def _signatures(header: str | None) -> list[str]:
    if not header:
        raise SignatureInvalid(f"missing {SIGNATURE_HEADER} header")
    parts = [part.strip() for part in header.split(",")]
    if len(parts) > MAX_SIGNATURES:
        raise SignatureInvalid(f"more than {MAX_SIGNATURES} signatures")
    # other schemes (a future v2) are skipped, so a sender can offer both during a migration
    found = [value.lower() for scheme, _, value in (p.partition("=") for p in parts) if scheme == "v1"]
    usable = [value for value in found if _HEX_DIGEST.fullmatch(value)]
    if not usable:
        raise SignatureInvalid("no well-formed v1 signature")
    return usable


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class FieldError(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    message: str
    type: str


class RecordResult(BaseModel):
    """One record of the batch in the report: accepted (with the change and the events), stale, or rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    kind: str | None = None
    id: str | None = None
    change: Literal["created", "updated"] | None = None
    events: tuple[str, ...] = ()
    errors: tuple[FieldError, ...] = ()


class IngestReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    accepted: tuple[RecordResult, ...] = ()
    stale: tuple[RecordResult, ...] = ()
    rejected: tuple[RecordResult, ...] = ()
    events_published: int = 0

    @property
    def status_code(self) -> int:
        """200: everything applied or already known; 422: nothing valid; 207 (Multi-Status): some of each."""
        if not self.rejected:
            return 200
        return 207 if self.accepted or self.stale else 422

    def body(self) -> dict[str, Any]:
        """The response body: counts, then each list with the fields that matter to it."""

        def rows(results: tuple[RecordResult, ...], *fields: str) -> list[dict[str, Any]]:
            keep = {"index", "kind", "id", *fields}
            return [r.model_dump(mode="json", include=keep, exclude_none=True) for r in results]

        return {
            "counts": {"accepted": len(self.accepted), "stale": len(self.stale), "rejected": len(self.rejected)},
            "accepted": rows(self.accepted, "change", "events"),
            "stale": rows(self.stale),
            "rejected": rows(self.rejected, "errors"),
            "events_published": self.events_published,
        }


class BodyInvalid(WebhookRejected):
    """Not a JSON object with a ``records`` array: nothing can be read from it (HTTP 400)."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in self.errors))


class BatchTooLarge(WebhookRejected):
    """More records than one call may carry (HTTP 413): the ERP must page."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"{count} records; at most {MAX_RECORDS} per call")


@dataclass(frozen=True)
class ValidRecord:
    index: int
    kind: str
    record: LedgerRecord


@dataclass(frozen=True)
class Batch:
    valid: tuple[ValidRecord, ...]
    rejected: tuple[RecordResult, ...]


def read_batch(tenant_id: str, body: bytes) -> Batch:
    """Parse and validate a batch for ``tenant_id``; every record is judged on its own.

    Raises
    ------
    BodyInvalid
        The body is not UTF-8 JSON, or not an object holding exactly a ``records`` array.
    BatchTooLarge
        More than ``MAX_RECORDS`` records.
    """
    try:  # numbers keep their decimal text: 0.1 stays 0.1
        payload = json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        raise BodyInvalid([FieldError(path="", message="body is not UTF-8 JSON", type="json_invalid")]) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise BodyInvalid([FieldError(path="records", message="expected an array of records", type="missing")])
    extra = sorted(set(payload) - {"records"})
    if extra:
        raise BodyInvalid([FieldError(path=k, message="unexpected field", type="extra_forbidden") for k in extra])
    rows: list[Any] = payload["records"]
    if len(rows) > MAX_RECORDS:
        raise BatchTooLarge(len(rows))
    valid: list[ValidRecord] = []
    rejected: list[RecordResult] = []
    for index, row in enumerate(rows):
        result = _read_record(tenant_id, index, row)
        if isinstance(result, ValidRecord):
            valid.append(result)
        else:
            rejected.append(result)
    return Batch(valid=tuple(valid), rejected=tuple(rejected))


def _read_record(tenant_id: str, index: int, row: Any) -> ValidRecord | RecordResult:
    at = f"records[{index}]"
    if not isinstance(row, dict):
        return _rejected(index, None, None, [(at, "expected an object with kind and data", "dict_type")])
    kind, data = row.get("kind"), row.get("data")
    record_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    known_kind = kind if isinstance(kind, str) and kind in KINDS else None
    problems = [(f"{at}.{key}", "unexpected field", "extra_forbidden") for key in sorted(set(row) - {"kind", "data"})]
    if known_kind is None:
        problems.append((f"{at}.kind", f"expected one of {', '.join(KINDS)}", "literal_error"))
    if not isinstance(data, dict):
        problems.append((f"{at}.data", "expected an object", "dict_type"))
    elif data.get("tenant_id", tenant_id) != tenant_id:
        problems.append((f"{at}.data.tenant_id", "belongs to another tenant", "tenant_mismatch"))
    if known_kind is not None and isinstance(data, dict):
        problems += [
            (f"{at}.data.{name}", "Chaseflow's field: the ERP may not set it (docs/ownership.md)", "owned_by_chaseflow")
            for name in fields_the_erp_may_not_set(known_kind, data)
        ]
    if problems or known_kind is None or not isinstance(data, dict):
        return _rejected(index, kind if isinstance(kind, str) else None, record_id, problems)
    try:
        record = LEDGER_MODELS[known_kind].model_validate({**data, "tenant_id": tenant_id})
    except ValidationError as error:
        found = [(f"{at}.data{_path(e['loc'])}", e["msg"], e["type"]) for e in error.errors()]
        return _rejected(index, known_kind, record_id, found)
    if record.updated_at is None:  # without it, out-of-order deliveries could not be told apart
        problems = [(f"{at}.data.updated_at", "required: the ERP's last-modified time", "missing")]
        return _rejected(index, known_kind, record_id, problems)
    return ValidRecord(index=index, kind=known_kind, record=record)


def _rejected(index: int, kind: str | None, record_id: str | None, problems: list[Problem]) -> RecordResult:
    errors = tuple(FieldError(path=p, message=m, type=t) for p, m, t in problems)
    return RecordResult(index=index, kind=kind, id=record_id, errors=errors)


def _path(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
