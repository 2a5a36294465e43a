"""W001: two workflows that can enrol the same records (Kolleno's "Workflow filters overlap" alert).

Two workflows overlap when their triggers fire together (both continuous, or the same event), their levels
collide, and no field provably separates their filters. Customer and group runs collide with invoice and contact
runs of the same customer only when both send messages: the customer then gets two of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.filters.catalogue import RecordObject
from shared.domain.filters.conditions import Condition
from shared.domain.levels import Level
from shared.domain.lints.feasibility import by_field, feasible
from shared.domain.lints.lint import Lint, make_lint
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import MESSAGE_NODES

_CUSTOMER_RUNS = frozenset({Level.CUSTOMER, Level.CUSTOMER_GROUP})
_PER_CUSTOMER_RUNS = frozenset({Level.INVOICE, Level.CONTACT})


@dataclass(frozen=True)
class Overlap:
    """Why two workflows overlap: the fields both filter on (none separates them) and whether levels differ."""

    shared_fields: tuple[str, ...]
    cross_level: bool


def find_overlap(workflow: Workflow, other: Workflow) -> Overlap | None:
    """How ``workflow`` and ``other`` can enrol the same records, or None when they provably cannot.

    Parameters
    ----------
    workflow, other : Workflow
        The two definitions; status is not looked at here.

    Returns
    -------
    Overlap | None
        None when the triggers never fire together, the levels never meet, or some field's conditions in the
        two workflows cannot intersect.
    """
    a, b = workflow.trigger.type, other.trigger.type
    if not ((a.is_continuous and b.is_continuous) or a is b):
        return None
    cross_level = workflow.level is not other.level
    if cross_level and not _levels_meet(workflow, other):
        return None
    mine, theirs = record_scope(workflow), record_scope(other)
    if not all(feasible(c) for c in (*mine.values(), *theirs.values())):
        return None  # a workflow that matches nothing overlaps nothing (E002 reports it)
    shared = [f for f in mine if f in theirs and _comparable(f, workflow.level, other.level)]
    if any(not feasible([*mine[f], *theirs[f]]) for f in shared):
        return None
    return Overlap(tuple(shared), cross_level)


def record_scope(workflow: Workflow) -> dict[str, list[Condition]]:
    """Per field, the conditions every enrolled record (and, for customer runs, each targeted invoice) meets."""
    scope = by_field(workflow.trigger.filters, workflow.level)
    for field, conditions in by_field(workflow.trigger.target_invoices or (), Level.INVOICE).items():
        scope.setdefault(field, []).extend(conditions)
    return scope


def overlap_lint(workflow: Workflow, other: Workflow) -> Lint | None:
    """W001 for ``workflow`` against ``other`` (assumed active), naming ``other`` in ``related``."""
    overlap = find_overlap(workflow, other)
    if overlap is None:
        return None
    records = f"{workflow.level.value.replace('_', ' ')} records"
    if overlap.cross_level:
        records = (
            f"customers ('{other.name}' runs at {other.level.value} level, this one at {workflow.level.value} "
            "level, and both send messages, so a customer in both gets two)"
        )
    when = "continuous triggers" if workflow.trigger.type.is_continuous else f"'{workflow.trigger.type.value}'"
    if overlap.shared_fields:
        reason = f"their conditions on {', '.join(overlap.shared_fields)} can all hold at once"
    else:
        reason = "no field is filtered in both, so nothing separates them"
    message = (
        f"Workflow filters overlap: active workflow '{other.name}' ({other.id}) can enrol the same {records}; "
        f"both have {when} and {reason}."
    )
    field = overlap.shared_fields[0] if overlap.shared_fields else "one field both filter on"
    fix = (
        f"Make the filter sets disjoint (e.g. split on {field}: a range here that cannot meet the range in "
        f"'{other.id}'), or merge the two workflows into one with a branch; ignore if both messages are intended."
    )
    return make_lint("W001", workflow.id, message, fix, "trigger.filters", (other.id,))


def _levels_meet(workflow: Workflow, other: Workflow) -> bool:
    levels = {workflow.level, other.level}
    if not (levels & _CUSTOMER_RUNS and levels <= _CUSTOMER_RUNS | _PER_CUSTOMER_RUNS):
        return False
    return _sends_messages(workflow) and _sends_messages(other)


def _sends_messages(workflow: Workflow) -> bool:
    return any(isinstance(node, MESSAGE_NODES) for node in workflow.nodes)


def _comparable(field: str, mine: Level, theirs: Level) -> bool:
    """Whether ``field`` reads the same record in both workflows, so disjoint conditions separate them."""
    obj = RecordObject(field.split(".", 1)[0])
    if obj is RecordObject.INVOICE:
        return True  # the run's invoice, or each targeted invoice of a customer run
    if obj is RecordObject.CUSTOMER:
        # a group run reads the group's consolidated figures, not one member's
        return (mine is Level.CUSTOMER_GROUP) == (theirs is Level.CUSTOMER_GROUP)
    return mine is theirs
