"""Detectors over the communications log: duplicate emails, deliverability bands, messages that could not be sent.

Pure functions of the messages sent in a window and the clock; each returns one candidate per cause.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from shared.domain.alerts.models import AlertKind, AlertLevel, Candidate
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction

WENT_OUT = frozenset(
    {
        CommunicationStatus.SENT,
        CommunicationStatus.DELIVERED,
        CommunicationStatus.BOUNCED,
        CommunicationStatus.COMPLAINED,
    }
)
NOT_SENT = frozenset({CommunicationStatus.FAILED, CommunicationStatus.BLOCKED})
PROBLEM = NOT_SENT | {CommunicationStatus.BOUNCED, CommunicationStatus.COMPLAINED}
DUPLICATE_LOOKBACK = timedelta(days=7)

OVERLAPPING = "overlapping_workflows"
INVOICE_LEVEL = "invoice_level"
REPEATED = "repeated_enrolment"
_ADVICE = {
    OVERLAPPING: "Workflows overlap: make their filters exclusive, or deactivate one of them.",
    INVOICE_LEVEL: "One email per invoice: run this workflow at customer level so invoices are grouped.",
    REPEATED: "The same records were chased again: check for re-synced historic invoices or re-enrolment.",
}


def _workflow_emails(messages: Iterable[Communication]) -> list[Communication]:
    return [m for m in messages if m.direction is Direction.SENT and m.channel is Channel.EMAIL and m.workflow_id]


def duplicate_emails(messages: Sequence[Communication], now: datetime, span: timedelta) -> list[Candidate]:
    """Two or more emails that went out to the same address, with the same template, about the same customer,
    within ``span`` of each other, among those of the last 7 days. One alert per (likely cause, workflows,
    template); the likely cause is overlapping workflows (several workflows), an invoice-level workflow (one
    workflow, different invoices) or a repeated enrolment (one workflow, the same records)."""
    groups: dict[tuple[str, str, str], list[Communication]] = defaultdict(list)
    for message in _workflow_emails(messages):
        if message.status in WENT_OUT and now - DUPLICATE_LOOKBACK <= message.at <= now:
            for address in message.addresses:
                groups[(address.lower(), message.template_id or "", message.customer_id)].append(message)
    alerts: dict[tuple[str, tuple[str, ...], str], list[tuple[str, list[Communication]]]] = defaultdict(list)
    for (address, template, _), found in sorted(groups.items()):
        close = _within_span(sorted(found, key=lambda m: (m.at, m.id)), span)
        if len(close) < 2:
            continue
        workflows = tuple(sorted({m.workflow_id or "" for m in close}))
        if len(workflows) > 1:
            cause = OVERLAPPING
        elif len({m.invoice_ids for m in close}) > 1:
            cause = INVOICE_LEVEL
        else:
            cause = REPEATED
        alerts[(cause, workflows, template)].append((address, close))
    return [_duplicate(cause, workflows, template, found) for (cause, workflows, template), found in alerts.items()]


def _within_span(ordered: list[Communication], span: timedelta) -> list[Communication]:
    """The messages that have a neighbour within ``span`` (a chain of close sends counts whole)."""
    close: set[str] = set()
    for earlier, later in itertools.pairwise(ordered):
        if later.at - earlier.at <= span:
            close |= {earlier.id, later.id}
    return [m for m in ordered if m.id in close]


def _duplicate(
    cause: str, workflows: tuple[str, ...], template: str, found: list[tuple[str, list[Communication]]]
) -> Candidate:
    messages = sorted({m.id for _, group in found for m in group})
    addresses = tuple(sorted(a for a, _ in found))
    return Candidate(
        kind=AlertKind.DUPLICATE_EMAILS,
        cause=f"{cause}|{','.join(workflows)}|{template}",
        workflow_id=workflows[0],
        level=AlertLevel.RED if cause == OVERLAPPING else AlertLevel.YELLOW,
        title=f"Duplicate emails: template '{template}' sent more than once to {len(addresses)} recipient(s)",
        detail=f"{len(messages)} messages from {', '.join(workflows)}; likely cause: {cause.replace('_', ' ')}",
        action=_ADVICE[cause],
        refs=tuple(messages),
        addresses=addresses,
    )


def deliverability(messages: Sequence[Communication], now: datetime, window: timedelta) -> list[Candidate]:
    """Per workflow over ``window``: the share of its emails that failed, were blocked, bounced or drew a
    complaint. All of them = red, at least half = yellow, fewer = blue (Kolleno's bands); none = no alert."""
    by_workflow: dict[str, list[Communication]] = defaultdict(list)
    for message in _workflow_emails(messages):
        if now - window <= message.at <= now and message.status in WENT_OUT | NOT_SENT:
            by_workflow[message.workflow_id or ""].append(message)
    found = []
    for workflow_id, sent in sorted(by_workflow.items()):
        bad = sorted((m for m in sent if m.status in PROBLEM), key=lambda m: (m.at, m.id))
        if not bad:
            continue
        level = (
            AlertLevel.RED
            if len(bad) == len(sent)
            else AlertLevel.YELLOW
            if 2 * len(bad) >= len(sent)
            else AlertLevel.BLUE
        )
        counts: dict[str, int] = defaultdict(int)
        for message in bad:
            counts[message.status.value] += 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        found.append(
            Candidate(
                kind=AlertKind.DELIVERABILITY,
                cause=workflow_id,
                workflow_id=workflow_id,
                level=level,
                title=f"Email deliverability: {len(bad)} of {len(sent)} emails did not reach their recipients",
                detail=f"last {window.days} days: {summary}",
                action="Fix or replace the addresses concerned (contact deliverability), then check the sender "
                "domain's reputation; the contacts marked BOUNCE or COMPLAINT are no longer emailed.",
                refs=tuple(m.id for m in bad),
                addresses=tuple(sorted({a for m in bad for a in m.addresses})),
            )
        )
    return found


def send_failed(
    workflow_id: str, node_id: str, channel: str, messages: Sequence[str], reasons: Sequence[str]
) -> Candidate:
    """The alert for messages of one workflow node that could not be sent (each also left a task)."""
    return Candidate(
        kind=AlertKind.SEND_FAILED,
        cause=f"{workflow_id}|{node_id}",
        workflow_id=workflow_id,
        level=AlertLevel.RED,
        title=f"{channel.upper()} in the workflow '{workflow_id}' (step {node_id}) could not be sent",
        detail="; ".join(sorted(set(reasons)))[:1000],
        action="Open the tasks created for these messages: fix the recipient, template or consent, then resend.",
        refs=tuple(messages),
    )


def send_failures(messages: Sequence[Communication], now: datetime, window: timedelta) -> list[Candidate]:
    """One candidate per workflow step whose messages could not be sent within ``window`` (failed or blocked)."""
    by_step: dict[tuple[str, str, str], list[Communication]] = defaultdict(list)
    for message in messages:
        sent = message.direction is Direction.SENT and message.workflow_id and message.status in NOT_SENT
        if sent and now - window <= message.at <= now:
            by_step[(message.workflow_id or "", message.node_id or "", message.channel.value)].append(message)
    return [
        send_failed(workflow, node, channel, sorted(m.id for m in found), [m.reason or m.status.value for m in found])
        for (workflow, node, channel), found in sorted(by_step.items())
    ]
