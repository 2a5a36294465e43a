"""Compose and send one workflow message: template, recipients, consent, frequency cap, provider, retry policy.

Returns the action outcome for the run; every message, sent or not, is written to the communications log
(what pause rules, explain and alerts read), and a message that cannot go out leaves a task and a note. Email is
composed here; SMS in ``shared.usecases.sms_messages``, with the same log, not-sent and retry helpers (``Outgoing``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.ses import OutgoingEmail, Rejected, Throttled
from shared.domain.calendar import local_date
from shared.domain.engine.progress import ActionOutcome
from shared.domain.engine.run import RunState
from shared.domain.engine.timing import send_rules
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Direction,
    Payment,
    Task,
)
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.messaging.frequency import FrequencyCap, check_cap
from shared.domain.messaging.recipients import Person, RecipientResolution, resolve_recipients
from shared.domain.messaging.retry import FailureKind, next_attempt
from shared.domain.templates import RenderedMessage, RenderFailed, Template, build_context, render
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import SendEmail, SendSms
from shared.errors import RetryableError
from shared.usecases.consent import opted_out
from shared.usecases.sms_messages import send_sms

Result = tuple[ActionOutcome, dict[str, Any]]
Compose = Callable[[Contact | None], RenderedMessage]  # renders the template for one recipient (RenderFailed)


@dataclass(frozen=True)
class Outgoing:
    """One workflow message being sent: what its log entries, its not-sent task and its retries need."""

    ledger: Any  # LedgerRepository
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
    def sent_note(addresses: Iterable[str], refused: set[str]) -> str:
        left_out = f"; left out (opted out): {', '.join(sorted(refused))}" if refused else ""
        return f"sent to {', '.join(addresses)}{left_out}"


@dataclass
class Messenger:
    templates: Any  # TemplateRepository
    ledger: Any  # LedgerRepository
    mailer: Any  # SesMailer
    texter: Any = None  # SmsSender: EndUserMessagingSms, or FakeSms locally; None: SMS is not configured
    consents: Any = None  # ConsentRegistry; None: nobody has opted out
    actions: Any = None  # ActionLog: one exactly-once marker per SMS (shared.usecases.sms_messages)

    def send(
        self,
        workflow: Workflow,
        run: RunState,
        node: SendEmail | SendSms,
        view: CustomerLedger,
        tenant: TenantSettings,
        key: str,
        action: dict[str, Any],
        now: datetime,
    ) -> Result:
        job = Outgoing(self.ledger, workflow, run, node, tenant, key, now)
        channel = job.channel
        if channel is Channel.SMS and (self.texter is None or self.actions is None):
            return job.not_sent("SMS sending is not configured")
        template: Template | None = self.templates.get(tenant.tenant_id, node.template)
        if template is None:
            return job.not_sent(f"template '{node.template}' is missing")
        if template.channel != channel.value:
            return job.not_sent(f"template '{node.template}' is for {template.channel}, not {channel.value}")
        settings = self.templates.settings(tenant.tenant_id)
        owner = settings.users.get(view.customer.account_owner_id or "")
        invoice = view.invoice(run.record_id) if run.level is Level.INVOICE else None
        # a payment-level run's message is about its payment ({{ payment.amount }} …)
        payment = (
            next((p for p in view.payments if p.id == run.record_id), None) if run.level is Level.PAYMENT else None
        )
        recipients = resolve_recipients(
            node.recipients,
            view,
            level=run.level,
            invoice=invoice,
            run_contact=view.contact(run.record_id) if run.level is Level.CONTACT else None,
            account_owner=Person(name=owner.name, email=owner.email) if owner else None,
            policy=tenant.blocked_contact_policy,
            channel="sms" if channel is Channel.SMS else "email",
        )
        if not recipients.sendable:
            note = recipients.timeline_note or recipients.reason
            return job.not_sent(note, blocked=bool(recipients.blocked))
        refused = self._opted_out(job, recipients)
        if all(address_of(p, channel) in refused for p in recipients.to):
            nobody = sorted(address_of(p, channel) for p in recipients.to)
            return job.not_sent(f"not sent: {', '.join(nobody)} opted out", blocked=True)
        cap = _cap(tenant, channel)
        if cap is not None:
            verdict = check_cap(cap, view.communications, now, tenant.timezone)
            if not verdict.allowed and verdict.defer_until is not None:
                return "deferred", {"retry_at": verdict.defer_until.isoformat(), "note": verdict.reason}

        def compose(contact: Contact | None) -> RenderedMessage:
            context = build_context(
                view,
                tenant=tenant,
                now=now,
                invoice_ids=action.get("invoice_ids", ()),
                invoice_id=invoice.id if invoice else None,
                contact=contact,
                users=settings.users,
                links=settings.links,
                payment=payment if isinstance(payment, Payment) else None,
            )
            language = (contact.language if contact else None) or view.customer.language
            return render(template, context, language=language)

        if channel is Channel.SMS:
            return send_sms(self.texter, self.actions, job, recipients, refused, view, compose, action)
        return self._email(job, recipients, refused, view, compose, action)

    def _opted_out(self, job: Outgoing, recipients: RecipientResolution) -> set[str]:
        if self.consents is None:
            return set()
        addresses = [address_of(p, job.channel) for p in (*recipients.to, *recipients.cc)]
        return opted_out(self.consents, job.tenant.tenant_id, job.channel, addresses)

    def _email(
        self,
        job: Outgoing,
        recipients: RecipientResolution,
        refused: set[str],
        view: CustomerLedger,
        compose: Compose,
        action: dict[str, Any],
    ) -> Result:
        to = tuple(a for p in recipients.to if (a := address_of(p, Channel.EMAIL)) not in refused)
        cc = tuple(a for p in recipients.cc if (a := address_of(p, Channel.EMAIL)) not in refused)
        first = next(p for p in recipients.to if p.email in to)
        try:
            message = compose(view.contact(first.contact_id) if first.contact_id else None)
        except RenderFailed as error:
            return job.not_sent(f"the template failed: {error}")
        tenant = job.tenant
        headers = (
            {"List-Unsubscribe": f"<mailto:{tenant.sender_email}?subject=unsubscribe>"}
            if tenant.list_unsubscribe
            else {}
        )
        email = OutgoingEmail(
            sender=tenant.sender_email,
            to=to,
            cc=cc,
            subject=message.subject or "",
            html=message.html,
            text=message.text,
            reply_to=(tenant.reply_to,) if tenant.reply_to else (),
            tags={"tenant": tenant.tenant_id, "run": job.run.run_id, "communication": job.key},
            headers=headers,
        )
        try:
            message_id = self.mailer.send(email)
        except Throttled:
            return job.retry(FailureKind.THROTTLED)
        except Rejected as error:
            return job.not_sent(str(error))
        except RetryableError:
            return job.retry(FailureKind.TRANSIENT)
        invoice_ids = action.get("invoice_ids", ())
        job.log(CommunicationStatus.SENT, to + cc, subject=email.subject, invoice_ids=invoice_ids, source_id=message_id)
        return "done", {"note": job.sent_note(to, refused), "message_id": message_id}


def address_of(person: Person, channel: Channel) -> str:
    """The person's address on the channel (resolved recipients always have one)."""
    return (person.phone if channel is Channel.SMS else person.email) or ""


def _cap(tenant: TenantSettings, channel: Channel) -> FrequencyCap | None:
    """The tenant's contact-frequency limits, counted on the message's own channel: an SMS does not use up the
    day's email allowance, nor an email the SMS one."""
    if tenant.max_emails_per_day is None and tenant.max_emails_per_week is None:
        return None
    return FrequencyCap(
        per_day=tenant.max_emails_per_day, per_week=tenant.max_emails_per_week, channels=frozenset({channel})
    )
