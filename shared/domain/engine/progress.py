"""How a run moves: applying a decision or an action's outcome, and the run controls a person uses.

Every function returns a new ``RunState``; none performs I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.run import Hold, RunState, RunStatus, StepRecord
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import successors

ActionOutcome = Literal["done", "skipped", "failed_retryable", "deferred", "failed_permanent", "task_created"]


def after_decision(run: RunState, decision: Decision, now: datetime) -> RunState:
    """Record what the evaluator went past (finished waits, branches, skipped steps) and where it stopped."""
    history = run.history + tuple(
        StepRecord(node_id=p.node_id, at=now, outcome=_outcome(p.outcome), detail=p.detail) for p in decision.passed
    )
    changes: dict[str, object] = {"history": history}
    if decision.passed and decision.node_id is not None:
        changes |= {"node_id": decision.node_id, "node_entered_at": decision.node_entered_at, **_NEW_NODE}
    if decision.kind in (DecisionKind.STOP, DecisionKind.COMPLETE) and not run.status.is_final:
        status = RunStatus.STOPPED if decision.kind is DecisionKind.STOP else RunStatus.COMPLETED
        changes |= {"status": status, "ended_at": now, "end_reason": decision.reason}
    return run.model_copy(update=changes)


def after_action(
    run: RunState,
    workflow: Workflow,
    decision: Decision,
    outcome: ActionOutcome,
    now: datetime,
    *,
    retry_at: datetime | None = None,
    task_id: str | None = None,
    detail: str = "",
) -> RunState:
    """Apply the outcome of acting on ``decision.node_id``: move on, schedule a retry, or wait for a task."""
    if decision.kind is not DecisionKind.ACT or decision.node_id is None:
        raise ValueError("only an ACT decision has an action outcome")
    run = after_decision(run, decision, now)
    node_id = decision.node_id
    if outcome in ("deferred", "failed_retryable"):
        if retry_at is None:
            raise ValueError(f"outcome {outcome} needs retry_at")
        # a deferral (throttled, over a frequency cap) is counted apart from failed attempts: retries are limited
        counter = "throttles" if outcome == "deferred" else "attempt"
        record = StepRecord(node_id=node_id, at=now, outcome="retrying", detail=detail or outcome.replace("_", " "))
        return run.model_copy(
            update={
                counter: getattr(run, counter) + 1,
                "retry_at": retry_at,
                "run_now": False,
                "history": (*run.history, record),
            }
        )
    if outcome == "task_created":
        record = StepRecord(node_id=node_id, at=now, outcome="acted", detail=detail or f"task {task_id}")
        return run.model_copy(update={"task_id": task_id, "history": (*run.history, record), "run_now": False})
    label = {"done": "acted", "skipped": "skipped", "failed_permanent": "failed"}[outcome]
    record = StepRecord(node_id=node_id, at=now, outcome=label, detail=detail)  # type: ignore[arg-type]
    return _move_on(run.model_copy(update={"history": (*run.history, record)}), workflow, node_id, now)


def _move_on(run: RunState, workflow: Workflow, node_id: str, now: datetime) -> RunState:
    following = successors(workflow.node(node_id), workflow.following(node_id))
    if not following:
        return run.model_copy(
            update={"status": RunStatus.COMPLETED, "ended_at": now, "end_reason": "completed", **_NEW_NODE}
        )
    return run.model_copy(update={"node_id": following[0], "node_entered_at": now, **_NEW_NODE})


# What a run forgets when it reaches a new node (or ends): retries, deferrals, run-now and the awaited task.
_NEW_NODE: dict[str, object] = {"attempt": 0, "throttles": 0, "retry_at": None, "run_now": False, "task_id": None}


# -- run controls ------------------------------------------------------------------------------------------------


def pause(run: RunState, until: datetime | None, note: str = "") -> RunState:
    _require_active(run)
    return run.model_copy(update={"hold": Hold(until=until, note=note)})


def resume(run: RunState) -> RunState:
    _require_active(run)
    return run.model_copy(update={"hold": None})


def stop(run: RunState, now: datetime, reason: str = "stopped_by_user") -> RunState:
    if run.status.is_final:
        return run
    return run.model_copy(update={"status": RunStatus.STOPPED, "ended_at": now, "end_reason": reason})


def fail(run: RunState, now: datetime, error: str, cause: str) -> RunState:
    """End the run on an error: the current node's history line keeps the cause for explain and alerts."""
    if run.status.is_final:
        return run
    record = StepRecord(node_id=run.node_id, at=now, outcome="failed", detail=f"{error}: {cause}"[:500])
    return run.model_copy(
        update={
            "status": RunStatus.FAILED,
            "ended_at": now,
            "end_reason": f"failed: {error}",
            "history": (*run.history, record),
        }
    )


def run_now(run: RunState) -> RunState:
    """Skip the current wait or send time; the window, pause and stop rules still apply."""
    _require_active(run)
    return run.model_copy(update={"run_now": True, "hold": None})


def skip(run: RunState, workflow: Workflow, now: datetime) -> RunState:
    """Leave the current node without acting on it."""
    _require_active(run)
    record = StepRecord(node_id=run.node_id, at=now, outcome="skipped", detail="skipped by a person")
    return _move_on(run.model_copy(update={"history": (*run.history, record)}), workflow, run.node_id, now)


def _require_active(run: RunState) -> None:
    if run.status.is_final:
        raise ValueError(f"run {run.run_id} is {run.status.value}")


def _outcome(label: str) -> Literal["acted", "skipped", "failed", "retrying", "branched", "waited", "task_done"]:
    return label  # type: ignore[return-value]  # Passage outcomes are a subset of StepRecord's
