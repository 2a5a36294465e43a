"""Every cdk-nag finding we accept, each with its one-line reason, in one place.

cdk-nag 3 reports through CDK Validations, so an acknowledgement is ``Validations.acknowledge`` (the former
``NagSuppressions``). IAM5 findings carry the resource in their id, so each is acknowledged for that resource
only: a new wildcard elsewhere is a new finding. ``tests/infra/test_iam.py`` also proves that the bare ``*``
resources are only those of ``IAM_WILDCARD_ACTIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct

from infra.stage import Stage
from shared.platform.functions import LAMBDA_RUNTIME, webhook_secret_name

# actions that AWS does not scope to a resource: the only ones allowed on Resource "*"
IAM_WILDCARD_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",  # active tracing (Lambda, Step Functions): X-Ray has no resource-level permissions
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "logs:CreateLogDelivery",  # Step Functions logging: the log-delivery APIs take no resource
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
        "dynamodb:ListStreams",  # a stream's event source (the outbox relay): ListStreams takes no resource
    }
)

PARTITION_REGION_ACCOUNT = "arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>"


def _arn(service: str, rest: str) -> str:
    return PARTITION_REGION_ACCOUNT.format(service=service) + ":" + rest


@dataclass(frozen=True)
class Findings:
    """Rule id → reason, by where the acknowledgement goes."""

    # on the construct: they cover only what is under it, never a finding of the stack that embeds it
    in_construct: dict[str, str]
    # on the stack: CDK makes the Scheduler's target role once per stack, outside any construct; each of these
    # ids names one of our functions, so they cover nothing of the host's
    stack_wide: dict[str, str]

    @property
    def all(self) -> dict[str, str]:
        return {**self.in_construct, **self.stack_wide}


def findings(
    stack: cdk.Stack,
    stage: Stage,
    tables: list[dynamodb.Table],
    scheduled: list[lambda_.Function],
    *,
    encrypted: bool = False,
) -> Findings:
    """Every finding we accept. ``encrypted``: the tables use a customer-managed key."""

    def ref(construct: cdk.IResource) -> str:
        resource = construct.node.default_child  # the L1 resource under the L2 construct
        if not isinstance(resource, cdk.CfnElement):
            raise TypeError(f"{construct.node.path} has no CloudFormation resource to name")
        return stack.get_logical_id(resource)

    state_machine = stage.resource_name("enrolment")
    acknowledged = {
        "AwsSolutions-SQS3": "These queues are the dead-letter queues (of rules, schedules and async invocations)",
        "Serverless-SQSRedrivePolicy": "These queues are the dead-letter queues themselves; alarms watch their depth",
        "Serverless-LambdaDLQ": "Failed async invocations go to an on-failure destination (SQS), newer than DLQ config",
        "AwsSolutions-L1": f"{LAMBDA_RUNTIME} is the Python the tests run on: what is deployed is what was tested",
        "Serverless-LambdaLatestVersion": f"{LAMBDA_RUNTIME} is the Python the tests run on (tested = deployed)",
        "AwsSolutions-APIG4": "The ERP webhook route checks each tenant's HMAC signature in the function (no SigV4)",
        "AwsSolutions-IAM5[Resource::*]": "X-Ray and log-delivery actions only (IAM_WILDCARD_ACTIONS, tested)",
        f"AwsSolutions-IAM5[Resource::{_arn('ses', 'identity/*')}]": (
            "Tenants' sender identities are verified after deploy; sends must use our configuration set"
        ),
        f"AwsSolutions-IAM5[Resource::{_arn('states', f'execution:{state_machine}:*')}]": (
            "Executions of our own state machine: one per run and generation, named at run time"
        ),
        "AwsSolutions-IAM5[Resource::{}]".format(
            _arn("secretsmanager", f"secret:{webhook_secret_name(stage.name, '*')}-??????")
        ): "One webhook secret per tenant, registered after deploy; only this stage's tenants' webhook secrets",
    }
    if encrypted:
        for action in ("kms:ReEncrypt*", "kms:GenerateDataKey*"):
            acknowledged[f"AwsSolutions-IAM5[Action::{action}]"] = (
                "What Table.grant_read_write_data grants on the tables' customer-managed key, and only on that key"
            )
    if stage.ops_email:
        acknowledged["Serverless-SNSRedrivePolicy"] = (
            "The alarm e-mail subscription: an e-mail SNS cannot deliver has nowhere better to go; alarms stay visible"
        )
    for table in tables:
        acknowledged[f"AwsSolutions-IAM5[Resource::<{ref(table)}.Arn>/index/*]"] = (
            "Queries of this table's own secondary indexes"
        )
    stack_wide = {
        f"AwsSolutions-IAM5[Resource::<{ref(fn)}.Arn>:*]": (
            "CDK's scheduler target grants invoke on the function and its versions: this function only"
        )
        for fn in scheduled
    }
    return Findings(in_construct=acknowledged, stack_wide=stack_wide)


def acknowledge(scope: IConstruct, acknowledged: dict[str, str]) -> None:
    cdk.Validations.of(scope).acknowledge(
        *[cdk.Acknowledgment(id=rule, reason=reason) for rule, reason in acknowledged.items()]
    )
