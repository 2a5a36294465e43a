"""The metrics port's adapter: counts and durations as Powertools EMF in the ``Chaseflow`` namespace, with the
``service`` dimension only: no tenant or workflow dimensions, so the metric count stays bounded
(docs/architecture.md, "What ops watch", lists the counts and the alarms on them).

Handlers flush with ``@metrics.log_metrics``; outside a handler (tests, the CLI) metrics accumulate until flushed.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit

from shared.observability import metrics

COUNTS = frozenset(
    {
        "EmailsSent",
        "EmailsFailed",
        "EmailsBounced",
        "EmailsComplained",
        "SmsSent",
        "SmsFailed",
        "TasksCreated",
        "Enrolments",
        "RunsStoppedOnPayment",
        "RunsPaused",
        "AlertsRaised",
    }
)


class PowertoolsMetrics:
    def count(self, name: str, value: int = 1) -> None:
        if name not in COUNTS:
            raise ValueError(f"'{name}' is not one of the contract's count metrics")
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def seconds(self, name: str, value: float) -> None:
        metrics.add_metric(name=name, unit=MetricUnit.Seconds, value=value)
