"""Stuck runs: overdue far beyond their time, or idle without a running execution."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.alerts.runs import RunSnapshot, stuck_runs

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def run(run_id, parking, due_ago=None, idle=timedelta(0), execution="RUNNING", workflow="wf"):
    due = None if due_ago is None else NOW - due_ago
    return RunSnapshot(run_id, workflow, parking, due, NOW - idle, 0, execution)


@pytest.mark.parametrize(
    ("snapshot", "stuck"),
    [
        (run("r", "WAITING", due_ago=2 * HOUR), True),  # the scheduler did not resume it
        (run("r", "WAITING", due_ago=timedelta(minutes=5)), False),  # a tick or two late: normal
        (run("r", "WAITING", due_ago=None, idle=30 * 24 * HOUR), False),  # waiting for an event
        (run("r", "WAITING", due_ago=-48 * HOUR), False),  # due in two days
        (run("r", None, idle=2 * HOUR, execution="FAILED"), True),  # its execution failed
        (run("r", "RESUMING", idle=2 * HOUR, execution=None), True),  # its execution is gone
        (run("r", "RESUMING", idle=2 * HOUR, execution="RUNNING"), False),  # being resumed right now
        (run("r", None, idle=timedelta(minutes=10), execution="FAILED"), False),  # not for long enough yet
    ],
)
def test_stuck_or_not(snapshot, stuck):
    # GIVEN one active run
    # WHEN the detector runs with a one-hour tolerance
    found = stuck_runs([snapshot], NOW, HOUR)
    # THEN it is reported exactly when stuck
    assert (found != []) is stuck


def test_one_alert_per_workflow_names_its_runs():
    # GIVEN stuck runs in two workflows
    runs = [
        run("r1", "WAITING", due_ago=3 * HOUR),
        run("r2", None, idle=3 * HOUR, execution="FAILED"),
        run("r3", "WAITING", due_ago=3 * HOUR, workflow="other"),
    ]
    # WHEN the detector runs
    found = stuck_runs(runs, NOW, HOUR)
    # THEN one alert per workflow with its runs
    assert [(c.cause, c.refs) for c in found] == [("other", ("r3",)), ("wf", ("r1", "r2"))]
    assert "1 overdue" in found[1].detail and "1 whose execution failed" in found[1].detail
