"""The SMS channel: one text per To recipient, each sent at most once.

Every SMS has its own exactly-once marker, ``{action_key}:{n}`` (n: the recipient's position among the resolved
To recipients, counted before opted-out numbers are left out, so an opt-out between two attempts moves nobody),
which records the number and the provider's message id. A replayed step, or the retry of a step that reached only
some recipients, finds the marker and sends nothing more to them; a marker an attempt left claimed (it died
mid-send) is never sent again. Each SMS sent is one entry of the communications log, with the same id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aws_lambda_powertools import Logger

from shared.domain.ledger.models import CommunicationStatus
from shared.domain.messaging.retry import FailureKind
from shared.domain.templates import RenderFailed
from shared.errors import RetryableError, SmsOptedOut, SmsRejected, SmsThrottled
from shared.ports import ActionMarkers, OutgoingSms, SmsSender
from shared.usecases.messaging.outgoing import Addressed, Outgoing, Result

logger = Logger(child=True)
Previous = Literal["send", "sent", "not_again"]


@dataclass(frozen=True)
class SmsChannel:
    texter: SmsSender
    actions: ActionMarkers  # where the per-SMS exactly-once markers live

    def deliver(self, job: Outgoing, message: Addressed) -> Result:
        """Send the step's SMS, one per To recipient not opted out (numbers in E.164), and return the outcome:
        ``done`` when at least one SMS went out (now or by an earlier attempt); ``failed_retryable`` with
        ``retry_at`` on throttling or a transient error (the policy of ``shared.domain.messaging.retry``);
        otherwise ``failed_permanent`` with a task and a note."""
        refused = message.refused
        wanted = [(n, p) for n, p in enumerate(message.recipients.to) if p.phone and p.phone not in refused]
        # Render every text first: a template that fails for one recipient sends to none.
        try:
            texts = [(n, person, message.render_for(person)) for n, person in wanted]
        except RenderFailed as error:
            return job.not_sent(f"the template failed: {error}")
        sent: list[tuple[str, str]] = []  # (number, message id), by this attempt or an earlier one
        failed: list[str] = []
        segments = 0
        for n, person, rendered in texts:
            number, key, text = person.phone or "", f"{job.key}:{n}", rendered.text or ""
            marker = self.actions.claim(job.run.tenant_id, key, job.run.run_id, job.node.id, job.now)
            previous, detail = _previous(marker, number)
            if previous == "sent":
                sent.append((number, str(detail["message_id"])))
                segments += int(detail.get("segments", 1))
                continue
            if previous == "not_again":
                failed.append(f"{number}: {detail['reason']}")
                continue
            sms = OutgoingSms(number, text, {"tenant": job.run.tenant_id, "run": job.run.run_id, "communication": key})
            try:
                message_id = self.texter.send(sms)
            except RetryableError as error:
                self.actions.complete(job.run.tenant_id, key, "failed_retryable", {"to": number, "reason": str(error)})
                kind = FailureKind.THROTTLED if isinstance(error, SmsThrottled) else FailureKind.TRANSIENT
                logger.info("sms deferred", extra={"action_key": job.key, "sms": key, "failure": kind.value})
                return job.retry(kind)  # this number and the ones after it are sent by the retry
            except SmsRejected as error:
                reason = "opted out (the provider's list)" if isinstance(error, SmsOptedOut) else str(error)
                self.actions.complete(job.run.tenant_id, key, "failed_permanent", {"to": number, "reason": reason})
                failed.append(f"{number}: {reason}")
                continue
            size = rendered.segments or 1
            self.actions.complete(
                job.run.tenant_id, key, "sent", {"to": number, "message_id": message_id, "segments": size}
            )
            job.log(
                CommunicationStatus.SENT,
                (number,),
                communication_id=key,
                body_text=text,
                invoice_ids=message.invoice_ids,
                source_id=message_id,
            )
            sent.append((number, message_id))
            segments += size
            logger.info("sms sent", extra={"action_key": job.key, "sms": key, "segments": size})
        if not sent:
            return job.not_sent("; ".join(failed) or "no SMS could be sent")
        note = job.sent_note((number for number, _ in sent), refused)
        if failed:
            note += f"; not sent: {'; '.join(failed)}"
        return "done", {"note": note, "message_ids": [m for _, m in sent], "segments": segments}


def _previous(marker: Mapping[str, Any] | None, number: str) -> tuple[Previous, Mapping[str, Any]]:
    """What an earlier attempt did for this SMS, and the marker's detail (its reason when not sent again)."""
    if marker is None:
        return "send", {}
    detail: Mapping[str, Any] = marker.get("detail") or {}
    if marker.get("status") != "DONE":
        # Claimed, never completed: that attempt died mid-send and the SMS may have gone out. At most once.
        return "not_again", {"reason": "an earlier attempt was interrupted; not sent again"}
    if detail.get("to") != number:
        # The position holds another number: the contacts changed between attempts. Never guess.
        return "not_again", {"reason": "the recipients changed since an earlier attempt; not sent"}
    outcome = marker.get("outcome")
    if outcome == "sent":
        return "sent", detail
    if outcome == "failed_retryable":
        return "send", detail  # the provider refused it for the moment: nothing went out
    return "not_again", {"reason": detail.get("reason", "rejected")}
