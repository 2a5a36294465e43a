"""The local stack as a simulation drives it: moto with the two patches, the stack provisioned from the platform
facts, a virtual clock, and the ways in that production has: signed webhook batches for the ERP, the scheduler's
tick, SES delivery events. It also reads what the emulated services hold (sent email and SMS, run items), which
only a simulation may do."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import boto3
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.ses.models import Message, ses_backends

from emulator import moto_patches, moto_speedups
from emulator.fake_sms import SentSms, outbox
from emulator.http_api import HttpApiEvent
from emulator.stack import ACCOUNT, REGION, LocalStack, provision, use_local_ports
from emulator.statemachine import LocalExecutions, StateMachine, from_moto
from functions import wiring
from shared.adapters.dynamodb import client as dynamodb_client
from shared.adapters.dynamodb.ledger import ledger_item
from shared.clock import FixedClock
from shared.domain.ledger.models import LedgerRecord
from shared.domain.templates.models import Template, TemplateSettings
from shared.domain.tenant import TenantSettings
from shared.domain.webhooks import MAX_RECORDS, sign
from shared.domain.workflow.definition import Workflow
from simulation.replay import KIND_OF

BOUNCE_SAMPLE = Path(__file__).parent / "events" / "ses_bounce_eventbridge.json"
PROCESS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,  # moto's Step Functions SDK integrations read it
    "AWS_LAMBDA_FUNCTION_NAME": "chaseflow-simulation",  # read by Powertools on threads outside a handler
    "TZ": "UTC",
}


PlainItem = dict[str, Any]  # an item's attributes as moto holds their values (text for S and N, …)


class FieldErrorBody(TypedDict):
    path: str
    message: str
    type: str


class Rejected(TypedDict):
    """A record the webhook refused, as its answer lists it (``IngestReport.body``)."""

    index: int
    kind: NotRequired[str]
    id: NotRequired[str]
    errors: list[FieldErrorBody]


class DiscardedMetrics:
    """The metrics port of a simulation: the counts are in its summary, not in EMF lines."""

    def count(self, name: str, value: int = 1) -> None:
        pass

    def seconds(self, name: str, value: float) -> None:
        pass


class WebhookRefused(RuntimeError):
    """The webhook refused a whole batch: the simulation's input or signature is wrong."""


@dataclass(frozen=True)
class RunItem:
    run_id: str
    status: str
    parking: str | None
    next_run_at: str | None


