"""Opt-outs and opt-ins that customers send us: an inbound SMS keyword (STOP, START …) updates the registry.

No handler calls it yet: inbound SMS reach AWS End User Messaging's two-way SNS topic, whose subscriber is still
to be built; it will parse the notification and call ``record_inbound_sms``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aws_lambda_powertools import Logger

from shared.domain.ledger.models import Channel
from shared.domain.messaging.consent import (
    ConsentState,
    interpret_inbound_sms,
    may_send,
)
from shared.domain.messaging.phone import InvalidPhone, normalise_phone
from shared.ports import ConsentRegistry

logger = Logger(child=True)


def opted_out(consents: ConsentRegistry, tenant_id: str, channel: Channel, addresses: Iterable[str]) -> set[str]:
    """The addresses among ``addresses`` that may not receive automated messages on ``channel``."""
    wanted = list(dict.fromkeys(addresses))
    states = consents.states(tenant_id, channel, wanted) if wanted else []
    return {address for address in wanted if not may_send(states, channel, address)}


def record_inbound_sms(
    consents: ConsentRegistry, tenant_id: str, from_number: str, text: str, at: datetime
) -> ConsentState | None:
    """Apply an inbound SMS's keyword to the tenant's SMS opt-out registry.

    Parameters
    ----------
    consents : ConsentRepository
        The registry (``shared.adapters.dynamodb.consents``).
    tenant_id : str
        The tenant whose number received the message.
    from_number : str
        The sender, as the provider reports it (E.164).
    text : str
        The message body; only a whole-message keyword counts (``interpret_inbound_sms``).
    at : datetime
        When the message was received (aware): an older choice never overrides a newer one.

    Returns
    -------
    ConsentState | None
        The registry record after the choice, or None when the message is an ordinary reply.
    """
    intent = interpret_inbound_sms(text)
    if intent is None:
        return None
    try:
        number = normalise_phone(from_number, None)
    except InvalidPhone:
        # Providers report E.164; a number we cannot read is still recorded as given (an opt-out must never be lost).
        number = from_number.strip()
    state = consents.record(tenant_id, Channel.SMS, number, intent, at, "sms_keyword")
    logger.info("inbound sms keyword", extra={"tenant_id": tenant_id, "intent": intent, "opted_out": state.opted_out})
    return state
