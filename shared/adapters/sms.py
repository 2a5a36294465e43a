"""SMS through AWS End User Messaging SMS (``pinpoint-sms-voice-v2``): transactional text messages from one
origination identity, published to a configuration set whose event destinations report delivery, with
``Context`` carrying tenant, run and communication ids (they come back on every delivery event).

moto does not implement this service: the local runtime injects ``emulator.fake_sms.FakeSms`` in its place.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from shared.errors import RetryableError, SmsOptedOut, SmsRejected, SmsThrottled
from shared.ports import OutgoingSms

THROTTLED = {"ThrottlingException"}
# The request can never succeed as sent: a number the service cannot use, a blocked destination, our own
# configuration (an unknown or inactive origination identity or configuration set, a missing permission).
REJECTED = {"ValidationException", "ConflictException", "ResourceNotFoundException", "AccessDeniedException"}
OPTED_OUT_REASONS = {"DESTINATION_PHONE_NUMBER_OPTED_OUT"}
BLOCKED_REASONS = {
    "DESTINATION_COUNTRY_BLOCKED",
    "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
    "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE",
}
_CONTEXT_KEY_LIMIT, _CONTEXT_VALUE_LIMIT = 100, 800


class EndUserMessagingSms:
    def __init__(self, configuration_set: str, origination_identity: str, *, client: Any = None) -> None:
        self._configuration_set = configuration_set
        self._origination_identity = origination_identity
        self._given_client = client

    @cached_property
    def _client(self) -> Any:
        return self._given_client or boto3.client("pinpoint-sms-voice-v2")

    def send(self, sms: OutgoingSms) -> str:
        """Send one transactional SMS and return the service's message id.

        Parameters
        ----------
        sms : OutgoingSms
            The destination in E.164, the text as sent, and the correlation context.

        Returns
        -------
        str
            The message id, which delivery-status events carry.

        Raises
        ------
        SmsThrottled
            On throttling.
        SmsOptedOut, SmsRejected
            When the number opted out, or the request can never succeed.
        RetryableError
            On any other service error (internal errors, quotas such as a spend limit).
        """
        request: dict[str, Any] = {
            "DestinationPhoneNumber": sms.to_e164,
            "MessageBody": sms.body,
            "MessageType": "TRANSACTIONAL",
        }
        if self._origination_identity:
            request["OriginationIdentity"] = self._origination_identity
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        context = _context(sms.context)
        if context:
            request["Context"] = context
        try:
            message_id: str = self._client.send_text_message(**request)["MessageId"]
        except ClientError as error:
            raise _typed(error) from error
        return message_id


def _typed(error: ClientError) -> Exception:
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    # botocore keeps the error shape's other members beside Error: Reason sits at the top level.
    reason = str(error.response.get("Reason") or details.get("Reason") or "")
    if code in THROTTLED:
        return SmsThrottled(code)
    if code in REJECTED:
        kind = SmsOptedOut if reason in OPTED_OUT_REASONS else SmsRejected
        return kind(code, reason, details.get("Message", ""))
    return RetryableError(f"{code} ({reason})" if reason else code)


def _context(values: dict[str, str]) -> dict[str, str]:
    """Context keys allow no whitespace; values must not start or end with it; empty entries are dropped."""
    cleaned = {"".join(k.split())[:_CONTEXT_KEY_LIMIT]: v.strip()[:_CONTEXT_VALUE_LIMIT] for k, v in values.items()}
    return {k: v for k, v in cleaned.items() if k and v}
