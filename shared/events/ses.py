"""SES event-publishing records (bounce, complaint, delivery, reject), from EventBridge or SNS.

Powertools' ``SesModel`` is for inbound mail, so these are our own models, after the record shapes of the SES
developer guide (the fields we read are listed in docs/events.md). Unknown fields are ignored: AWS adds fields
over time.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Mail(_Record):
    message_id: str = Field(alias="messageId")
    timestamp: AwareDatetime
    destination: list[str] = []
    tags: dict[str, list[str]] = Field(
        default={}, description="the message's tags: ours are tenant, run and communication (shared.adapters.ses)"
    )

    def tag(self, name: str) -> str | None:
        values = self.tags.get(name)
        return values[0] if values else None


class BouncedRecipient(_Record):
    email_address: str = Field(alias="emailAddress")
    diagnostic_code: str | None = Field(default=None, alias="diagnosticCode")


class Bounce(_Record):
    bounce_type: Literal["Permanent", "Transient", "Undetermined"] = Field(alias="bounceType")
    bounce_sub_type: str = Field(alias="bounceSubType")
    bounced_recipients: list[BouncedRecipient] = Field(alias="bouncedRecipients")
    timestamp: AwareDatetime
    feedback_id: str = Field(alias="feedbackId")


class ComplainedRecipient(_Record):
    email_address: str = Field(alias="emailAddress")


class Complaint(_Record):
    complained_recipients: list[ComplainedRecipient] = Field(alias="complainedRecipients")
    timestamp: AwareDatetime
    feedback_id: str = Field(alias="feedbackId")
    complaint_feedback_type: str | None = Field(default=None, alias="complaintFeedbackType")


class Delivery(_Record):
    timestamp: AwareDatetime
    recipients: list[str]


class Reject(_Record):
    reason: str


class SesEvent(_Record):
    """One SES event-publishing record: ``eventType`` says which of ``bounce``, ``complaint``, ``delivery`` and
    ``reject`` it carries; ``mail.tags`` hold the tenant, run and communication ids our adapter set."""

    event_type: str = Field(alias="eventType", description="Bounce, Complaint, Delivery, Reject …")
    mail: Mail
    bounce: Bounce | None = None
    complaint: Complaint | None = None
    delivery: Delivery | None = None
    reject: Reject | None = None


def ses_events(event: dict[str, Any]) -> list[SesEvent]:
    """The SES records in a Lambda event: an EventBridge event (``detail``) or an SNS batch (``Records``)."""
    if "detail" in event:
        return [SesEvent.model_validate(event["detail"])]
    records = event.get("Records", [])
    return [SesEvent.model_validate(json.loads(r["Sns"]["Message"])) for r in records if "Sns" in r]
