"""Email through SES v2: a configuration set for event publishing, message tags that carry tenant, run and
communication ids (they come back on bounce and complaint events), and optional List-Unsubscribe headers."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from shared.errors import Rejected, RetryableError, Throttled
from shared.ports import OutgoingEmail

THROTTLED = {"TooManyRequestsException", "ThrottlingException", "LimitExceededException", "SendingPausedException"}
REJECTED = {"MessageRejected", "MailFromDomainNotVerifiedException", "BadRequestException", "NotFoundException"}


class SesMailer:
    def __init__(self, configuration_set: str) -> None:
        self._configuration_set = configuration_set

    @cached_property
    def _client(self) -> Any:
        return boto3.client("sesv2")

    def send(self, email: OutgoingEmail) -> str:
        """Send and return SES's message id."""
        body: dict[str, Any] = {}
        if email.html is not None:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        if email.text is not None:
            body["Text"] = {"Data": email.text, "Charset": "UTF-8"}
        simple: dict[str, Any] = {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body}
        if email.headers:
            simple["Headers"] = [{"Name": k, "Value": v} for k, v in email.headers.items()]
        request: dict[str, Any] = {
            "FromEmailAddress": email.sender,
            "Destination": {"ToAddresses": list(email.to), "CcAddresses": list(email.cc)},
            "Content": {"Simple": simple},
            "EmailTags": [{"Name": k, "Value": _tag_value(v)} for k, v in email.tags.items()],
        }
        if email.reply_to:
            request["ReplyToAddresses"] = list(email.reply_to)
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            message_id: str = self._client.send_email(**request)["MessageId"]
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in THROTTLED:
                raise Throttled(code) from error
            if code in REJECTED:
                raise Rejected(f"{code}: {error.response['Error'].get('Message', '')}") from error
            raise RetryableError(code) from error
        return message_id


def _tag_value(value: str) -> str:
    """SES tag values allow only letters, digits, '_', '-', '.', '@' (and 256 characters)."""
    return "".join(c if c.isalnum() or c in "_-.@" else "_" for c in value)[:256]
