"""Static workflow alerts, computed when a workflow is saved (Kolleno's workflow "Alerts" column).

Each lint has a stable code, a severity, a message naming the node or condition at fault, and the fix:

- E002 contradictory filters, E007 unsendable message, E008 trigger/filter mismatch (errors);
- W001 overlapping workflows, W003 invoice filter at customer level, W004 Invoice Created without days issued,
  W005 final task waiting for completion, W006 action without guard, W009 send time outside run hours (warnings);
- I010 no stop on payment (info).
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.lints.feasibility import feasible
from shared.domain.lints.lint import NAMES, Lint, Severity
from shared.domain.lints.node_rules import node_lints
from shared.domain.lints.overlap import overlap_lint
from shared.domain.lints.rules import filter_lints
from shared.domain.workflow.definition import Workflow

__all__ = ["NAMES", "Lint", "Severity", "feasible", "lint_all", "lint_workflow"]

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def lint_workflow(workflow: Workflow, others: Sequence[Workflow] = ()) -> list[Lint]:
    """The alerts for ``workflow``, checked for overlap against the *active* workflows among ``others``.

    Parameters
    ----------
    workflow : Workflow
        The definition being saved, whatever its status (a draft is checked against the active ones too).
    others : Sequence[Workflow]
        The tenant's other workflows; inactive and draft ones, and any with ``workflow``'s id, are skipped.

    Returns
    -------
    list[Lint]
        Errors first, then warnings, then infos; within a severity by code, then path.
    """
    lints = [*filter_lints(workflow), *node_lints(workflow)]
    for other in others:
        if other.status == "active" and other.id != workflow.id:
            overlap = overlap_lint(workflow, other)
            if overlap is not None:
                lints.append(overlap)
    return sorted(lints, key=lambda lint: (_SEVERITY_ORDER[lint.severity], lint.code, lint.path))


def lint_all(workflows: Sequence[Workflow]) -> dict[str, list[Lint]]:
    """Every workflow's alerts, by workflow id, each checked against the other active workflows.

    Parameters
    ----------
    workflows : Sequence[Workflow]
        One tenant's workflows (one version per id), of any status.

    Returns
    -------
    dict[str, list[Lint]]
        Each workflow id, in input order, with its lints as :func:`lint_workflow` returns them.
    """
    active = [w for w in workflows if w.status == "active"]
    return {w.id: lint_workflow(w, active) for w in workflows}
