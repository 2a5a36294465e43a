"""Every cdk-nag finding we accept, each with its one-line reason, in one place.

cdk-nag 3 reports through CDK Validations, so an acknowledgement is ``Validations.acknowledge`` (the former
``NagSuppressions``). IAM5 findings carry the resource in their id, so each is acknowledged for that resource
only: a new wildcard elsewhere is a new finding. ``tests/infra/test_iam.py`` also proves that the bare ``*``
resources are only those of ``IAM_WILDCARD_ACTIONS``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_

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
    }
)

PARTITION_REGION_ACCOUNT = "arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>"


def _arn(service: str, rest: str) -> str:
    return PARTITION_REGION_ACCOUNT.format(service=service) + ":" + rest


def findings(
    stack: cdk.Stack, stage: Stage, tables: list[dynamodb.Table], scheduled: list[lambda_.Function]
) -> dict[str, str]:
    """Rule id → reason."""

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
    for table in tables:
        acknowledged[f"AwsSolutions-IAM5[Resource::<{ref(table)}.Arn>/index/*]"] = (
            "Queries of this table's own secondary indexes"
        )
    for fn in scheduled:
        acknowledged[f"AwsSolutions-IAM5[Resource::<{ref(fn)}.Arn>:*]"] = (
            "CDK's scheduler target grants invoke on the function and its versions: this function only"
        )
    return acknowledged


def acknowledge(stack: cdk.Stack, acknowledged: dict[str, str]) -> None:
    cdk.Validations.of(stack).acknowledge(
        *[cdk.Acknowledgment(id=rule, reason=reason) for rule, reason in acknowledged.items()]
    )
