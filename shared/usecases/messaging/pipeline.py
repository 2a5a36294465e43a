"""Compose and send one workflow message: template, recipients, consent, frequency cap, then the channel's delivery
(``ChannelDelivery``) with the retry policy.

Returns the action outcome for the run; every message, sent or not, is written to the communications log
(what pause rules, explain and alerts read), and a message that cannot go out leaves a task and a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.engine.run import RunState
from shared.domain.ledger.models import Channel, Contact, Payment
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.messaging.frequency import FrequencyCap, check_cap
from shared.domain.messaging.recipients import Person, RecipientResolution, resolve_recipients
from shared.domain.templates import RenderedMessage, Template, build_context, render
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import SendEmail, SendSms
from shared.ports import ConsentRegistry, LedgerStore, TemplateStore
from shared.usecases.consent import opted_out
from shared.usecases.messaging.outgoing import Addressed, ChannelDelivery, Outgoing, Result, address_of


@dataclass
class Messenger:
    templates: TemplateStore
    ledger: LedgerStore
    consents: ConsentRegistry
    channels: Mapping[Channel, ChannelDelivery]  # a channel missing here is "not configured"

    def send(
        self,
        workflow: Workflow,
        run: RunState,
        node: SendEmail | SendSms,
        view: CustomerLedger,
        tenant: TenantSettings,
        key: str,
        invoice_ids: Sequence[str],
        now: datetime,
    ) -> Result:
        job = Outgoing(self.ledger, workflow, run, node, tenant, key, now)
        channel = job.channel
        delivery = self.channels.get(channel)
        if delivery is None:
            return job.not_sent(f"{channel.value.upper()} sending is not configured")
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
                invoice_ids=invoice_ids,
                invoice_id=invoice.id if invoice else None,
                contact=contact,
                users=settings.users,
                links=settings.links,
                payment=payment if isinstance(payment, Payment) else None,
            )
            language = (contact.language if contact else None) or view.customer.language
            return render(template, context, language=language)

        return delivery.deliver(job, Addressed(recipients, refused, view, compose, tuple(invoice_ids)))

    def _opted_out(self, job: Outgoing, recipients: RecipientResolution) -> frozenset[str]:
        addresses = [address_of(p, job.channel) for p in (*recipients.to, *recipients.cc)]
        return frozenset(opted_out(self.consents, job.tenant.tenant_id, job.channel, addresses))


def _cap(tenant: TenantSettings, channel: Channel) -> FrequencyCap | None:
    """The tenant's contact-frequency limits, counted on the message's own channel: an SMS does not use up the
    day's email allowance, nor an email the SMS one."""
    if tenant.max_emails_per_day is None and tenant.max_emails_per_week is None:
        return None
    return FrequencyCap(
        per_day=tenant.max_emails_per_day, per_week=tenant.max_emails_per_week, channels=frozenset({channel})
    )
