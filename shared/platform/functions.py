"""Every Lambda function: its handler path, what invokes it and its settings. The CDK app and the local
runtime both build from this list; a test imports every handler string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.events.contracts import trigger_rule_pattern
from shared.events.sms import SMS_EVENT_TYPE, SMS_SOURCE


@dataclass(frozen=True)
class FunctionSpec:
    key: str  # logical name
    handler: str  # module.attribute, relative to the package root
    description: str
    timeout_s: int = 30
    memory_mb: int = 512
    tables: tuple[str, ...] = ("core", "ledger", "idempotency")
    rule_pattern: dict[str, Any] | None = None  # invoked by a rule on the custom bus
    schedule: str | None = None  # invoked on a schedule (EventBridge Scheduler expression)
    state_machine_task: bool = False  # invoked by the enrolment state machine
    api_routes: tuple[str, ...] = ()  # invoked by the HTTP API (payload v2) on these route keys
    stream_source: str | None = None  # invoked by this table's stream (new items only)
    needs: frozenset[str] = field(default_factory=frozenset)  # see NEEDS below
    # who authenticates the API routes: "iam" (SigV4-signed requests, checked by the HTTP API) or "hmac" (the
    # function checks the tenant's signature itself, so the route is open at the gateway)
    api_auth: str = "iam"


# What each ``needs`` value grants and sets (the CDK app maps every value; an unknown one fails the synth):
NEEDS = {
    "sfn": "STATE_MACHINE_ARN; start/stop/describe executions and send task results of the enrolment state machine",
    "ses": "SES_CONFIGURATION_SET; ses:SendEmail through the stage's configuration set from this account's identities",
    "sms": "SMS_CONFIGURATION_SET, SMS_ORIGINATION_IDENTITY; sms-voice:SendTextMessage (only when the stage has SMS)",
    "events": "EVENT_BUS_NAME; events:PutEvents on the custom bus",
    "webhook_secrets": "STAGE; secretsmanager:GetSecretValue on chaseflow/<stage>/tenants/* only",
    "invoke_sweep": "SWEEP_FUNCTION_ARN; lambda:InvokeFunction on the sweep function",
    "sfn_read": "STATE_MACHINE_ARN; states:DescribeExecution on the enrolment executions (the alert scan)",
}

# The Python every function runs on, in Lambda and in the local emulator. It is the interpreter the tests run on
# (this machine and CI have 3.11), so the code, Powertools and pydantic run deployed exactly as they were tested;
# tests/infra holds the two equal. Lambda supports python3.11 until 2027-06-30 (docs/decisions.md, 2026-12-03).
PYTHON_VERSION = "3.11"
LAMBDA_RUNTIME = f"python{PYTHON_VERSION}"

# EventBridge rule targets retry a failed delivery this often, then dead-letter it (the CDK app and the local stack)
RULE_RETRY_ATTEMPTS = 4
RULE_MAX_EVENT_AGE_S = 3600


ON_EVENT = FunctionSpec(
    key="on_event",
    handler="functions.triggers.on_event.handler",
    description="Enrol records on ledger and communication events; wake the customer's running enrolments",
    rule_pattern=trigger_rule_pattern(),
    needs=frozenset({"sfn"}),
)
ADVANCE = FunctionSpec(
    key="advance",
    handler="functions.scheduler.advance.handler",
    description="Evaluate one enrolment now and persist the decision",
    state_machine_task=True,
)
ACT = FunctionSpec(
    key="act",
    handler="functions.senders.act.handler",
    description="Perform one node's action exactly once: email, SMS, task or record action",
    state_machine_task=True,
    tables=("core", "ledger", "idempotency", "outbox"),  # an action's change and its events, in one transaction
    needs=frozenset({"ses", "sms", "events"}),
)
CONTINUE_AS_NEW = FunctionSpec(
    key="continue_as_new",
    handler="functions.scheduler.continue_as_new.handler",
    description="Start the next generation of a long-running enrolment's execution",
    state_machine_task=True,
    needs=frozenset({"sfn"}),
)
TICK = FunctionSpec(
    key="tick",
    handler="functions.scheduler.tick.handler",
    description="Resume enrolments whose time has come; plan the continuous workflows' daily sweeps",
    schedule="rate(1 minute)",
    timeout_s=60,
    needs=frozenset({"sfn", "invoke_sweep"}),
)

SWEEP = FunctionSpec(
    key="sweep",
    handler="functions.triggers.sweep.handler",
    description="Enrol one shard of a continuous workflow's records (planned by the tick)",
    timeout_s=900,
    memory_mb=1024,
    needs=frozenset({"sfn"}),
)

WEBHOOKS = FunctionSpec(
    key="webhooks",
    handler="functions.api.webhooks.handler",
    description="ERP webhooks: check the tenant's signature, mirror the records, publish the domain events",
    timeout_s=29,  # an HTTP API stops waiting for its integration after 30 s
    tables=("core", "ledger"),
    api_routes=("POST /v1/tenants/{tenant_id}/records",),
    api_auth="hmac",  # ERPs cannot sign AWS requests: the function checks the tenant's HMAC signature
    needs=frozenset({"events", "webhook_secrets"}),
)

_ADMIN = "/v1/tenants/{tenant_id}"
ADMIN = FunctionSpec(
    key="admin",
    handler="functions.api.admin.handler",
    description="Run controls and workflow administration (IAM/JWT authorised at the HTTP API)",
    timeout_s=29,  # an HTTP API stops waiting for its integration after 30 s
    tables=("core", "ledger"),
    api_routes=(
        f"GET {_ADMIN}/customers/{{customer_id}}/enrolments",
        f"GET {_ADMIN}/workflows/{{workflow_id}}/nodes/{{node_id}}/runs",
        f"POST {_ADMIN}/runs/{{run_id}}/{{control}}",  # pause, resume, stop, run-now, skip, retry
        f"GET {_ADMIN}/runs/{{run_id}}/explain",
        f"GET {_ADMIN}/workflows",
        f"PUT {_ADMIN}/workflows/{{workflow_id}}",
        f"POST {_ADMIN}/workflows/{{workflow_id}}/{{operation}}",  # reschedule, duplicate, activate, deactivate
        f"GET {_ADMIN}/alerts",  # ?status=&workflow_id=&kind=
        f"GET {_ADMIN}/alerts/{{alert_id}}",
        f"POST {_ADMIN}/alerts/{{alert_id}}/{{transition}}",  # acknowledge, ignore
    ),
    needs=frozenset({"sfn"}),
)

SES_EVENT_TYPES = ["Email Bounced", "Email Complaint Received", "Email Delivered", "Email Rejected"]
ON_DELIVERY_EVENT = FunctionSpec(
    key="on_delivery_event",
    handler="functions.senders.on_delivery_event.handler",
    description="Mark messages and contacts from SES and SMS delivery events (bounces, complaints, undelivered texts)",
    # SES and End User Messaging SMS publish to the default bus only; default-bus rules forward these to ours
    rule_pattern={"source": ["aws.ses", SMS_SOURCE], "detail-type": [*SES_EVENT_TYPES, SMS_EVENT_TYPE]},
    needs=frozenset({"events"}),
)

ALERTS_SCAN = FunctionSpec(
    key="alerts_scan",
    handler="functions.alerts.scan.handler",
    description="Run the alert detectors (lints, duplicates, deliverability, send failures, stuck runs, volume)",
    schedule="rate(15 minutes)",
    timeout_s=300,
    tables=("core", "ledger"),
    needs=frozenset({"sfn_read"}),
)
DIGEST = FunctionSpec(
    key="digest",
    handler="functions.alerts.digest.handler",
    description="Email each tenant's admins the daily digest of open alerts at their local digest hour",
    schedule="cron(0 * * * ? *)",  # hourly: each tenant is sent at its own local hour
    timeout_s=120,
    tables=("core", "ledger"),
    needs=frozenset({"ses"}),
)

RELAY_OUTBOX = FunctionSpec(
    key="relay_outbox",
    handler="functions.senders.relay_outbox.handler",
    description="Publish the events the outbox table's stream hands over (workflow actions' write-back)",
    tables=("outbox",),
    stream_source="outbox",
    needs=frozenset({"events"}),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    ON_EVENT,
    ADVANCE,
    ACT,
    CONTINUE_AS_NEW,
    TICK,
    SWEEP,
    WEBHOOKS,
    ON_DELIVERY_EVENT,
    ADMIN,
    ALERTS_SCAN,
    DIGEST,
    RELAY_OUTBOX,
)
STATE_MACHINE_FUNCTIONS = {
    "AdvanceFunctionArn": ADVANCE,
    "ActFunctionArn": ACT,
    "ContinueAsNewFunctionArn": CONTINUE_AS_NEW,
}


def webhook_secret_name(stage: str, tenant_id: str) -> str:
    """The Secrets Manager name of a tenant's webhook secret (the function may read ``chaseflow/<stage>/*``)."""
    return f"chaseflow/{stage}/tenants/{tenant_id}/webhook"
