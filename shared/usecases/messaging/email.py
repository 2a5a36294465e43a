"""The email channel: one message to every To and CC recipient not opted out, rendered for the first of them."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.ledger.models import Channel, CommunicationStatus
from shared.domain.messaging.retry import FailureKind
from shared.domain.templates import RenderFailed
from shared.errors import Rejected, RetryableError, Throttled
from shared.ports import Mailer, OutgoingEmail
from shared.usecases.messaging.outgoing import Addressed, Outgoing, Result, address_of


@dataclass(frozen=True)
class EmailChannel:
    mailer: Mailer

    def deliver(self, job: Outgoing, message: Addressed) -> Result:
        recipients, refused = message.recipients, message.refused
        to = tuple(a for p in recipients.to if (a := address_of(p, Channel.EMAIL)) not in refused)
        cc = tuple(a for p in recipients.cc if (a := address_of(p, Channel.EMAIL)) not in refused)
        first = next(p for p in recipients.to if p.email in to)
        try:
            rendered = message.render_for(first)
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
            subject=rendered.subject or "",
            html=rendered.html,
            text=rendered.text,
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
        job.log(
            CommunicationStatus.SENT,
            to + cc,
            subject=email.subject,
            invoice_ids=message.invoice_ids,
            source_id=message_id,
        )
        return "done", {"note": job.sent_note(to, refused), "message_id": message_id}
