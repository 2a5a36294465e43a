"""The custom event bus (with an archive), the dead-letter queues, the SES configuration set and the default-bus
rule that forwards this stage's SES events to the custom bus."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.stage import Stage
from shared.events.contracts import COMMS_SOURCE, ENGINE_SOURCE, LEDGER_SOURCE
from shared.events.sms import SMS_EVENT_TYPE, SMS_SOURCE
from shared.platform.functions import SES_EVENT_TYPES

# SES sends to EventBridge the event types it is configured for; ours are those on_delivery_event handles
SES_SENDING_EVENTS = {
    "Email Bounced": ses.EmailSendingEvent.BOUNCE,
    "Email Complaint Received": ses.EmailSendingEvent.COMPLAINT,
    "Email Delivered": ses.EmailSendingEvent.DELIVERY,
    "Email Rejected": ses.EmailSendingEvent.REJECT,
}
ARCHIVE_RETENTION_DAYS = {True: 365, False: 30}  # production: replay a year of domain events


def dead_letter_queue(scope: Construct, construct_id: str, stage: Stage, purpose: str) -> sqs.Queue:
    """An encrypted, TLS-only queue holding what could not be delivered, for 14 days (the SQS maximum)."""
    return sqs.Queue(
        scope,
        construct_id,
        queue_name=stage.resource_name(purpose),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
        removal_policy=stage.removal_policy,
    )


class EventRouting(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: Stage) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=stage.resource_name("bus"))
        self.bus.archive(
            "Archive",
            archive_name=stage.resource_name("events"),
            description="Domain events, for replay after an incident",
            event_pattern=events.EventPattern(source=[LEDGER_SOURCE, COMMS_SOURCE, ENGINE_SOURCE]),
            retention=cdk.Duration.days(ARCHIVE_RETENTION_DAYS[stage.is_production]),
        )
        self.events_dlq = dead_letter_queue(self, "EventsDlq", stage, "events-dlq")
        self.async_dlq = dead_letter_queue(self, "AsyncInvokeDlq", stage, "async-dlq")
        self.schedules_dlq = dead_letter_queue(self, "SchedulesDlq", stage, "schedules-dlq")

        self.configuration_set = ses.ConfigurationSet(
            self,
            "EmailConfigurationSet",
            configuration_set_name=stage.resource_name("email"),
            reputation_metrics=True,
            sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        default_bus = events.EventBus.from_event_bus_name(self, "DefaultBus", "default")
        self.configuration_set.add_event_destination(
            "ToEventBridge",
            destination=ses.EventDestination.event_bus(default_bus),  # SES can only publish to the default bus
            events=[SES_SENDING_EVENTS[t] for t in SES_EVENT_TYPES],
        )
        events.Rule(
            self,
            "ForwardSesEvents",
            description="This stage's SES events, from the default bus to the custom bus",
            event_pattern=events.EventPattern(
                source=["aws.ses"],
                detail_type=list(SES_EVENT_TYPES),
                # only messages sent through this stage's configuration set: two stages in one account stay apart
                detail={"mail": {"tags": {"ses:configuration-set": [self.configuration_set.configuration_set_name]}}},
            ),
            targets=[targets.EventBus(self.bus, dead_letter_queue=self.events_dlq)],
        )
        events.Rule(
            self,
            "ForwardSmsEvents",
            description="SMS delivery status events, from the default bus to the custom bus",
            # the context our adapter sends with every text names the tenant: texts sent by others carry none
            event_pattern=events.EventPattern(
                source=[SMS_SOURCE], detail_type=[SMS_EVENT_TYPE], detail={"context": {"tenant": [{"exists": True}]}}
            ),
            targets=[targets.EventBus(self.bus, dead_letter_queue=self.events_dlq)],
        )
        self.dead_letter_queues = {
            "events": self.events_dlq,
            "async-invoke": self.async_dlq,
            "schedules": self.schedules_dlq,
        }
