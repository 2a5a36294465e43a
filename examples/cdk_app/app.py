"""A cloud team's own CDK app, with Chaseflow as one construct in a stack the team owns.

The team brings its KMS key and its alarm topic; Chaseflow encrypts its tables and log groups with the key and
sends every alarm to the topic. Run it from a Chaseflow checkout set up with ``make dev`` (README.md beside this
file): ``.venv/bin/python examples/cdk_app/app.py``, or ``npx aws-cdk@2.1148.1 synth --app "…"``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.construct import ChaseflowCollections, ChaseflowCollectionsProps


class FinancePlatformStack(cdk.Stack):
    """The team's stack: its key and topic, Chaseflow, and the outputs the team wants."""

    def __init__(self, scope: Construct, construct_id: str, *, env: cdk.Environment | None = None) -> None:
        super().__init__(scope, construct_id, env=env)
        key = kms.Key(
            self,
            "DataKey",
            description="Finance platform data at rest",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,  # data encrypted with it may outlive the stack
        )
        alarms = sns.Topic(self, "PlatformAlarms", enforce_ssl=True)
        collections = ChaseflowCollections(
            self,
            "Collections",
            ChaseflowCollectionsProps(
                stage="prod",
                alarm_topic=alarms,
                alarm_email="finance-ops@example.com",
                log_retention=logs.RetentionDays.SIX_MONTHS,
                encryption_key=key,
                removal_policy=cdk.RemovalPolicy.RETAIN,
                log_level="INFO",
                reply_domain="replies.example.com",  # accepted now, used by the reply-receiving work later
            ),
        )
        cdk.CfnOutput(self, "CollectionsApiUrl", value=collections.api_url)
        cdk.CfnOutput(self, "CollectionsWebhookUrl", value=collections.webhook_url)


def main() -> None:
    app = cdk.App()
    if str(app.node.try_get_context("nag") or "").lower() == "true":
        import cdk_nag  # the same packs Chaseflow checks itself with (its dependency group "infra")

        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app))
    FinancePlatformStack(app, "FinancePlatform")
    app.synth()


if __name__ == "__main__":
    main()
