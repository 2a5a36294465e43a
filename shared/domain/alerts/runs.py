"""Stuck runs: parked far beyond their due time (the scheduler did not resume them), or idle without a parked
execution (the execution failed or was lost)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.alerts.models import AlertKind, AlertLevel, Candidate


@dataclass(frozen=True)
class RunSnapshot:
    """What the detector needs of an active run item."""

    run_id: str
    workflow_id: str
    parking: str | None  # WAITING, PARKING, RESUMING or None (see shared.adapters.dynamodb.runs)
    next_run_at: datetime | None
    last_activity: datetime  # the latest of enrolment, node entry and the last step
    generation: int = 0
    execution_status: str | None = None  # RUNNING, FAILED … of its execution; None when there is none
    failed: bool = False  # the run itself says it failed (RecordFailure): stuck until a person retries or stops it


def stuck_runs(runs: Sequence[RunSnapshot], now: datetime, after: timedelta) -> list[Candidate]:
    """One candidate per workflow with stuck runs.

    A run is stuck when it waits for a time more than ``after`` past (overdue), or when it is not parked on a
    token, nothing happened to it for ``after`` and its execution is not running (it failed, or is lost). A run
    waiting for an event (parked without a time) is never stuck.
    """
    stuck: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for run in runs:
        if run.failed:
            stuck[run.workflow_id].append((run.run_id, "failed"))
        elif run.parking == "WAITING":
            if run.next_run_at is not None and now - run.next_run_at > after:
                stuck[run.workflow_id].append((run.run_id, "overdue"))
        elif now - run.last_activity > after and run.execution_status != "RUNNING":
            stuck[run.workflow_id].append((run.run_id, "failed"))
    found = []
    for workflow_id, items in sorted(stuck.items()):
        overdue = sum(1 for _, why in items if why == "overdue")
        lost = len(items) - overdue
        found.append(
            Candidate(
                kind=AlertKind.STUCK_RUNS,
                cause=workflow_id,
                workflow_id=workflow_id,
                level=AlertLevel.RED,
                title=f"{len(items)} run(s) of '{workflow_id}' are stuck",
                detail=f"{overdue} overdue by more than {after}; {lost} whose execution failed or is gone",
                action="Check the scheduler (SchedulerLagSeconds alarm) and the state machine's failed executions; "
                "use run-now on overdue runs, retry failed ones once the cause is fixed, or stop them.",
                refs=tuple(sorted(run_id for run_id, _ in items)),
            )
        )
    return found
