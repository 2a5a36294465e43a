"""Lint alerts follow the active workflows; the metrics port emits the contract's EMF metrics only."""

import json

import pytest

from shared.adapters.metrics import PowertoolsMetrics
from shared.domain.alerts import AlertLevel
from shared.domain.alerts.lints import lint_alerts
from shared.observability import metrics
from tests.unit.lints.support import build


def test_overlapping_active_workflows_raise_a_lint_alert_on_each():
    # GIVEN two active workflows with the same trigger and filters, and a draft copy
    first, second = build(id="first", status="active"), build(id="second", status="active")
    draft = build(id="draft", status="draft")
    # WHEN their lint alerts are computed
    found = lint_alerts([first, second, draft])
    # THEN each active one has the overlap (W001), yellow, naming the other; the draft has none
    overlaps = sorted((c.workflow_id, c.refs) for c in found if c.title.startswith("W001"))
    assert overlaps == [("first", ("W001", "second")), ("second", ("W001", "first"))]
    assert {c.level for c in found if c.title.startswith("W001")} == {AlertLevel.YELLOW}
    assert all(c.workflow_id != "draft" for c in found)


def test_a_deactivated_workflow_raises_none():
    # GIVEN the same two, one deactivated
    found = lint_alerts([build(id="first", status="active"), build(id="second", status="inactive")])
    # THEN no overlap
    assert not [c for c in found if c.title.startswith("W001")]


def test_metrics_are_emf_in_the_chaseflow_namespace_with_the_service_dimension_only(capsys):
    # GIVEN the Powertools port
    port = PowertoolsMetrics()
    # WHEN two sends and a lag are recorded and flushed
    port.count("EmailsSent")
    port.count("EmailsSent")
    port.seconds("SchedulerLagSeconds", 12.5)
    metrics.flush_metrics()
    # THEN one EMF document with both, in the namespace, dimension ``service`` only
    emf = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Chaseflow" and directive["Dimensions"] == [["service"]]
    assert emf["EmailsSent"] == [1.0, 1.0] and emf["SchedulerLagSeconds"] == [12.5]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "EmailsSent": "Count",
        "SchedulerLagSeconds": "Seconds",
    }


def test_a_name_outside_the_contract_is_refused():
    # GIVEN the port
    # WHEN an unknown count is recorded
    # THEN it is refused (a typo would make an alarm watch nothing)
    with pytest.raises(ValueError, match="not one of"):
        PowertoolsMetrics().count("EmailSent")
