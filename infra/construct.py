"""Chaseflow as one construct a cloud team can put in its own CDK app, in any stack it owns.

```python
from infra.construct import ChaseflowCollections, ChaseflowCollectionsProps

collections = ChaseflowCollections(
    stack,
    "Collections",
    ChaseflowCollectionsProps(stage="prod", alarm_topic=ops_topic, encryption_key=key, log_level="INFO"),
)
collections.api_url  # and webhook_url, event_bus, alarm_topic, tables, functions, state_machine
```

``python -m infra.app`` deploys the same construct in a stack of its own (``infra.stack.ChaseflowStack``): there is
one code path. Every resource name starts with ``chaseflow-<stage>-``, so two stages can share an account. The
cdk-nag findings Chaseflow accepts are acknowledged on the construct (``infra/nag.py``), so a team running the
AwsSolutions and Serverless packs over its own app sees only its own findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.api import HttpApi
from infra.components.events import EventRouting
from infra.components.functions import Functions
from infra.components.monitoring import Monitoring
from infra.components.permissions import Wiring
from infra.components.storage import Storage
from infra.components.triggers import Triggers
from infra.components.workflow import EnrolmentStateMachine
from infra.nag import acknowledge, findings
from infra.stage import LogLevel, Stage
from shared.platform.functions import FUNCTIONS, webhook_secret_name

DOMAIN_NAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# what CloudWatch Logs needs on a customer-managed key to encrypt a log group (the service's documented actions)
LOGS_KEY_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)


@dataclass(frozen=True, kw_only=True)
class ChaseflowCollectionsProps:
    """How one Chaseflow deployment is set up. Only ``stage`` is required; every other prop has the default the
    stage name gives (``prod``: retained resources and 90-day logs; any other stage: destroyed and 14 days).

    - ``stage``: lowercase letters and digits, 2–12 characters; in every resource name (``chaseflow-<stage>-…``).
    - ``alarm_topic``: an existing SNS topic for every alarm and recovery; default: a topic ``chaseflow-<stage>-ops``
      made here. An encrypted topic's key must let CloudWatch (``cloudwatch.amazonaws.com``) use it.
    - ``alarm_email``: an address subscribed to the alarm topic (either one). It must confirm the subscription.
    - ``log_retention``: of every log group (functions, state machine, API access logs).
    - ``encryption_key``: a customer-managed KMS key for the tables and the log groups (default: AWS-owned keys).
      A key in the same app gets the statement CloudWatch Logs needs added to its policy; an imported key's policy
      must already allow ``logs.<region>.amazonaws.com`` to use it for this account's log groups.
    - ``removal_policy``: ``RETAIN`` or ``DESTROY`` for the tables, log groups, queues and state machine. Retained
      tables of business data are also deletion-protected.
    - ``log_level``: the functions' Powertools log level (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``, ``CRITICAL``);
      the functions' Lambda application log level is set to match, since Lambda's level wins over Powertools'.
    - ``reply_domain``: the domain customers' replies will be received on. Accepted and checked, **not used yet**:
      receiving replies is later work, and giving it now changes nothing in the template.
    - ``sms_configuration_set``, ``sms_origination_identity``: the account's End User Messaging SMS set-up, if it
      has one (both, or SMS steps become tasks).
    """

    stage: str
    alarm_topic: sns.ITopic | None = None
    alarm_email: str | None = None
    log_retention: logs.RetentionDays | None = None
    encryption_key: kms.IKey | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    log_level: LogLevel = "INFO"
    reply_domain: str | None = None
    sms_configuration_set: str | None = None
    sms_origination_identity: str | None = None

    def __post_init__(self) -> None:
        if self.reply_domain is not None and not DOMAIN_NAME.match(self.reply_domain):
            raise ValueError(f"reply_domain must be a lowercase domain name, got {self.reply_domain!r}")

    def settings(self) -> Stage:
        """The deployment's settings the components read (checked there: stage name, removal policy, log level)."""
        return Stage(
            name=self.stage,
            sms_configuration_set=self.sms_configuration_set or "",
            sms_origination_identity=self.sms_origination_identity or "",
            ops_email=self.alarm_email or "",
            retention=self.log_retention,
            removal=self.removal_policy,
            log_level=self.log_level,
        )


