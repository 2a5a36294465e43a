"""Alarms on every signal listed in docs/architecture.md ("What ops watch"), all to one topic (the team's own, or an
ops topic made here), and one dashboard: the collections figures (sent, bounced, stopped on payment, paused,
alerts) above the system figures (errors, throttles, DLQ depth, failed executions, scheduler lag)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.components.functions import construct_id
from infra.stage import Stage
from shared.observability import METRICS_NAMESPACE, SERVICE

FIVE_MINUTES = cdk.Duration.minutes(5)
# thresholds: AWS reviews an account at a 5% bounce or 0.1% complaint rate; we want to hear before that
BOUNCE_RATE_MAX = 0.04
COMPLAINT_RATE_MAX = 0.0008
SEND_FAILURE_RATE_MAX = 0.1  # a tenth of our emails refused by SES over 15 minutes
SCHEDULER_LAG_MAX_S = 300  # a due run waiting five minutes: the tick is failing or falling behind
COLLECTIONS = ("EmailsSent", "EmailsBounced", "RunsStoppedOnPayment", "RunsPaused", "AlertsRaised")
ACTIVITY = ("Enrolments", "SmsSent", "TasksCreated", "EmailsFailed", "EmailsComplained", "SmsFailed")


def chaseflow_metric(name: str, statistic: str = "Sum", period: cdk.Duration = FIVE_MINUTES) -> cw.Metric:
    """A Powertools EMF metric: namespace Chaseflow, the single dimension ``service``."""
    return cw.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": SERVICE},
        statistic=statistic,
        period=period,
    )


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id_: str,
        *,
        stage: Stage,
        functions: dict[str, lambda_.Function],
        dead_letter_queues: dict[str, sqs.Queue],
        state_machine: sfn.StateMachine,
        topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id_)
        self._stage = stage
        self.topic = topic or sns.Topic(self, "OpsTopic", topic_name=stage.resource_name("ops"), enforce_ssl=True)
        if stage.ops_email and topic is None:
            self.topic.add_subscription(subscriptions.EmailSubscription(stage.ops_email))
        elif stage.ops_email:
            # add_subscription would put it under the team's topic; here it stays ours (and our nag acknowledgement)
            sns.Subscription(
                self, "AlarmEmail", topic=self.topic, protocol=sns.SubscriptionProtocol.EMAIL, endpoint=stage.ops_email
            )
        self.alarms: list[cw.Alarm] = []

        for key, fn in functions.items():
            self._alarm(f"{construct_id(key)}Errors", fn.metric_errors(period=FIVE_MINUTES), 1, f"{key} failed")
            self._alarm(
                f"{construct_id(key)}Throttles", fn.metric_throttles(period=FIVE_MINUTES), 1, f"{key} throttled"
            )
        for purpose, queue in dead_letter_queues.items():
            depth = queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum")
            self._alarm(f"{construct_id(purpose.replace('-', '_'))}DlqDepth", depth, 1, f"{purpose} dead letters")
        self._alarm("ExecutionsFailed", state_machine.metric_failed(period=FIVE_MINUTES), 1, "enrolments failed")
        lag = chaseflow_metric("SchedulerLagSeconds", "Maximum")
        # no figure at all means the tick is not running: as bad as a lag
        self._alarm("SchedulerLag", lag, SCHEDULER_LAG_MAX_S, "due runs not resumed", 2, cw.TreatMissingData.BREACHING)
        sent, failed = chaseflow_metric("EmailsSent"), chaseflow_metric("EmailsFailed")
        failure_rate = cw.MathExpression(
            expression="IF(sent + failed > 0, failed / (sent + failed), 0)",
            using_metrics={"sent": sent, "failed": failed},
            label="Email send failure rate",
            period=cdk.Duration.minutes(15),
        )
        self._alarm("SendFailureRate", failure_rate, SEND_FAILURE_RATE_MAX, "emails refused by SES", comparison=">")
        for metric_name, threshold in (("BounceRate", BOUNCE_RATE_MAX), ("ComplaintRate", COMPLAINT_RATE_MAX)):
            reputation = cw.Metric(
                namespace="AWS/SES",
                metric_name=f"Reputation.{metric_name}",
                statistic="Maximum",
                period=cdk.Duration.hours(1),
            )
            self._alarm(f"Ses{metric_name}", reputation, threshold, f"SES account {metric_name}", comparison=">")
        self.dashboard = self._dashboard(functions, dead_letter_queues, state_machine, failure_rate)

    def _alarm(
        self,
        construct_id_: str,
        metric: cw.IMetric,
        threshold: float,
        description: str,
        evaluation_periods: int = 1,
        missing: cw.TreatMissingData = cw.TreatMissingData.NOT_BREACHING,
        comparison: str = ">=",
    ) -> None:
        # cw.Alarm rather than metric.create_alarm: IMetric (a Metric or a MathExpression) does not declare it
        alarm = cw.Alarm(
            self,
            construct_id_,
            metric=metric,
            alarm_name=f"{self._stage.prefix}-{construct_id_}",
            alarm_description=f"Chaseflow {self._stage.name}: {description}",
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD
            if comparison == ">"
            else cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=missing,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        alarm.add_ok_action(cw_actions.SnsAction(self.topic))
        self.alarms.append(alarm)

    def _dashboard(
        self,
        functions: dict[str, lambda_.Function],
        dead_letter_queues: dict[str, sqs.Queue],
        state_machine: sfn.StateMachine,
        failure_rate: cw.MathExpression,
    ) -> cw.Dashboard:
        dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=self._stage.prefix)
        hour = cdk.Duration.hours(1)
        dashboard.add_widgets(
            cw.TextWidget(markdown=f"# Chaseflow {self._stage.name}: collections", width=24, height=1),
            *[
                cw.SingleValueWidget(title=name, metrics=[chaseflow_metric(name, period=hour)], width=4, height=4)
                for name in COLLECTIONS
            ],
            cw.GraphWidget(
                title="Collections per hour",
                left=[chaseflow_metric(name, period=hour) for name in (*COLLECTIONS, *ACTIVITY)],
                width=24,
            ),
            cw.TextWidget(markdown="# System", width=24, height=1),
            cw.GraphWidget(title="Lambda errors", left=[fn.metric_errors() for fn in functions.values()], width=8),
            cw.GraphWidget(
                title="Lambda throttles", left=[fn.metric_throttles() for fn in functions.values()], width=8
            ),
            cw.GraphWidget(
                title="Dead letters",
                left=[
                    q.metric_approximate_number_of_messages_visible(statistic="Maximum", label=purpose)
                    for purpose, q in dead_letter_queues.items()
                ],
                width=8,
            ),
            cw.GraphWidget(
                title="Enrolment executions",
                left=[state_machine.metric_started(), state_machine.metric_succeeded(), state_machine.metric_failed()],
                width=8,
            ),
            cw.GraphWidget(
                title="Scheduler lag (s)", left=[chaseflow_metric("SchedulerLagSeconds", "Maximum")], width=8
            ),
            cw.GraphWidget(title="Email send failure rate", left=[failure_rate], width=8),
            cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms), width=24),
        )
        return dashboard
