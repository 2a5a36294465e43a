"""What invokes the functions besides the state machine and the API: rules on the custom bus and EventBridge
Scheduler schedules, each with a retry policy and a dead-letter queue."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.functions import construct_id
from infra.stage import Stage
from shared.platform.functions import FUNCTIONS, RULE_MAX_EVENT_AGE_S, RULE_RETRY_ATTEMPTS

PATTERN_FIELDS = {
    "source": "source",
    "detail-type": "detail_type",
    "detail": "detail",
    "account": "account",
    "region": "region",
    "resources": "resources",
    "id": "id",
    "time": "time",
    "version": "version",
}
SCHEDULE_RETRY_ATTEMPTS = 3
SCHEDULE_MAX_EVENT_AGE = cdk.Duration.minutes(15)  # a late tick is replaced by the next one anyway


def event_pattern(pattern: dict[str, Any]) -> events.EventPattern:
    """A platform pattern (EventBridge JSON field names) as CDK's EventPattern."""
    unknown = set(pattern) - set(PATTERN_FIELDS)
    if unknown:
        raise ValueError(f"event pattern fields not supported: {sorted(unknown)}")
    return events.EventPattern(**{PATTERN_FIELDS[field]: value for field, value in pattern.items()})


class Triggers(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id_: str,
        *,
        stage: Stage,
        functions: dict[str, lambda_.Function],
        bus: events.IEventBus,
        events_dlq: sqs.IQueue,
        schedules_dlq: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id_)
        for spec in FUNCTIONS:
            fn = functions[spec.key]
            if spec.rule_pattern is not None:
                events.Rule(
                    self,
                    f"{construct_id(spec.key)}Rule",
                    rule_name=stage.resource_name(spec.key),
                    description=f"Events for {spec.key}",
                    event_bus=bus,
                    event_pattern=event_pattern(spec.rule_pattern),
                    targets=[
                        targets.LambdaFunction(
                            fn,
                            dead_letter_queue=events_dlq,
                            retry_attempts=RULE_RETRY_ATTEMPTS,
                            max_event_age=cdk.Duration.seconds(RULE_MAX_EVENT_AGE_S),
                        )
                    ],
                )
            if spec.schedule is not None:
                scheduler.Schedule(
                    self,
                    f"{construct_id(spec.key)}Schedule",
                    schedule_name=stage.resource_name(spec.key),
                    description=f"{spec.key} on {spec.schedule}",
                    schedule=scheduler.ScheduleExpression.expression(spec.schedule),
                    target=scheduler_targets.LambdaInvoke(
                        fn,
                        input=scheduler.ScheduleTargetInput.from_object({}),  # a handler's event is a dict
                        dead_letter_queue=schedules_dlq,
                        retry_attempts=SCHEDULE_RETRY_ATTEMPTS,
                        max_event_age=SCHEDULE_MAX_EVENT_AGE,
                    ),
                )
