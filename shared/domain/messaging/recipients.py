"""Who receives a workflow message (Kolleno's recipient rules), and whether a blocked address stops it.

A rule falls back when no contact of its group can receive on the channel: a position → the primary contacts → all
other contacts ("so no invoice is missed"). An inactive contact, or one without an email address (or a valid
phone number, for SMS), never receives.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from shared.domain.ledger.models import Contact, Deliverability, Invoice
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.messaging.phone import InvalidPhone, normalise_phone
from shared.domain.workflow.nodes import Recipients

BlockedPolicy = Literal["block_message", "drop_recipient"]
MessageChannel = Literal["email", "sms"]
ChosenBy = Literal["primary_and_others", "primary", "positions", "invoice_contact", "run_contact", "others"]
Outcome = Literal["sendable", "blocked", "no_recipient"]
_NEEDS_LEVEL = {"invoice_contact": Level.INVOICE, "run_contact": Level.CONTACT}
_ADDRESS = {"email": "email address", "sms": "valid phone number"}
_FIELD = {"email": "email", "sms": "phone"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(_Model):
    """A recipient: a customer contact, or a user such as the account owner (``contact_id`` None)."""

    name: str
    email: str | None = None
    phone: str | None = None
    contact_id: str | None = None


class BlockedAddress(_Model):
    address: str
    contact_id: str
    status: Literal[Deliverability.BOUNCE, Deliverability.COMPLAINT]


class RecipientResolution(_Model):
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    greeting_name: str | None = None
    blocked: tuple[BlockedAddress, ...] = ()
    sendable: bool
    outcome: Outcome
    chosen_by: ChosenBy | None = None
    reason: str = ""
    timeline_note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> RecipientResolution:
        if self.sendable != (self.outcome == "sendable") or self.sendable != bool(self.to):
            raise ValueError("a resolution is sendable exactly when it has a To recipient")
        return self


def resolve_recipients(
    rule: Recipients,
    view: CustomerLedger,
    *,
    level: Level,
    invoice: Invoice | None,
    run_contact: Contact | None,
    account_owner: Person | None,
    policy: BlockedPolicy,
    channel: MessageChannel,
) -> RecipientResolution:
    """Return the To and CC recipients of one message, or why it cannot be sent.

    Parameters
    ----------
    rule : Recipients
        The node's recipient rule.
    view : CustomerLedger
        The customer's ledger; its own contacts are the candidates (a group's members' contacts are not).
    level, invoice, run_contact : Level, Invoice | None, Contact | None
        The run's level, and the record an invoice-level or contact-level run is about.
    account_owner : Person | None
        The customer's account owner, copied (CC) when the rule asks; SMS has no CC.
    policy : BlockedPolicy
        For an email recipient with deliverability BOUNCE or COMPLAINT: block the whole message (Kolleno, for
        workflow sends), or drop only that recipient.
    channel : MessageChannel
        ``"email"`` or ``"sms"``.

    Returns
    -------
    RecipientResolution
        Recipients and greeting name, or ``sendable=False`` and why; ``timeline_note`` names any blocked address.
    """
    choice = _choose(rule, view, level, invoice, run_contact, channel)
    if isinstance(choice, str):
        return RecipientResolution(sendable=False, outcome="no_recipient", reason=choice)
    chosen_by, chosen = choice
    blocked = [
        BlockedAddress.model_validate({"address": address, "contact_id": c.id, "status": c.deliverability})
        for c, address in chosen
        if channel == "email" and _blocks(c)
    ]
    note = " ".join(f"Email address '{b.address}' is blocked due to status: '{b.status.value}'." for b in blocked)
    blocked_addresses = {b.address for b in blocked}
    to = [_person(c, address, channel) for c, address in chosen if address not in blocked_addresses]
    if blocked and (policy == "block_message" or not to):
        why = "the message was not sent" if policy == "block_message" else "no other recipient is left"
        return RecipientResolution(
            blocked=tuple(blocked),
            sendable=False,
            outcome="blocked",
            chosen_by=chosen_by,
            reason=f"blocked: {', '.join(sorted(blocked_addresses))} cannot receive email; {why}",
            timeline_note=f"{note} The message was not sent.",
        )
    return RecipientResolution(
        to=tuple(to),
        cc=_owner_cc(rule, account_owner, channel, {address for _, address in chosen}),
        greeting_name=to[0].name,
        blocked=tuple(blocked),
        sendable=True,
        outcome="sendable",
        chosen_by=chosen_by,
        timeline_note=f"{note} {'It was' if len(blocked) == 1 else 'They were'} left out." if blocked else "",
    )


def _choose(
    rule: Recipients,
    view: CustomerLedger,
    level: Level,
    invoice: Invoice | None,
    run_contact: Contact | None,
    channel: MessageChannel,
) -> tuple[ChosenBy, list[tuple[Contact, str]]] | str:
    """The first group holding a usable contact, with its contacts and addresses; or why nobody can receive."""
    needs = _NEEDS_LEVEL.get(rule.to)
    if needs is not None and level is not needs:  # the E007 lint refuses this at save time
        article = "an" if needs.value[0] in "aeiou" else "a"
        return f"recipients '{rule.to}' need {article} {needs.value}-level run; this run is {level.value}-level"
    primary = [c for c in view.contacts if c.is_primary]
    others = [c for c in view.contacts if not c.is_primary]
    groups: list[tuple[ChosenBy, list[Contact]]] = [("primary", primary), ("others", others)]
    if rule.to == "primary_and_others":
        groups = [("primary_and_others", primary + others)]
    elif rule.to == "positions":
        wanted = {p.strip().casefold() for p in rule.positions}
        holders = [c for c in view.contacts if wanted & {p.strip().casefold() for p in c.positions}]
        groups.insert(0, ("positions", holders))
    elif rule.to == "invoice_contact":
        if invoice is None:
            return "recipients 'invoice_contact': the run names no invoice"
        groups.insert(0, ("invoice_contact", _invoice_contacts(view, invoice)))
    elif rule.to == "run_contact":
        if run_contact is None:
            return "recipients 'run_contact': the run names no contact"
        # A contact-level run is about one person: never fall back to someone else. The ledger's copy is fresher.
        contact = view.contact(run_contact.id) or run_contact
        if not contact.is_active or _address(contact, channel, view.customer.country) is None:
            state = "is inactive" if not contact.is_active else f"has no {_ADDRESS[channel]}"
            return f"the run's contact '{contact.name}' {state}"
        groups = [("run_contact", [contact])]
    for label, group in groups:
        usable = _usable(group, channel, view.customer.country)
        if usable:
            return label, usable
    return f"no active contact with {'an' if channel == 'email' else 'a'} {_ADDRESS[channel]}"


def _invoice_contacts(view: CustomerLedger, invoice: Invoice) -> list[Contact]:
    """The invoice's own contact, then any contact linked to the invoice (a group member's contacts included)."""
    everyone = [*view.contacts, *(c for m in view.members for c in m.contacts)]
    named = [c for c in everyone if c.id == invoice.contact_id]
    return named + [c for c in everyone if invoice.id in c.linked_invoice_ids and c not in named]


def _usable(group: list[Contact], channel: MessageChannel, region: str | None) -> list[tuple[Contact, str]]:
    """Active contacts with an address for the channel, each address once (emails compare case-insensitively)."""
    usable: dict[str, Contact] = {}
    for contact in group:
        address = _address(contact, channel, region) if contact.is_active else None
        held = usable.get(address) if address is not None else None
        # An address two contacts share is blocked when either holder's is: the blocked holder stands for it.
        if address is not None and (held is None or (_blocks(contact) and not _blocks(held))):
            usable[address] = contact
    return [(contact, address) for address, contact in usable.items()]


def _address(contact: Contact, channel: MessageChannel, region: str | None) -> str | None:
    if channel == "email":
        return contact.email.strip().casefold() if contact.email else None
    try:
        return normalise_phone(contact.phone, region) if contact.phone else None
    except InvalidPhone:
        return None  # an unusable number is no number: the contact is skipped like one without a phone


def _blocks(contact: Contact) -> bool:
    return contact.deliverability in (Deliverability.BOUNCE, Deliverability.COMPLAINT)


def _person(contact: Contact, address: str, channel: MessageChannel) -> Person:
    return Person.model_validate({"name": contact.name, "contact_id": contact.id, _FIELD[channel]: address})


def _owner_cc(rule: Recipients, owner: Person | None, channel: MessageChannel, to: set[str]) -> tuple[Person, ...]:
    """The account owner in CC, when asked, on email, with an address not already in To."""
    if not rule.cc_account_owner or owner is None or channel != "email" or not owner.email:
        return ()
    email = owner.email.strip().casefold()
    return () if email in to else (owner.model_copy(update={"email": email}),)
