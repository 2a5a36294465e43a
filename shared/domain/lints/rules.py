"""Lints on a workflow's trigger and filters: contradictions (E002), invoice filters at customer level (W003),
Invoice Created without a days-issued filter (W004), trigger/filter mismatches (E008), no stop on payment (I010).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from shared.domain.filters.catalogue import RecordObject
from shared.domain.filters.conditions import Condition
from shared.domain.levels import Level, TriggerType
from shared.domain.lints.feasibility import by_field, contradictions, feasible
from shared.domain.lints.lint import Lint, make_lint
from shared.domain.workflow.definition import StopCondition, Workflow
from shared.domain.workflow.nodes import Branch

_CUSTOMER_RUNS = (Level.CUSTOMER, Level.CUSTOMER_GROUP)
_UNSETTLED = (("invoice.status", "not_in", ["paid", "closed", "voided"]), ("invoice.balance", ">", 0))
_ISSUE_AGE_FIELDS = ("invoice.days_issued", "invoice.date")


@dataclass(frozen=True)
class _Group:
    """A list of conditions that must all hold together, where it sits and what failing it means."""

    path: str
    conditions: tuple[Condition, ...]
    level: Level
    consequence: str


@dataclass(frozen=True)
class _Implication:
    """Conditions a trigger implies for the records it enrols, and the fix when the filters rule them out."""

    group: _Group
    implied: tuple[Condition, ...]
    reason: str
    fix: str


def filter_lints(workflow: Workflow) -> list[Lint]:
    return [*_contradictory(workflow), *_invoice_filters_at_customer_level(workflow), *_never_matches(workflow)] + [
        lint for lint in (_missing_days_issued(workflow), _no_stop_on_payment(workflow)) if lint is not None
    ]


def _groups(workflow: Workflow) -> Iterator[_Group]:
    trigger = workflow.trigger
    yield _Group("trigger.filters", trigger.filters, workflow.level, "the workflow never enrols anything")
    if trigger.target_invoices is not None:
        never = "no invoice is ever targeted, so the workflow never enrols anything"
        yield _Group("trigger.target_invoices", trigger.target_invoices, Level.INVOICE, never)
    if trigger.target_payments is not None:
        never = "no payment ever matches, so the workflow never enrols anything"
        yield _Group("trigger.target_payments", trigger.target_payments, Level.PAYMENT, never)
    for index, node in enumerate(workflow.nodes):
        if isinstance(node, Branch):
            never = f"branch '{node.id}' always takes its 'no' path ('{node.no}')"
            yield _Group(f"nodes[{index}].filters", node.filters, workflow.level, never)


def _contradictory(workflow: Workflow) -> Iterator[Lint]:
    for group in _groups(workflow):
        for clash in contradictions(group.conditions, group.level):
            quoted = [f"'{c}'" for c in clash]
            shown = " AND ".join(quoted)
            what = f"the conditions on {clash[0].field}" if len(clash) > 1 else "the condition"
            message = f"In {group.path}, {what} can never all hold ({shown}): {group.consequence}."
            fix = f"Correct or remove one of {', '.join(quoted)} in {group.path}."
            if len(clash) == 1:
                message = f"In {group.path}, the condition {shown} can never hold: {group.consequence}."
                fix = f"Correct or remove {shown} in {group.path}."
            yield make_lint("E002", workflow.id, message, fix, group.path)


def _invoice_filters_at_customer_level(workflow: Workflow) -> Iterator[Lint]:
    if workflow.level not in _CUSTOMER_RUNS:
        return
    targets = workflow.trigger.target_invoices or ()
    for index, condition in enumerate(workflow.trigger.filters):
        if condition.spec.object is not RecordObject.INVOICE or condition in targets:
            continue
        message = (
            f"Trigger filter '{condition}' on a {workflow.level.value}-level workflow means 'the customer has ANY "
            f"open invoice with {condition}'; the message then lists every targeted invoice, matching or not."
        )
        fix = f"Move '{condition}' from trigger.filters into trigger.target_invoices."
        yield make_lint("W003", workflow.id, message, fix, f"trigger.filters[{index}]")


def _missing_days_issued(workflow: Workflow) -> Lint | None:
    trigger = workflow.trigger
    if trigger.type is not TriggerType.INVOICE_CREATED:
        return None
    if any(c.field in _ISSUE_AGE_FIELDS for c in trigger.filters):
        return None
    message = (
        "Invoice Created has no filter on invoice.days_issued (or invoice.date): the first ERP sync creates the "
        "whole invoice history, and the workflow would fire on every historical invoice."
    )
    fix = 'Add [invoice.days_issued, "<=", 3] to trigger.filters.'
    return make_lint("W004", workflow.id, message, fix, "trigger.filters")


def _never_matches(workflow: Workflow) -> Iterator[Lint]:
    reported: set[tuple[str, str]] = set()
    for rule in _implications(workflow):
        mine = by_field(rule.group.conditions, rule.group.level)
        for implied in rule.implied:
            written = mine.get(implied.field, [])
            key = (rule.group.path, implied.field)
            if key in reported or not written or not feasible(written) or feasible([*written, implied]):
                continue  # unconstrained, already contradictory on its own (E002), or compatible
            reported.add(key)
            shown = " AND ".join(f"'{c}'" for c in written)
            message = f"{rule.reason}, but {rule.group.path} require{'s' * (len(written) == 1)} {shown}: " + (
                f"{rule.group.consequence}."
            )
            yield make_lint("E008", workflow.id, message, rule.fix, rule.group.path)


def _implications(workflow: Workflow) -> Iterator[_Implication]:
    trigger, level, stops = workflow.trigger, workflow.level, workflow.stop_conditions
    filters = _Group("trigger.filters", trigger.filters, level, "the workflow never enrols anything")
    if trigger.type is TriggerType.INVOICE_CREATED:
        reason = "Trigger invoice_created enrols new invoices, which are open (not paid, closed or voided)"
        fix = "Remove the invoice.status condition, or use an invoice_follow_up trigger for invoices in that status."
        yield _Implication(filters, _conditions(_UNSETTLED[:1]), reason, fix)
    if trigger.type is TriggerType.PAYMENT_REGISTERED:
        reason = "Trigger payment_registered enrols payments as they are registered (paid, never voided)"
        fix = "Remove the payment.status condition: a voided payment never fires payment_registered."
        yield _Implication(filters, _conditions([("payment.status", "!=", "voided")]), reason, fix)
    if level is Level.INVOICE and StopCondition.BALANCE_CLEARED in stops:
        reason = (
            "With stop condition balance_cleared, a settled invoice (paid, closed, voided or zero balance) never enrols"
        )
        fix = "Remove the condition, or take balance_cleared out of settings.stop_when."
        yield _Implication(filters, _conditions(_UNSETTLED), reason, fix)
    if level in (*_CUSTOMER_RUNS, Level.CONTACT) and trigger.target_invoices is not None:
        targets = _Group(
            "trigger.target_invoices", trigger.target_invoices, Level.INVOICE, "no invoice is ever targeted"
        )
        reason = "Only unsettled invoices (open balance, not paid, closed or voided) can be targeted"
        yield _Implication(targets, _conditions(_UNSETTLED), reason, "Remove the condition from target_invoices.")
    needs_target = trigger.target_invoices is not None or StopCondition.BALANCE_CLEARED in stops
    if level in (*_CUSTOMER_RUNS, Level.CONTACT) and needs_target and _targets_only_overdue(workflow):
        reason = (
            "A run needs at least one targeted invoice, and trigger.target_invoices only take overdue invoices, "
            "so the customer must have an overdue balance"
        )
        fix = 'Require an overdue balance (e.g. [customer.balance_overdue, ">", 0]) or target invoices not yet due.'
        overdue = [
            ("customer.balance_overdue", ">", 0),
            ("customer.overdue_invoices_count", ">=", 1),
            ("customer.max_days_overdue", ">=", 1),
        ]
        yield _Implication(filters, _conditions(overdue), reason, fix)


def _targets_only_overdue(workflow: Workflow) -> bool:
    targets = by_field(workflow.trigger.target_invoices or (), Level.INVOICE)
    not_overdue = {"invoice.days_overdue": ("<=", 0), "invoice.days_late": ("<=", 0)}
    return any(
        field in targets and not feasible([*targets[field], _condition(field, op, value)])
        for field, (op, value) in not_overdue.items()
    )


def _no_stop_on_payment(workflow: Workflow) -> Lint | None:
    kind = workflow.trigger.type
    if not (kind.is_continuous or kind is TriggerType.INVOICE_CREATED):
        return None
    if StopCondition.BALANCE_CLEARED in workflow.stop_conditions:
        return None
    listed = ", ".join(sorted(workflow.stop_conditions)) or "nothing"
    message = (
        f"settings.stop_when ({listed}) lacks balance_cleared: a {kind.value} run keeps chasing after every "
        "targeted invoice is paid."
    )
    fix = "Add balance_cleared to settings.stop_when (it is the default when stop_when is left out)."
    return make_lint("I010", workflow.id, message, fix, "settings.stop_when")


def _conditions(triples: Sequence[tuple[str, str, object]]) -> tuple[Condition, ...]:
    return tuple(_condition(*triple) for triple in triples)


def _condition(field: str, op: str, value: object) -> Condition:
    return Condition.model_validate([field, op, value])
