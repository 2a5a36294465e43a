"""Provision the whole stack on moto from the platform facts: the same tables, functions, state machine, bus
and rules the CDK app deploys. Used by the integration tests, the demo and ``chaseflow local``."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3

from emulator.fake_sms import FakeSms, outbox
from functions import wiring
from shared.adapters.dynamodb.cache import clear_all
from shared.platform.functions import FUNCTIONS, LAMBDA_RUNTIME, STATE_MACHINE_FUNCTIONS, webhook_secret_name
from shared.platform.statemachine import definition
from shared.platform.tables import TABLES
from shared.ports import Clock, Executions, Metrics

REGION = "us-east-1"
ACCOUNT = "123456789012"
SENDER_DOMAIN = "chaseflow.example"


@dataclass
class LocalStack:
    prefix: str
    tables: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)  # key → ARN
    state_machine_arn: str = ""
    bus_name: str = ""
    dead_letter_queue_url: str = ""

    @property
    def stage(self) -> str:
        """The stage name in per-stage resource names: ``chaseflow-local`` → ``local``, ``it`` → ``it``."""
        return self.prefix.removeprefix("chaseflow-")

    @property
    def sms(self) -> FakeSms:
        """The fake SMS provider the functions send to (one per process, emptied by ``provision``)."""
        return outbox()

    def environment(self) -> dict[str, str]:
        """What every function's environment holds (the CDK app sets the same variables)."""
        env = {f"{key.upper()}_TABLE": name for key, name in self.tables.items()}
        return env | {
            "STATE_MACHINE_ARN": self.state_machine_arn,
            "SWEEP_FUNCTION_ARN": self.functions.get("sweep", ""),
            "EVENT_BUS_NAME": self.bus_name,
            "SES_CONFIGURATION_SET": f"{self.prefix}-messages",
            "SMS_CONFIGURATION_SET": f"{self.prefix}-messages",
            "STAGE": self.stage,
            "AWS_DEFAULT_REGION": REGION,
            "POWERTOOLS_SERVICE_NAME": "chaseflow",
            "POWERTOOLS_METRICS_NAMESPACE": "Chaseflow",
        }

    def put_webhook_secret(self, tenant_id: str, secret: str | list[str]) -> str:
        """Create or replace a tenant's webhook secret (a list: the secrets accepted during a rotation).
        Returns the secret's name."""
        name = webhook_secret_name(self.stage, tenant_id)
        value = secret if isinstance(secret, str) else json.dumps(secret)
        client = boto3.client("secretsmanager", region_name=REGION)
        try:
            client.create_secret(Name=name, SecretString=value)
        except client.exceptions.ResourceExistsException:
            client.put_secret_value(SecretId=name, SecretString=value)
        return name


def provision(prefix: str = "chaseflow-local") -> LocalStack:
    """Create everything in the current (moto) account; call inside ``mock_aws`` with the patches applied."""
    stack = LocalStack(prefix=prefix, bus_name=f"{prefix}-bus")
    outbox().reset()  # a new stack starts with an empty SMS outbox
    clear_all()  # and with no reads cached from an earlier stack of the same names
    ddb = boto3.client("dynamodb", region_name=REGION)
    for table in TABLES:
        name = f"{prefix}-{table.key}"
        ddb.create_table(**table.create_table_request(name))
        stack.tables[table.key] = name
    role = boto3.client("iam", region_name=REGION).create_role(
        RoleName=f"{prefix}-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )["Role"]["Arn"]
    sqs = boto3.client("sqs", region_name=REGION)
    stack.dead_letter_queue_url = sqs.create_queue(QueueName=f"{prefix}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=stack.dead_letter_queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    lam = boto3.client("lambda", region_name=REGION)
    code = _placeholder_zip()
    names = {spec.key: f"{prefix}-{spec.key}" for spec in FUNCTIONS}
    for spec in FUNCTIONS:
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{names[spec.key]}"
        stack.functions[spec.key] = arn
    sfn = boto3.client("stepfunctions", region_name=REGION)
    substitutions = {placeholder: stack.functions[spec.key] for placeholder, spec in STATE_MACHINE_FUNCTIONS.items()}
    stack.state_machine_arn = sfn.create_state_machine(
        name=f"{prefix}-enrolment",
        definition=json.dumps(definition({**substitutions, "CoreTableName": stack.tables["core"]})),
        roleArn=role,
        type="STANDARD",
    )["stateMachineArn"]
    environment = stack.environment()
    for spec in FUNCTIONS:
        lam.create_function(
            FunctionName=names[spec.key],
            Runtime=LAMBDA_RUNTIME,
            Role=role,
            Handler=spec.handler,
            Code={"ZipFile": code},
            Timeout=spec.timeout_s,
            MemorySize=spec.memory_mb,
            Environment={"Variables": environment},
        )
    for spec in FUNCTIONS:  # a table's stream invokes its function (moto delivers each write at once)
        if spec.stream_source is not None:
            stream = ddb.describe_table(TableName=stack.tables[spec.stream_source])["Table"]["LatestStreamArn"]
            lam.create_event_source_mapping(
                EventSourceArn=stream, FunctionName=stack.functions[spec.key], StartingPosition="TRIM_HORIZON"
            )
    events = boto3.client("events", region_name=REGION)
    events.create_event_bus(Name=stack.bus_name)
    for spec in FUNCTIONS:
        if spec.rule_pattern is None:
            continue
        rule = f"{prefix}-{spec.key}"
        events.put_rule(Name=rule, EventBusName=stack.bus_name, EventPattern=json.dumps(spec.rule_pattern))
        events.put_targets(
            Rule=rule,
            EventBusName=stack.bus_name,
            Targets=[
                {
                    "Id": spec.key,
                    "Arn": stack.functions[spec.key],
                    "DeadLetterConfig": {"Arn": dlq_arn},
                    "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                }
            ],
        )
    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=SENDER_DOMAIN)
    return stack


def use_local_ports(
    clock: Clock | None = None, executions: Executions | None = None, metrics: Metrics | None = None
) -> None:
    """Build the functions' ports afresh with the emulator's stand-ins: ``clock``, ``executions`` and ``metrics``
    when given, and always the SMS outbox, since moto has no End User Messaging SMS (``LocalStack.sms``)."""
    wiring.override(clock=clock, executions=executions, texter=outbox(), metrics=metrics)


def _placeholder_zip() -> bytes:
    """moto stores a code package; the handlers themselves run in-process from the checkout (moto patch 1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Handlers run in-process from the project checkout.")
    return buffer.getvalue()


def describe(stack: LocalStack) -> dict[str, Any]:
    return {"tables": stack.tables, "functions": stack.functions, "state_machine": stack.state_machine_arn}
