"""What every channel's delivery shares: the message being sent (its log entries, its not-sent task, its retries)
and the message ready for its channel (recipients, opt-outs, rendering)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.domain.calendar import local_date
from shared.domain.engine.progress import ActionOutcome
from shared.domain.engine.run import RunState
from shared.domain.engine.timing import send_rules
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Contact, Direction, Task
from shared.domain.ledger.views import CustomerLedger
from shared.domain.messaging.recipients import Person, RecipientResolution
from shared.domain.messaging.retry import FailureKind, next_attempt
from shared.domain.templates import RenderedMessage
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import SendEmail, SendSms
from shared.ports import LedgerStore

Result = tuple[ActionOutcome, dict[str, Any]]
Compose = Callable[[Contact | None], RenderedMessage]  # renders the template for one recipient (RenderFailed)


@dataclass(frozen=True)
class Outgoing:
    """One workflow message being sent: what its log entries, its not-sent task and its retries need."""

    ledger: LedgerStore
    workflow: Workflow
    run: RunState
    node: SendEmail | SendSms
    tenant: TenantSettings
    key: str
    now: datetime

    @property
    def channel(self) -> Channel:
        return Channel.SMS if isinstance(self.node, SendSms) else Channel.EMAIL

    def log(
        self,
        status: CommunicationStatus,
        addresses: tuple[str, ...] = (),
        *,
        communication_id: str | None = None,
        subject: str = "",
        body_text: str = "",
        invoice_ids: Iterable[str] = (),
        source_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Write the message (or one SMS of it: ``communication_id``) to the communications log."""
        run = self.run
        self.ledger.put(
            Communication(
                tenant_id=run.tenant_id,
                id=communication_id or self.key,
                source_id=source_id,
                customer_id=run.customer_id,
                direction=Direction.SENT,
                channel=self.channel,
                at=self.now,
                status=status,
                addresses=addresses,
                subject=subject,
                body_text=body_text,
                template_id=self.node.template,
                invoice_ids=tuple(invoice_ids),
                workflow_id=run.workflow_id,
                run_id=run.run_id,
                node_id=self.node.id,
                automated=True,
                reason=reason,
            ),
            force=True,
        )

    def not_sent(self, note: str, *, blocked: bool = False) -> Result:
        """Kolleno's policy: a task "… could not be sent" and a timeline note, instead of retrying for ever."""
        kind = "EMAIL" if self.channel is Channel.EMAIL else "SMS"
        self.log(CommunicationStatus.BLOCKED if blocked else CommunicationStatus.FAILED, reason=note)
        self.ledger.put(
            Task(
                tenant_id=self.run.tenant_id,
                id=f"{self.key}-failed",
                customer_id=self.run.customer_id,
                title=f"{kind} in the workflow '{self.workflow.name}' could not be sent.",
                due_on=local_date(self.now, "UTC") + timedelta(days=1),
                created_at=self.now,
                run_id=self.run.run_id,
                node_id=self.node.id,
            ),
            force=True,
        )
        return "failed_permanent", {"note": note}

    def retry(self, failure: FailureKind) -> Result:
        """Schedule the next attempt by the retry policy, or give up (a task and a note)."""
        decision = next_attempt(
            failure,
            mode=self.node.send.mode,
            attempt=self.run.attempt,
            original_slot=self.run.node_entered_at,
            failed_at=self.now,
            rules=send_rules(self.workflow, self.tenant, self.node, None),
            action_key=self.key,
            workflow_name=self.workflow.name,
            channel="sms" if self.channel is Channel.SMS else "email",
            throttles=self.run.throttles,
        )
        if decision.give_up or decision.retry_at is None:
            return self.not_sent(decision.timeline_note or decision.reason)
        outcome: ActionOutcome = "failed_retryable" if decision.counts_as_failure else "deferred"
        return outcome, {"retry_at": decision.retry_at.isoformat(), "note": decision.reason}

    @staticmethod
    def sent_note(addresses: Iterable[str], refused: Iterable[str]) -> str:
        left = sorted(refused)
        left_out = f"; left out (opted out): {', '.join(left)}" if left else ""
        return f"sent to {', '.join(addresses)}{left_out}"


@dataclass(frozen=True)
class Addressed:
    """A message ready for its channel: who gets it, which addresses opted out, how to render it for one
    recipient, and the invoices it is about."""

    recipients: RecipientResolution
    refused: frozenset[str]
    view: CustomerLedger
    compose: Compose
    invoice_ids: tuple[str, ...]

    def render_for(self, person: Person) -> RenderedMessage:
        """Each recipient's own message: their name, their language (RenderFailed when the template fails)."""
        return self.compose(self.view.contact(person.contact_id) if person.contact_id else None)


class ChannelDelivery(Protocol):
    """A channel's strategy: send the addressed message and return the action outcome. Everything before (template,
    recipients, consent, frequency cap) is the pipeline's, the same for every channel."""

    def deliver(self, job: Outgoing, message: Addressed) -> Result: ...


def address_of(person: Person, channel: Channel) -> str:
    """The person's address on the channel (resolved recipients always have one)."""
    return (person.phone if channel is Channel.SMS else person.email) or ""
