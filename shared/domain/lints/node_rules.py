"""Lints on a workflow's steps: a final task waiting for completion (W005), record actions with no guard
filter (W006), messages that cannot be sent (E007), send times outside the run hours (W009)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shared.domain.filters.conditions import Condition
from shared.domain.levels import Level
from shared.domain.lints.feasibility import by_field, feasible
from shared.domain.lints.lint import Lint, make_lint
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import (
    Action,
    AddTag,
    AssignOwner,
    CreateTask,
    End,
    Portfolio,
    SendEmail,
    SendSms,
    SetStrikeLevel,
    successors,
)

# Tags go on the run's own record where it carries tags, else on the customer.
_TAGGED = {Level.INVOICE: "invoice", Level.CREDIT_NOTE: "credit_note"}


@dataclass(frozen=True)
class _Guard:
    """A record already in the action's target state matches ``already``; a guard filter rules it out."""

    target: str
    already: tuple[Condition, ...]
    suggested: str


def node_lints(workflow: Workflow) -> list[Lint]:
    lints: list[Lint] = []
    for index, node in enumerate(workflow.nodes):
        path = f"nodes[{index}]"
        if isinstance(node, CreateTask):
            lints.extend(_final_wait(workflow, node, path))
        elif isinstance(node, Action):
            lints.extend(_unguarded(workflow, node, path))
        elif isinstance(node, SendEmail | SendSms):
            lints.extend(_unsendable(workflow, node, path))
            lints.extend(_outside_run_hours(workflow, node, path))
    return lints


def _final_wait(workflow: Workflow, node: CreateTask, path: str) -> Iterator[Lint]:
    if not node.wait_for_completion:
        return
    after = successors(node, workflow.following(node.id))
    if any(not isinstance(workflow.node(n), End) for n in after):
        return
    ending = f"its next step '{after[0]}' is an end node" if after else "it is the last step"
    message = (
        f"Task '{node.id}' waits for completion, but {ending}: the run ends after the task either way, so "
        "wait_for_completion has no effect."
    )
    fix = f"Turn off wait_for_completion on '{node.id}', or add the steps that should follow the completed task."
    yield make_lint("W005", workflow.id, message, fix, f"{path}.wait_for_completion")


def _unguarded(workflow: Workflow, node: Action, path: str) -> Iterator[Lint]:
    guard = _guard(workflow.level, node)
    if guard is None:
        return
    written = by_field(workflow.trigger.filters, workflow.level)
    for already in guard.already:
        conditions = written.get(already.field, [])
        if conditions and not feasible([*conditions, already]):
            return
    message = (
        f"Action '{node.id}' ({node.action.do}: {guard.target}) has no trigger filter excluding records already in "
        "that state, so it is applied again to the same records on every enrolment."
    )
    yield make_lint("W006", workflow.id, message, f"Add {guard.suggested} to trigger.filters.", f"{path}.action")


def _guard(level: Level, node: Action) -> _Guard | None:
    action = node.action
    already: tuple[Condition, ...]
    if isinstance(action, AddTag):
        obj = _TAGGED.get(level, "customer")
        tag = action.tag
        if action.do == "add_tag":
            already = (_cond(f"{obj}.tags", "in", [tag.name]), _cond(f"{obj}.tag_categories", "in", [tag.category]))
            return _Guard(f"tag {tag.category}/{tag.name}", already, _show(f"{obj}.tags", "not_in", f'["{tag.name}"]'))
        already = (_cond(f"{obj}.tags", "not_in", [tag.name]),)
        return _Guard(f"tag {tag.category}/{tag.name}", already, _show(f"{obj}.tags", "in", f'["{tag.name}"]'))
    if isinstance(action, Portfolio):
        name = action.portfolio
        if action.do == "assign_portfolio":
            already = (_cond("customer.portfolios", "in", [name]),)
            return _Guard(f"portfolio {name}", already, _show("customer.portfolios", "not_in", f'["{name}"]'))
        already = (_cond("customer.portfolios", "not_in", [name]),)
        return _Guard(f"portfolio {name}", already, _show("customer.portfolios", "in", f'["{name}"]'))
    if isinstance(action, AssignOwner):
        already = (_cond("customer.account_owner", "=", action.user),)
        return _Guard(f"owner {action.user}", already, _show("customer.account_owner", "!=", f'"{action.user}"'))
    if isinstance(action, SetStrikeLevel):
        already = (_cond("customer.strike_level", "=", action.level),)
        return _Guard(f"strike level {action.level}", already, _show("customer.strike_level", "!=", str(action.level)))
    return None


def _unsendable(workflow: Workflow, node: SendEmail | SendSms, path: str) -> Iterator[Lint]:
    kind = "Email" if isinstance(node, SendEmail) else "SMS"
    if not node.template.strip():
        message = f"{kind} step '{node.id}' has a blank template: there is nothing to send."
        yield make_lint("E007", workflow.id, message, f"Choose the template '{node.id}' sends.", f"{path}.template")
    recipients = node.recipients
    needs = {"invoice_contact": Level.INVOICE, "run_contact": Level.CONTACT}.get(recipients.to)
    if needs is not None and workflow.level is not needs:
        message = (
            f"{kind} step '{node.id}' is sent to '{recipients.to}', which only {_a(needs.value)}-level run has; "
            f"on this {workflow.level.value}-level workflow the recipient never resolves and nothing is sent."
        )
        fix = (
            f"Send '{node.id}' to primary_and_others, primary or positions, "
            f"or move it to {_a(needs.value)}-level workflow."
        )
        yield make_lint("E007", workflow.id, message, fix, f"{path}.recipients.to")
    elif recipients.to == "positions" and not any(p.strip() for p in recipients.positions):
        message = f"{kind} step '{node.id}' is sent to positions, but every position named is blank: it selects nobody."
        yield make_lint("E007", workflow.id, message, f"Name the positions '{node.id}' goes to.", f"{path}.recipients")


def _outside_run_hours(workflow: Workflow, node: SendEmail | SendSms, path: str) -> Iterator[Lint]:
    hours, send = workflow.settings.run_hours, node.send
    if hours is None or send.time is None or hours.contains(send.time):
        return
    shown = send.time.strftime("%H:%M")
    message = (
        f"Step '{node.id}' sends at {shown}, outside the run hours {hours.describe()}: it can never send at that time."
    )
    fix = f"Pick a send time within {hours.describe()} for '{node.id}', widen settings.run_hours, or send asap."
    yield make_lint("W009", workflow.id, message, fix, f"{path}.send.time")


def _cond(field: str, op: str, value: object) -> Condition:
    return Condition.model_validate([field, op, value])


def _show(field: str, op: str, value: str) -> str:
    return f'[{field}, "{op}", {value}]'


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"
