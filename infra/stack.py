"""The Chaseflow stack of ``python -m infra.app``: the ``ChaseflowCollections`` construct, in a stack of its own,
with the outputs an operator needs after a deploy."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from infra.construct import ChaseflowCollections, ChaseflowCollectionsProps
from infra.stage import Stage


class ChaseflowStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, stage: Stage, env: cdk.Environment | None = None
    ) -> None:
        super().__init__(scope, construct_id, description=f"Chaseflow collections engine ({stage.name})", env=env)
        cdk.Tags.of(self).add("chaseflow:stage", stage.name)
        # "Default": CDK leaves this id out of logical ids, so the resources keep the ids they had when the stack
        # built them itself; a deployed stack updates in place instead of replacing its named tables
        self.collections = ChaseflowCollections(
            self,
            "Default",
            ChaseflowCollectionsProps(
                stage=stage.name,
                alarm_email=stage.ops_email or None,
                log_level=stage.log_level,
                sms_configuration_set=stage.sms_configuration_set or None,
                sms_origination_identity=stage.sms_origination_identity or None,
            ),
        )
        collections = self.collections
        cdk.CfnOutput(self, "ApiUrl", value=collections.api_url, description="Base URL of the HTTP API")
        cdk.CfnOutput(self, "EventBusName", value=collections.event_bus.event_bus_name)
        cdk.CfnOutput(self, "EmailConfigurationSet", value=collections.email_configuration_set_name)
        cdk.CfnOutput(self, "OpsTopicArn", value=collections.alarm_topic.topic_arn)
        cdk.CfnOutput(
            self,
            "WebhookUrl",
            value=collections.webhook_url,
            description="Where the ERP posts its signed batches of records",
        )
        cdk.CfnOutput(
            self,
            "WebhookSecretName",
            value=collections.webhook_secret_name,
            description="Secrets Manager name of a tenant's webhook signing secret",
        )

    @property
    def nag_acknowledgements(self) -> dict[str, str]:
        """The cdk-nag findings the construct acknowledges: rule id → reason."""
        return self.collections.nag_acknowledgements


def stack_id(stage: Stage) -> str:
    return f"Chaseflow-{stage.name}"