class Harness:
    """One simulation's local AWS; use as a context manager (``with Harness(clock) as h:``)."""

    def __init__(self, clock: FixedClock, prefix: str = "chaseflow-sim") -> None:
        self.clock, self.prefix = clock, prefix
        self.secret = "whsec_" + secrets.token_hex(16)
        self.stack: LocalStack | None = None
        self.rejected: list[Rejected] = []  # records the webhook refused, with its field errors
        self.stuck: set[str] = set()  # runs that never parked again (a failed execution): reported, not awaited
        self.machine: StateMachine | None = None
        self._exit = contextlib.ExitStack()

    def __enter__(self) -> Harness:
        # a handler that counted nothing warns on every call; in AWS that goes to its log, here to the terminal
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        for name, value in PROCESS_ENVIRONMENT.items():
            self._exit.callback(_restore, name, os.environ.get(name))
            os.environ[name] = value
        time.tzset()
        self._exit.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))
        self._exit.enter_context(moto_patches.patched())
        self._exit.enter_context(moto_speedups.patched())
        dynamodb_client.reset()
        self.stack = provision(self.prefix)
        for name, value in self.stack.environment().items():
            self._exit.callback(_restore, name, os.environ.get(name))
            os.environ[name] = value
        self.machine = from_moto(self.stack.state_machine_arn)
        # EMF lines are for CloudWatch: here they would flood the terminal (Powertools prints every 100 values)
        use_local_ports(clock=self.clock, executions=LocalExecutions(self.machine), metrics=DiscardedMetrics())
        self._exit.callback(wiring.override)
        self._exit.callback(dynamodb_client.reset)
        return self

    def __exit__(self, *exc: object) -> None:
        self._exit.close()

    @property
    def local(self) -> LocalStack:
        assert self.stack is not None, "use the harness as a context manager"
        return self.stack

    # --- setting up the tenant -------------------------------------------------------------------------------

    def load_tenant(
        self,
        tenant: TenantSettings,
        workflows: Sequence[Workflow],
        templates: Sequence[Template],
        template_settings: TemplateSettings | None,
        opening: Sequence[LedgerRecord],
    ) -> None:
        """The tenant as it stands before the first simulated day: settings, webhook secret, templates,
        workflows, and the opening ledger imported as a first sync (no events: history enrols nothing)."""
        rt = wiring.runtime()
        rt.ledger.put_tenant(tenant)
        self.local.put_webhook_secret(tenant.tenant_id, self.secret)
        for template in templates:
            rt.templates.save(tenant.tenant_id, template)
        if template_settings is not None:
            rt.templates.put_settings(tenant.tenant_id, template_settings)
        for workflow in workflows:
            rt.workflows.save(tenant.tenant_id, workflow.model_copy(update={"status": "active"}))
        table = boto3.resource("dynamodb", region_name=REGION).Table(self.local.tables["ledger"])
        with table.batch_writer() as batch:
            for record in opening:
                batch.put_item(Item=ledger_item(record))

    # --- the ways in -----------------------------------------------------------------------------------------

    def post(self, tenant_id: str, records: Sequence[LedgerRecord]) -> int:
        """Post records through the signed webhook, as the ERP does (batches of at most 500); returns how many
        were accepted. Refused records are kept in ``rejected``."""
        accepted = 0
        for first in range(0, len(records), MAX_RECORDS):
            chunk = records[first : first + MAX_RECORDS]
            body = json.dumps({"records": [_webhook_record(r) for r in chunk]}, default=str)
            status, answer = self._invoke_webhook(tenant_id, body)
            if status not in (200, 207, 422):
                raise WebhookRefused(f"webhook answered {status}: {answer}")
            accepted += answer["counts"]["accepted"] + answer["counts"]["stale"]
            self.rejected += answer.get("rejected", [])
        return accepted

    def _invoke_webhook(self, tenant_id: str, body: str) -> tuple[int, dict[str, Any]]:
        event = webhook_event(tenant_id, body, int(self.clock.now().timestamp()), self.secret)
        response = boto3.client("lambda", region_name=REGION).invoke(
            FunctionName=self.local.functions["webhooks"], Payload=json.dumps(event).encode()
        )
        answer = json.loads(response["Payload"].read())
        if "FunctionError" in response:
            raise WebhookRefused(f"the webhook function failed: {answer}")
        return int(answer["statusCode"]), json.loads(answer["body"])

    def tick(self) -> dict[str, int]:
        """The scheduler's schedule fires (EventBridge Scheduler invokes the tick function)."""
        response = boto3.client("lambda", region_name=REGION).invoke(
            FunctionName=self.local.functions["tick"], Payload=b"{}"
        )
        payload = json.loads(response["Payload"].read())
        if "FunctionError" in response:
            raise RuntimeError(f"the tick failed: {payload}")
        result: dict[str, int] = payload  # resumed, recovered, sweeps
        return result

    def bounce(self, message_id: str, address: str, tenant_id: str, run_id: str, communication_id: str) -> None:
        """SES reports a permanent bounce for one recipient of a message: the documented EventBridge event,
        tagged as our SES adapter tags messages, delivered to the delivery-event function."""
        event = json.loads(BOUNCE_SAMPLE.read_text())
        now = self.clock.now().strftime("%Y-%m-%dT%H:%M:%S")
        event["id"], event["time"] = str(uuid.uuid4()), now + "Z"
        detail = event["detail"]
        detail["bounce"]["bouncedRecipients"][0]["emailAddress"] = address
        detail["bounce"]["timestamp"] = now + ".000Z"
        detail["mail"] |= {"messageId": message_id, "destination": [address], "timestamp": now + ".000Z"}
        detail["mail"]["commonHeaders"] |= {"to": [address], "messageId": message_id}
        detail["mail"]["tags"] |= {"tenant": [tenant_id], "run": [run_id], "communication": [communication_id]}
        boto3.client("lambda", region_name=REGION).invoke(
            FunctionName=self.local.functions["on_delivery_event"], Payload=json.dumps(event).encode()
        )

    # --- reading the emulated services -----------------------------------------------------------------------

    def sent_emails(self) -> list[Message]:
        """Every message moto's SES accepted, in order (id, source, destinations, subject, body)."""
        return list(ses_backends[ACCOUNT][REGION].sent_messages)

    def sent_sms(self) -> list[SentSms]:
        return outbox().sent

    def core_items(self) -> Iterator[PlainItem]:
        """Every item of the core table, as plain values (read from the emulator's memory: a scan through the
        API would serialise thousands of items for each of the many checks a simulation makes)."""
        return _items(self.local.tables["core"])

    def ledger_items(self) -> Iterator[PlainItem]:
        return _items(self.local.tables["ledger"])

    def run_items(self) -> list[RunItem]:
        found = []
        for attrs in _raw_items(self.local.tables["core"]):
            if "sk" in attrs and attrs["sk"].value == "RUN":
                parking, due = attrs.get("parking"), attrs.get("next_run_at")
                found.append(
                    RunItem(
                        attrs["run_id"].value,
                        attrs["status"].value,
                        parking.value if parking else None,
                        due.value if due else None,
                    )
                )
        return found

    def settle(self) -> list[RunItem]:
        """Run the started and resumed executions until each waits for its token or has ended; returns the run
        items as they stand. A live run that is not waiting then has a failed execution: it is ``stuck``."""
        assert self.machine is not None, "use the harness as a context manager"
        self.machine.drain()
        runs = self.run_items()
        self.stuck |= {r.run_id for r in runs if r.status in LIVE and r.parking != "WAITING"}
        return runs


