"""Compose and send one workflow message: template, recipients, frequency cap, provider, retry policy.

Returns the action outcome for the run; every message, sent or not, is written to the communications log
(what pause rules, explain and alerts read), and a message that cannot go out leaves a task and a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.ses import OutgoingEmail, Rejected, Throttled
from shared.domain.calendar import local_date
from shared.domain.engine.progress import ActionOutcome
from shared.domain.engine.run import RunState
from shared.domain.engine.timing import send_rules
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction, Task
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.messaging.frequency import FrequencyCap, check_cap
from shared.domain.messaging.recipients import Person, resolve_recipients
from shared.domain.messaging.retry import FailureKind, next_attempt
from shared.domain.templates import RenderFailed, build_context, render
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import SendEmail, SendSms
from shared.errors import RetryableError

Result = tuple[ActionOutcome, dict[str, Any]]


@dataclass
class Messenger:
    templates: Any  # TemplateRepository
    ledger: Any  # LedgerRepository
    mailer: Any  # SesMailer

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
        if isinstance(node, SendSms):
            return self._not_sent(workflow, run, node, key, now, Channel.SMS, "SMS sending is not configured")
        template = self.templates.get(tenant.tenant_id, node.template)
        if template is None:
            return self._not_sent(
                workflow, run, node, key, now, Channel.EMAIL, f"template '{node.template}' is missing"
            )
        settings = self.templates.settings(tenant.tenant_id)
        owner = settings.users.get(view.customer.account_owner_id or "")
        invoice = view.invoice(run.record_id) if run.level is Level.INVOICE else None
        recipients = resolve_recipients(
            node.recipients,
            view,
            level=run.level,
            invoice=invoice,
            run_contact=view.contact(run.record_id) if run.level is Level.CONTACT else None,
            account_owner=Person(name=owner.name, email=owner.email) if owner else None,
            policy=tenant.blocked_contact_policy,
            channel="email",
        )
        if not recipients.sendable:
            note = recipients.timeline_note or recipients.reason
            return self._not_sent(workflow, run, node, key, now, Channel.EMAIL, note, blocked=bool(recipients.blocked))
        cap = _cap(tenant)
        if cap is not None:
            verdict = check_cap(cap, view.communications, now, tenant.timezone)
            if not verdict.allowed and verdict.defer_until is not None:
                return "failed_retryable", {"retry_at": verdict.defer_until.isoformat(), "note": verdict.reason}
        first = recipients.to[0]
        contact = view.contact(first.contact_id) if first.contact_id else None
        try:
            context = build_context(
                view,
                tenant=tenant,
                now=now,
                invoice_ids=action.get("invoice_ids", ()),
                invoice_id=invoice.id if invoice else None,
                contact=contact,
                users=settings.users,
                links=settings.links,
            )
            message = render(
                template, context, language=(contact.language if contact else None) or view.customer.language
            )
        except RenderFailed as error:
            return self._not_sent(workflow, run, node, key, now, Channel.EMAIL, f"the template failed: {error}")
        to = tuple(p.email for p in recipients.to if p.email)
        cc = tuple(p.email for p in recipients.cc if p.email)
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
            tags={"tenant": tenant.tenant_id, "run": run.run_id, "communication": key},
            headers=headers,
        )
        try:
            message_id = self.mailer.send(email)
        except Throttled:
            return self._retry(FailureKind.THROTTLED, workflow, run, node, tenant, key, now)
        except Rejected as error:
            return self._not_sent(workflow, run, node, key, now, Channel.EMAIL, str(error))
        except RetryableError:
            return self._retry(FailureKind.TRANSIENT, workflow, run, node, tenant, key, now)
        self._log(
            run,
            node,
            key,
            now,
            Channel.EMAIL,
            CommunicationStatus.SENT,
            to + cc,
            message.subject or "",
            action.get("invoice_ids", ()),
            source_id=message_id,
        )
        return "done", {"note": f"sent to {', '.join(to)}", "message_id": message_id}

    def _retry(
        self,
        failure: FailureKind,
        workflow: Workflow,
        run: RunState,
        node: SendEmail | SendSms,
        tenant: TenantSettings,
        key: str,
        now: datetime,
    ) -> Result:
        rules = send_rules(workflow, tenant, node, None)
        decision = next_attempt(
            failure,
            mode=node.send.mode,
            attempt=run.attempt,
            original_slot=run.node_entered_at,
            failed_at=now,
            rules=rules,
            action_key=key,
            workflow_name=workflow.name,
        )
        if decision.give_up or decision.retry_at is None:
            return self._not_sent(
                workflow, run, node, key, now, Channel.EMAIL, decision.timeline_note or decision.reason
            )
        return "failed_retryable", {"retry_at": decision.retry_at.isoformat(), "note": decision.reason}

    def _not_sent(
        self,
        workflow: Workflow,
        run: RunState,
        node: SendEmail | SendSms,
        key: str,
        now: datetime,
        channel: Channel,
        note: str,
        *,
        blocked: bool = False,
    ) -> Result:
        """Kolleno's policy: a task "… could not be sent" and a timeline note, instead of retrying for ever."""
        kind = "EMAIL" if channel is Channel.EMAIL else "SMS"
        status = CommunicationStatus.BLOCKED if blocked else CommunicationStatus.FAILED
        self._log(run, node, key, now, channel, status, (), "", (), reason=note)
        self.ledger.put(
            Task(
                tenant_id=run.tenant_id,
                id=f"{key}-failed",
                customer_id=run.customer_id,
                title=f"{kind} in the workflow '{workflow.name}' could not be sent.",
                due_on=local_date(now, "UTC") + timedelta(days=1),
                created_at=now,
                run_id=run.run_id,
                node_id=node.id,
            ),
            force=True,
        )
        return "failed_permanent", {"note": note}

    def _log(
        self,
        run: RunState,
        node: SendEmail | SendSms,
        key: str,
        now: datetime,
        channel: Channel,
        status: CommunicationStatus,
        addresses: tuple[str, ...],
        subject: str,
        invoice_ids: Any,
        *,
        source_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.ledger.put(
            Communication(
                tenant_id=run.tenant_id,
                id=key,
                source_id=source_id,
                customer_id=run.customer_id,
                direction=Direction.SENT,
                channel=channel,
                at=now,
                status=status,
                addresses=addresses,
                subject=subject,
                template_id=node.template,
                invoice_ids=tuple(invoice_ids),
                workflow_id=run.workflow_id,
                run_id=run.run_id,
                node_id=node.id,
                automated=True,
                reason=reason,
            ),
            force=True,
        )


def _cap(tenant: TenantSettings) -> FrequencyCap | None:
    if tenant.max_emails_per_day is None and tenant.max_emails_per_week is None:
        return None
    return FrequencyCap(
        per_day=tenant.max_emails_per_day, per_week=tenant.max_emails_per_week, channels=frozenset({Channel.EMAIL})
    )
