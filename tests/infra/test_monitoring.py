"""An alarm for every signal docs/architecture.md lists under "What ops watch", all to the ops topic; one dashboard
with the collections and system figures."""

import json

from shared.observability import METRICS_NAMESPACE, SERVICE
from tests.infra.conftest import functions_by_key, properties, resources

COLLECTION_FIGURES = ("EmailsSent", "EmailsBounced", "RunsStoppedOnPayment", "RunsPaused", "AlertsRaised")


def _metrics(alarm):
    """(namespace, metric name, dimensions) of a plain or metric-math alarm."""
    if "MetricName" in alarm:
        return [(alarm["Namespace"], alarm["MetricName"], {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])})]
    return [
        (q["MetricStat"]["Metric"]["Namespace"], q["MetricStat"]["Metric"]["MetricName"],
         {d["Name"]: d["Value"] for d in q["MetricStat"]["Metric"].get("Dimensions", [])})
        for q in alarm["Metrics"] if "MetricStat" in q
    ]  # fmt: skip


def _alarmed(template):
    return [m for alarm in properties(template, "AWS::CloudWatch::Alarm").values() for m in _metrics(alarm)]


def test_every_function_has_error_and_throttle_alarms(template):
    # GIVEN the alarmed metrics
    alarmed = _alarmed(template)
    for logical_id, _ in functions_by_key(template).values():
        # THEN each function's errors and throttles are watched
        for metric in ("Errors", "Throttles"):
            assert ("AWS/Lambda", metric, {"FunctionName": {"Ref": logical_id}}) in alarmed, (logical_id, metric)


def test_every_queue_depth_is_alarmed(template):
    # GIVEN the alarmed metrics and every queue (all of them are dead-letter queues)
    alarmed = _alarmed(template)
    for queue_id in resources(template, "AWS::SQS::Queue"):
        # THEN a message waiting in any of them raises an alarm
        dimensions = {"QueueName": {"Fn::GetAtt": [queue_id, "QueueName"]}}
        assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", dimensions) in alarmed, queue_id


def test_failed_executions_scheduler_lag_and_deliverability_are_alarmed(template):
    # GIVEN the alarmed metrics
    alarmed = {(namespace, name) for namespace, name, _ in _alarmed(template)}
    ours = [(ns, name, dims) for ns, name, dims in _alarmed(template) if ns == METRICS_NAMESPACE]
    # THEN every other signal of the contract is watched
    assert ("AWS/States", "ExecutionsFailed") in alarmed
    assert (METRICS_NAMESPACE, "SchedulerLagSeconds") in alarmed
    assert ("AWS/SES", "Reputation.BounceRate") in alarmed
    assert ("AWS/SES", "Reputation.ComplaintRate") in alarmed
    assert {(METRICS_NAMESPACE, "EmailsFailed"), (METRICS_NAMESPACE, "EmailsSent")} <= alarmed
    # AND our metrics carry the one dimension Powertools sets
    assert all(dims == {"service": SERVICE} for _, _, dims in ours)


def test_the_send_failure_rate_is_metric_math(template):
    # GIVEN the alarms computed from several metrics
    (math,) = [a for a in properties(template, "AWS::CloudWatch::Alarm").values() if "Metrics" in a]
    expression = next(q["Expression"] for q in math["Metrics"] if "Expression" in q)
    # THEN failed / (sent + failed), safe when nothing was sent
    assert "failed / (sent + failed)" in expression


def test_every_alarm_notifies_the_ops_topic(template):
    # GIVEN the ops topic and the alarms
    (topic_id,) = resources(template, "AWS::SNS::Topic")
    for alarm in properties(template, "AWS::CloudWatch::Alarm").values():
        # THEN each alarm and its recovery reach ops
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
        assert alarm["OKActions"] == [{"Ref": topic_id}]


def test_one_dashboard_shows_collections_and_system_figures(template):
    # GIVEN the dashboard
    (dashboard,) = properties(template, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["DashboardBody"])
    # THEN the collections figures and the system figures are on it
    for figure in (*COLLECTION_FIGURES, "SchedulerLagSeconds", "ExecutionsFailed", "Errors", "Throttles",
                   "ApproximateNumberOfMessagesVisible"):  # fmt: skip
        assert figure in body, figure
