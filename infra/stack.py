"""The Chaseflow stack: one construct per concern, composed here."""

from __future__ import annotations

import aws_cdk as cdk
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
from infra.stage import Stage
from shared.platform.functions import FUNCTIONS


class ChaseflowStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, stage: Stage, env: cdk.Environment | None = None
    ) -> None:
        super().__init__(scope, construct_id, description=f"Chaseflow collections engine ({stage.name})", env=env)
        cdk.Tags.of(self).add("chaseflow:stage", stage.name)
        storage = Storage(self, "Storage", stage=stage)
        routing = EventRouting(self, "Events", stage=stage)
        state_machine_name = stage.resource_name("enrolment")
        wiring = Wiring(
            stack=self,
            stage=stage,
            state_machine_name=state_machine_name,
            bus=routing.bus,
            email_configuration_set=routing.configuration_set.configuration_set_name,
        )
        functions = Functions(
            self, "Functions", stage=stage, tables=storage.tables, async_dlq=routing.async_dlq, wiring=wiring
        ).by_key
        enrolment = EnrolmentStateMachine(
            self,
            "Enrolment",
            stage=stage,
            name=state_machine_name,
            functions=functions,
            core_table=storage.tables["core"],
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
        api = HttpApi(self, "Http", stage=stage, functions=functions)
        monitoring = Monitoring(
            self,
            "Monitoring",
            stage=stage,
            functions=functions,
            dead_letter_queues=routing.dead_letter_queues,
            state_machine=enrolment.state_machine,
        )
        cdk.CfnOutput(self, "ApiUrl", value=api.url, description="Base URL of the HTTP API")
        cdk.CfnOutput(self, "EventBusName", value=routing.bus.event_bus_name)
        cdk.CfnOutput(self, "EmailConfigurationSet", value=routing.configuration_set.configuration_set_name)
        cdk.CfnOutput(self, "OpsTopicArn", value=monitoring.topic.topic_arn)
        cdk.CfnOutput(
            self,
            "WebhookUrl",
            value=f"{api.url}/v1/tenants/{{tenant_id}}/records",
            description="Where the ERP posts its signed batches of records",
        )
        cdk.CfnOutput(
            self,
            "WebhookSecretName",
            value=f"chaseflow/{stage.name}/tenants/{{tenant_id}}/webhook",
            description="Secrets Manager name of a tenant's webhook signing secret",
        )
        scheduled = [functions[spec.key] for spec in FUNCTIONS if spec.schedule]
        self.nag_acknowledgements = findings(self, stage, storage.indexed_tables, scheduled)
        if str(self.node.try_get_context("nag_acknowledge") or "true").lower() != "false":
            # -c nag_acknowledge=false lists every finding, acknowledged or not (audits; the nag test)
            acknowledge(self, self.nag_acknowledgements)


def stack_id(stage: Stage) -> str:
    return f"Chaseflow-{stage.name}"