class ChaseflowCollections(Construct):
    """The whole engine: tables, event bus and rules, functions, the enrolment state machine, the HTTP API,
    schedules, alarms and the dashboard. See ``ChaseflowCollectionsProps`` for what can be set."""

    def __init__(self, scope: Construct, construct_id: str, props: ChaseflowCollectionsProps) -> None:
        super().__init__(scope, construct_id)
        stage = props.settings()
        self.stage = stage
        self.reply_domain = props.reply_domain  # kept for the reply-receiving work; nothing reads it yet
        stack = cdk.Stack.of(self)
        key = props.encryption_key
        if key is not None:
            _allow_log_groups(key, stage, stack)
        storage = Storage(self, "Storage", stage=stage, encryption_key=key)
        routing = EventRouting(self, "Events", stage=stage)
        state_machine_name = stage.resource_name("enrolment")
        wiring = Wiring(
            stack=stack,
            stage=stage,
            state_machine_name=state_machine_name,
            bus=routing.bus,
            email_configuration_set=routing.configuration_set.configuration_set_name,
        )
        functions = Functions(
            self,
            "Functions",
            stage=stage,
            tables=storage.tables,
            async_dlq=routing.async_dlq,
            wiring=wiring,
            encryption_key=key,
        ).by_key
        enrolment = EnrolmentStateMachine(
            self,
            "Enrolment",
            stage=stage,
            name=state_machine_name,
            functions=functions,
            core_table=storage.tables["core"],
            encryption_key=key,
        )
        Triggers(
            self,
            "Triggers",
            stage=stage,
            functions=functions,
            bus=routing.bus,
            events_dlq=routing.events_dlq,
            schedules_dlq=routing.schedules_dlq,
        )
        api = HttpApi(self, "Http", stage=stage, functions=functions, encryption_key=key)
        monitoring = Monitoring(
            self,
            "Monitoring",
            stage=stage,
            functions=functions,
            dead_letter_queues=routing.dead_letter_queues,
            state_machine=enrolment.state_machine,
            topic=props.alarm_topic,
        )
        self.tables: dict[str, dynamodb.Table] = storage.tables
        self.functions: dict[str, lambda_.Function] = functions
        self.state_machine: sfn.StateMachine = enrolment.state_machine
        self.event_bus: events.EventBus = routing.bus
        self.email_configuration_set_name: str = routing.configuration_set.configuration_set_name
        self.alarm_topic: sns.ITopic = monitoring.topic
        self.api_url: str = api.url
        self.webhook_url = f"{api.url}/v1/tenants/{{tenant_id}}/records"  # {tenant_id} is filled in by the ERP
        self.webhook_secret_name = webhook_secret_name(stage.name, "{tenant_id}")

        scheduled = [functions[spec.key] for spec in FUNCTIONS if spec.schedule]
        nag = findings(stack, stage, storage.indexed_tables, scheduled, encrypted=key is not None)
        self.nag_acknowledgements = nag.all
        if str(self.node.try_get_context("nag_acknowledge") or "true").lower() != "false":
            # -c nag_acknowledge=false lists every finding, acknowledged or not (audits; the nag test)
            acknowledge(self, nag.in_construct)
            acknowledge(stack, nag.stack_wide)


def _allow_log_groups(key: kms.IKey, stage: Stage, stack: cdk.Stack) -> None:
    """Let CloudWatch Logs use the key for this deployment's log groups only (a no-op on an imported key, whose
    policy the team manages). Every group is named ``/aws/<service path>/chaseflow-<stage>-…``."""
    log_groups = stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"/aws/*/{stage.prefix}-*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=list(LOGS_KEY_ACTIONS),
            resources=["*"],  # in a key policy, "*" is the key itself
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
        )
    )