LIVE = ("active", "paused")


def _raw_items(table_name: str) -> list[dict[str, DynamoType]]:
    """Every item's attributes as moto holds them, unsorted (the table has one sort key: pk, sk)."""
    table = dynamodb_backends[ACCOUNT][REGION].tables[table_name]
    return [item.attrs for partition in list(table.items.values()) for item in list(partition.values())]


def _items(table_name: str) -> Iterator[PlainItem]:
    for attrs in _raw_items(table_name):
        yield {name: value.value for name, value in attrs.items()}


def _webhook_record(record: LedgerRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude={"tenant_id"}, exclude_none=True)
    return {"kind": KIND_OF[type(record)], "data": data}


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def webhook_event(tenant_id: str, body: str, timestamp: int, secret: str) -> HttpApiEvent:
    """An API Gateway HTTP API (payload v2) request for the records route, signed as the ERP signs it."""
    path = f"/v1/tenants/{tenant_id}/records"
    when = datetime.fromtimestamp(timestamp, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return {
        "version": "2.0",
        "routeKey": "POST /v1/tenants/{tenant_id}/records",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "content-length": str(len(body.encode())),
            "user-agent": "chaseflow-simulate",
            "x-chaseflow-timestamp": str(timestamp),
            "x-chaseflow-signature": sign(secret, timestamp, body.encode()),
        },
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": "local",
            "http": {"method": "POST", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": str(uuid.uuid4()),
            "routeKey": "POST /v1/tenants/{tenant_id}/records",
            "stage": "$default",
            "time": when,
            "timeEpoch": timestamp * 1000,
        },
        "pathParameters": {"tenant_id": tenant_id},
        "body": body,
        "isBase64Encoded": False,
    }
