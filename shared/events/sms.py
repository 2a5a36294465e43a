"""AWS End User Messaging SMS delivery events ("Text Message Delivery Status Updated", source ``aws.sms-voice``),
as EventBridge delivers them from the default bus (forwarded to ours by the CDK app)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SMS_SOURCE = "aws.sms-voice"
SMS_EVENT_TYPE = "Text Message Delivery Status Updated"
DELIVERED = frozenset({"SUCCESSFUL", "DELIVERED"})
NOT_YET = frozenset({"PENDING", "QUEUED"})  # intermediate statuses: a final event follows (within 72 h)


class SmsDeliveryEvent(BaseModel):
    """The status of one text message (intermediate or final); ``context`` holds the tenant, run and
    communication ids our adapter set."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    event_type: str = Field(alias="eventType")
    is_final: bool = Field(alias="isFinal")
    message_id: str = Field(alias="messageId")
    status: str = Field(
        alias="messageStatus", description="SUCCESSFUL or DELIVERED: delivered; PENDING or QUEUED: a final one follows"
    )
    description: str = Field(default="", alias="messageStatusDescription")
    destination: str = Field(default="", alias="destinationPhoneNumber")
    timestamp_ms: int = Field(alias="eventTimestamp", description="unix time in milliseconds")
    context: dict[str, str] = Field(
        default_factory=dict, description="what our adapter sent with the text: tenant, run, communication"
    )

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp_ms / 1000, tz=UTC)

    @property
    def delivered(self) -> bool:
        return self.status in DELIVERED

    @property
    def undelivered(self) -> bool:
        """A final status that is not a delivery: blocked, invalid, unreachable, expired, spam, unknown …"""
        return self.is_final and not self.delivered and self.status not in NOT_YET


def sms_events(event: dict[str, Any]) -> list[SmsDeliveryEvent]:
    """The SMS delivery event in a Lambda event from an EventBridge rule; none for any other source."""
    if event.get("source") != SMS_SOURCE or event.get("detail-type") != SMS_EVENT_TYPE:
        return []
    return [SmsDeliveryEvent.model_validate(event["detail"])]
