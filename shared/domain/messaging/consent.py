"""The opt-out registry: SMS STOP keywords, email List-Unsubscribe, and whether an address may be messaged.

One record per (tenant, channel, address). Opting out and back in are both kept with their instants, so events
delivered out of order still leave the latest choice in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from shared.domain.ledger.models import Channel

# Carrier conventions (CTIA, AWS End User Messaging defaults): the whole message is the keyword.
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPT-OUT", "OPTOUT", "OPT OUT", "OPT_OUT"}
)
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})

ConsentSource = Literal["sms_keyword", "list_unsubscribe", "manual"]
InboundIntent = Literal["opt_out", "opt_in"]


def interpret_inbound_sms(text: str) -> InboundIntent | None:
    """Return what an inbound SMS asks for: ``"opt_out"``, ``"opt_in"`` or None (an ordinary reply).

    Parameters
    ----------
    text : str
        The message body. It is trimmed, case-folded, its inner spaces collapsed, and trailing ``.`` or ``!``
        dropped ("Stop." opts out); a keyword inside a longer sentence does not count.

    Returns
    -------
    InboundIntent | None
        The intent, or None.
    """
    word = " ".join(text.split()).rstrip(".!").strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return "opt_out"
    if word in OPT_IN_KEYWORDS:
        return "opt_in"
    return None


def normalise_address(channel: Channel, address: str) -> str:
    """The registry key for an address: emails compare case-insensitively, phone numbers as given (E.164)."""
    trimmed = address.strip()
    return trimmed.lower() if channel is Channel.EMAIL else trimmed


class ConsentState(BaseModel):
    """Whether one address of one tenant's customer accepts automated messages on one channel."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: str = Field(min_length=1)
    channel: Channel
    address: str = Field(min_length=1, description="an email address, or a phone number in E.164")
    opted_out_at: AwareDatetime | None = None
    opted_in_at: AwareDatetime | None = Field(default=None, description="the latest opt-in after an opt-out")
    source: ConsentSource | None = Field(default=None, description="how the latest choice was made")

    @field_validator("address")
    @classmethod
    def _normalised(cls, value: str, info: ValidationInfo) -> str:
        channel = info.data.get("channel")
        return normalise_address(channel, value) if isinstance(channel, Channel) else value

    @property
    def opted_out(self) -> bool:
        """True when the latest choice recorded is an opt-out."""
        if self.opted_out_at is None:
            return False
        return self.opted_in_at is None or self.opted_out_at > self.opted_in_at


def record_choice(
    state: ConsentState | None,
    *,
    tenant_id: str,
    channel: Channel,
    address: str,
    choice: InboundIntent,
    at: datetime,
    source: ConsentSource,
) -> ConsentState:
    """Return the registry record after an opt-out or opt-in made at ``at``.

    Parameters
    ----------
    state : ConsentState | None
        What the registry holds for this address, if anything.
    tenant_id, channel, address : str, Channel, str
        The key of the record.
    choice : InboundIntent
        ``"opt_out"`` (SMS STOP, a List-Unsubscribe request, a person's note) or ``"opt_in"``.
    at : datetime
        When the choice was made (aware); an older choice never overrides a newer one.
    source : ConsentSource
        Where the choice came from.

    Returns
    -------
    ConsentState
        The new record.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a consent choice needs a timezone-aware instant")
    current = state or ConsentState(tenant_id=tenant_id, channel=channel, address=address)
    key = (tenant_id, channel, normalise_address(channel, address))
    if (current.tenant_id, current.channel, current.address) != key:
        raise ValueError("the registry record belongs to another tenant, channel or address")
    field = "opted_out_at" if choice == "opt_out" else "opted_in_at"
    previous: datetime | None = getattr(current, field)
    if previous is not None and previous >= at:
        return current
    latest = max((t for t in (current.opted_out_at, current.opted_in_at) if t is not None), default=None)
    update: dict[str, object] = {field: at}
    if latest is None or at > latest:
        update["source"] = source
    return current.model_copy(update=update)


def may_send(consents: Iterable[ConsentState], channel: Channel, address: str) -> bool:
    """Return whether an automated message may go to ``address`` on ``channel``.

    Parameters
    ----------
    consents : Iterable[ConsentState]
        The tenant's registry records (any channel or address; the others are ignored).
    channel : Channel
        The channel of the message.
    address : str
        The recipient: an email address, or a phone number in E.164.

    Returns
    -------
    bool
        False when the address opted out on that channel and has not opted back in since.
    """
    key = normalise_address(channel, address)
    return not any(c.opted_out for c in consents if c.channel is channel and c.address == key)
