"""Where the runtime's events become metrics: decisions (pauses, stops on payment) and the scheduler's lag."""

from datetime import UTC, datetime

import pytest

from shared.domain.engine.decision import Decision, DecisionKind
from shared.usecases.observed import decision_metrics, scheduler_lag

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, float]] = []

    def count(self, name: str, value: int = 1) -> None:
        self.recorded.append((name, value))

    def seconds(self, name: str, value: float) -> None:
        self.recorded.append((name, value))


@pytest.fixture
def recorder():
    return Recorder()


@pytest.mark.parametrize(
    ("kind", "reason", "expected"),
    [
        (DecisionKind.PAUSE, "promise_to_pay", [("RunsPaused", 1)]),
        (DecisionKind.STOP, "balance_cleared", [("RunsStoppedOnPayment", 1)]),
        (DecisionKind.STOP, "customer_replied", []),
        (DecisionKind.WAIT, "wait_node", []),
        (DecisionKind.ACT, "act", []),
    ],
)
def test_decisions_count_pauses_and_stops_on_payment(recorder, kind, reason, expected):
    # GIVEN a decision of the evaluator
    decision = Decision(kind, reason, "", "node")
    # WHEN it is observed
    decision_metrics(recorder, decision)
    # THEN only pauses and stops on payment are counted
    assert recorder.recorded == expected


@pytest.mark.parametrize(
    ("not_resumed", "lag"),
    [([], 0.0), (["2026-11-02T07:59:00Z", "2026-11-02T07:30:00Z"], 1800.0), (["2026-11-02T08:00:30Z"], 0.0)],
)
def test_the_lag_is_the_age_of_the_oldest_due_run_left(recorder, not_resumed, lag):
    # GIVEN the due times of the runs the tick found but did not resume
    # WHEN the lag is recorded
    scheduler_lag(recorder, NOW, not_resumed)
    # THEN it is the oldest one's age, never negative, 0 when none
    assert recorder.recorded == [("SchedulerLagSeconds", lag)]
