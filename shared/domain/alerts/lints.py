"""Static workflow lints as alerts: every active workflow's lints (checked against the other active ones)."""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.alerts.models import AlertKind, AlertLevel, Candidate
from shared.domain.lints import Lint, Severity, lint_all
from shared.domain.workflow.definition import Workflow

_LEVEL = {Severity.ERROR: AlertLevel.RED, Severity.WARNING: AlertLevel.YELLOW, Severity.INFO: AlertLevel.BLUE}


def lint_alerts(workflows: Sequence[Workflow]) -> list[Candidate]:
    """Drafts and inactive workflows raise none (the save response shows their lints); deactivating a
    workflow therefore resolves its lint alerts, and so does fixing the definition."""
    active = [w for w in workflows if w.status == "active"]
    return [_candidate(lint) for lints in lint_all(active).values() for lint in lints]


def _candidate(lint: Lint) -> Candidate:
    return Candidate(
        kind=AlertKind.WORKFLOW_LINT,
        cause=f"{lint.workflow_id}|{lint.code}|{lint.path}|{','.join(lint.related)}",
        workflow_id=lint.workflow_id,
        level=_LEVEL[lint.severity],
        title=f"{lint.code} {lint.name}",
        detail=lint.message,
        action=lint.fix,
        refs=(lint.code, *lint.related),
    )
