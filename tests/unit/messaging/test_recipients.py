"""Recipient resolution: Kolleno's rules, fallbacks, inactive and duplicate contacts, blocked addresses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.ledger.models import Deliverability
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.messaging.recipients import Person, RecipientResolution, resolve_recipients
from shared.domain.workflow.nodes import Recipients

from .support import account_owner, contact, customer, invoice, view

POOL = [
    "primary",
    "cfo",
    "clerk",
    "inactive",
    "old_primary",
    "no_email",
    "pat_again",
    "bounced",
    "complained",
    "bounced_inactive",
    "linked",
    "drama_phone",
]


def _resolve(contacts: list[str], rule: dict[str, Any] | None = None, **options: Any) -> RecipientResolution:
    run_contact = options.pop("run_contact", None)
    invoice_id = options.pop("invoice", None)
    arguments: dict[str, Any] = {
        "level": Level.CUSTOMER,
        "invoice": invoice(invoice_id) if invoice_id else None,
        "run_contact": contact(run_contact) if run_contact else None,
        "account_owner": None,
        "policy": "block_message",
        "channel": "email",
    } | options
    return resolve_recipients(Recipients.model_validate(rule or {}), view(*contacts), **arguments)


def _ids(people: tuple[Person, ...]) -> list[str | None]:
    return [p.contact_id for p in people]


SENDABLE = [
    # -- default: primary and other contacts -------------------------------------------------------------------
    pytest.param(["primary", "cfo", "clerk"], {}, {}, ["primary", "cfo", "clerk"], "primary_and_others", id="default"),
    pytest.param(
        ["clerk", "cfo", "primary"], {}, {}, ["primary", "clerk", "cfo"], "primary_and_others", id="primary-first"
    ),
    pytest.param(["primary", "inactive"], {}, {}, ["primary"], "primary_and_others", id="inactive-never-receives"),
    pytest.param(["primary", "no_email"], {}, {}, ["primary"], "primary_and_others", id="no-email-skipped"),
    pytest.param(
        ["primary", "pat_again", "cfo"], {}, {}, ["primary", "cfo"], "primary_and_others", id="duplicate-email"
    ),
    pytest.param(["old_primary", "clerk"], {}, {}, ["clerk"], "primary_and_others", id="inactive-primary"),
    # -- primary only -------------------------------------------------------------------------------------------
    pytest.param(["cfo", "primary"], {"to": "primary"}, {}, ["primary"], "primary", id="primary-only"),
    pytest.param(["cfo", "clerk"], {"to": "primary"}, {}, ["cfo", "clerk"], "others", id="no-primary-to-others"),
    pytest.param(["old_primary", "cfo"], {"to": "primary"}, {}, ["cfo"], "others", id="inactive-primary-to-others"),
    # -- positions and the fallback chain -----------------------------------------------------------------------
    pytest.param(
        ["primary", "cfo", "clerk"],
        {"to": "positions", "positions": ["CFO"]},
        {},
        ["cfo"],
        "positions",
        id="position-held",
    ),
    pytest.param(
        ["primary", "cfo"],
        {"to": "positions", "positions": [" cfo "]},
        {},
        ["cfo"],
        "positions",
        id="position-case-insensitive",
    ),
    pytest.param(
        ["primary", "cfo", "clerk"],
        {"to": "positions", "positions": ["CFO", "Billing"]},
        {},
        ["cfo", "clerk"],
        "positions",
        id="any-position",
    ),
    pytest.param(
        ["primary", "cfo"],
        {"to": "positions", "positions": ["Legal"]},
        {},
        ["primary"],
        "primary",
        id="position-not-held-to-primary",
    ),
    pytest.param(
        ["cfo", "clerk"],
        {"to": "positions", "positions": ["Legal"]},
        {},
        ["cfo", "clerk"],
        "others",
        id="position-no-primary-to-others",
    ),
    pytest.param(
        ["inactive", "primary"],
        {"to": "positions", "positions": ["Controller"]},
        {},
        ["primary"],
        "primary",
        id="holder-inactive",
    ),
    pytest.param(
        ["no_email", "primary"],
        {"to": "positions", "positions": ["Treasurer"]},
        {},
        ["primary"],
        "primary",
        id="holder-no-email",
    ),
    pytest.param(
        ["old_primary", "inactive", "clerk"],
        {"to": "positions", "positions": ["Controller"]},
        {},
        ["clerk"],
        "others",
        id="whole-chain",
    ),
    # -- invoice contact ----------------------------------------------------------------------------------------
    pytest.param(
        ["primary", "clerk"],
        {"to": "invoice_contact"},
        {"level": Level.INVOICE, "invoice": "inv_1"},
        ["clerk"],
        "invoice_contact",
        id="invoice-contact",
    ),
    pytest.param(
        ["primary", "linked"],
        {"to": "invoice_contact"},
        {"level": Level.INVOICE, "invoice": "inv_2"},
        ["linked"],
        "invoice_contact",
        id="invoice-linked-contact",
    ),
    pytest.param(
        ["primary", "inactive"],
        {"to": "invoice_contact"},
        {"level": Level.INVOICE, "invoice": "inv_3"},
        ["primary"],
        "primary",
        id="invoice-contact-inactive",
    ),
    pytest.param(
        ["cfo", "clerk"],
        {"to": "invoice_contact"},
        {"level": Level.INVOICE, "invoice": "inv_2"},
        ["cfo", "clerk"],
        "others",
        id="no-invoice-contact",
    ),
    # -- the run's contact --------------------------------------------------------------------------------------
    pytest.param(
        ["primary", "cfo"],
        {"to": "run_contact"},
        {"level": Level.CONTACT, "run_contact": "cfo"},
        ["cfo"],
        "run_contact",
        id="run-contact",
    ),
    # -- SMS: a valid phone number, normalised and compared in E.164 --------------------------------------------
    pytest.param(
        ["primary", "cfo", "clerk", "no_email"],
        {},
        {"channel": "sms"},
        ["primary", "cfo", "no_email"],
        "primary_and_others",
        id="sms",
    ),
    pytest.param(
        ["primary", "pat_again"], {}, {"channel": "sms"}, ["primary"], "primary_and_others", id="sms-duplicate-number"
    ),
    pytest.param(
        ["drama_phone", "cfo"], {}, {"channel": "sms"}, ["cfo"], "primary_and_others", id="sms-invalid-number"
    ),
    pytest.param(
        ["primary", "bounced"],
        {},
        {"channel": "sms"},
        ["primary", "bounced"],
        "primary_and_others",
        id="sms-ignores-bounce",
    ),
    pytest.param(["cfo", "primary"], {"to": "primary"}, {"channel": "sms"}, ["primary"], "primary", id="sms-primary"),
]


@pytest.mark.parametrize(("contacts", "rule", "options", "expected_to", "chosen_by"), SENDABLE)
def test_recipients_follow_the_rule(
    contacts: list[str], rule: dict[str, Any], options: dict[str, Any], expected_to: list[str], chosen_by: str
) -> None:
    # GIVEN a customer with these contacts and a node's recipient rule
    # WHEN the recipients are resolved
    resolution = _resolve(contacts, rule, **options)
    # THEN the chosen contacts receive in order, with the first one's name as greeting
    assert resolution.sendable, resolution.reason
    assert _ids(resolution.to) == expected_to
    assert resolution.chosen_by == chosen_by
    assert resolution.greeting_name == contact(expected_to[0]).name
    assert resolution.cc == ()
    assert resolution.reason == ""


def test_sms_recipients_carry_e164_numbers() -> None:
    # GIVEN contacts whose phones are written nationally and internationally
    # WHEN an SMS is resolved
    resolution = _resolve(["primary", "cfo", "no_email"], channel="sms")
    # THEN every recipient carries its number in E.164 and no email
    assert [p.phone for p in resolution.to] == ["+447911123456", "+33612345678", "+442079460018"]
    assert all(p.email is None for p in resolution.to)


CC = [
    pytest.param({"cc_account_owner": True}, account_owner(), "email", ["olivia.owner@acme.example"], id="owner-in-cc"),
    pytest.param({}, account_owner(), "email", [], id="owner-not-asked"),
    pytest.param({"cc_account_owner": True}, None, "email", [], id="no-owner"),
    pytest.param({"cc_account_owner": True}, Person(name="Olivia Owner"), "email", [], id="owner-without-email"),
    pytest.param(
        {"cc_account_owner": True}, Person(name="Pat", email="PAT@globex.example"), "email", [], id="owner-already-to"
    ),
    pytest.param({"cc_account_owner": True}, account_owner(), "sms", [], id="sms-has-no-cc"),
]


@pytest.mark.parametrize(("rule", "owner", "channel", "expected_cc"), CC)
def test_account_owner_goes_in_cc(
    rule: dict[str, Any], owner: Person | None, channel: str, expected_cc: list[str]
) -> None:
    # GIVEN a rule that may copy the account owner
    # WHEN the recipients are resolved
    resolution = _resolve(["primary", "cfo"], rule, account_owner=owner, channel=channel)
    # THEN the contacts stay in To and the owner, if anyone, is the only CC
    assert _ids(resolution.to) == ["primary", "cfo"]
    assert [p.email for p in resolution.cc] == expected_cc
    assert resolution.greeting_name == "Pat Primary"


BLOCKED = [
    pytest.param(
        ["primary", "bounced"],
        "block_message",
        [],
        [("bo@globex.example", "bounced", "BOUNCE")],
        "Email address 'bo@globex.example' is blocked due to status: 'BOUNCE'. The message was not sent.",
        id="bounce-blocks-message",
    ),
    pytest.param(
        ["primary", "complained"],
        "block_message",
        [],
        [("cy@globex.example", "complained", "COMPLAINT")],
        "Email address 'cy@globex.example' is blocked due to status: 'COMPLAINT'. The message was not sent.",
        id="complaint-blocks-message",
    ),
    pytest.param(
        ["primary", "bounced", "cfo"],
        "drop_recipient",
        ["primary", "cfo"],
        [("bo@globex.example", "bounced", "BOUNCE")],
        "Email address 'bo@globex.example' is blocked due to status: 'BOUNCE'. It was left out.",
        id="bounce-dropped",
    ),
    pytest.param(
        ["bounced", "complained"],
        "drop_recipient",
        [],
        [("bo@globex.example", "bounced", "BOUNCE"), ("cy@globex.example", "complained", "COMPLAINT")],
        "Email address 'bo@globex.example' is blocked due to status: 'BOUNCE'. "
        "Email address 'cy@globex.example' is blocked due to status: 'COMPLAINT'. The message was not sent.",
        id="everyone-dropped",
    ),
    pytest.param(
        ["primary", "bounced", "complained"],
        "drop_recipient",
        ["primary"],
        [("bo@globex.example", "bounced", "BOUNCE"), ("cy@globex.example", "complained", "COMPLAINT")],
        "Email address 'bo@globex.example' is blocked due to status: 'BOUNCE'. "
        "Email address 'cy@globex.example' is blocked due to status: 'COMPLAINT'. They were left out.",
        id="two-dropped",
    ),
    pytest.param(["primary", "bounced_inactive"], "block_message", ["primary"], [], "", id="inactive-bounce-ignored"),
]


@pytest.mark.parametrize(("contacts", "policy", "expected_to", "expected_blocked", "note"), BLOCKED)
def test_blocked_addresses_follow_the_tenant_policy(
    contacts: list[str], policy: str, expected_to: list[str], expected_blocked: list[tuple[str, str, str]], note: str
) -> None:
    # GIVEN recipients of which some have a BOUNCE or COMPLAINT deliverability status
    # WHEN an email is resolved under the tenant's policy
    resolution = _resolve(contacts, policy=policy)
    # THEN the whole message is blocked, or only those recipients are left out, and the note names each address
    assert _ids(resolution.to) == expected_to
    assert resolution.sendable is bool(expected_to)
    assert [(b.address, b.contact_id, b.status.value) for b in resolution.blocked] == expected_blocked
    assert resolution.timeline_note == note
    if not expected_to:
        assert resolution.outcome == "blocked"
        assert "bo@globex.example" in resolution.reason or "cy@globex.example" in resolution.reason


def test_a_blocked_contact_outside_the_recipients_does_not_block() -> None:
    # GIVEN a bounced legal contact while the node writes to the CFO
    # WHEN the email is resolved under Kolleno's policy
    resolution = _resolve(["primary", "cfo", "bounced"], {"to": "positions", "positions": ["CFO"]})
    # THEN the CFO receives: only recipients can block a message
    assert resolution.sendable
    assert _ids(resolution.to) == ["cfo"]
    assert resolution.blocked == ()


@pytest.mark.parametrize("policy", ["block_message", "drop_recipient"])
def test_an_address_shared_with_a_bounced_contact_is_blocked(policy: str) -> None:
    # GIVEN a healthy contact listed first and a bounced one sharing its address
    healthy = contact("bounced").model_copy(update={"id": "bo_ok", "deliverability": Deliverability.OK})
    shared = CustomerLedger(customer=customer(), contacts=(contact("primary"), healthy, contact("bounced")))
    # WHEN the email is resolved
    resolution = resolve_recipients(
        Recipients(),
        shared,
        level=Level.CUSTOMER,
        invoice=None,
        run_contact=None,
        account_owner=None,
        policy=policy,  # type: ignore[arg-type]
        channel="email",
    )
    # THEN the address counts as blocked once, named after the bounced holder
    assert [(b.address, b.contact_id) for b in resolution.blocked] == [("bo@globex.example", "bounced")]
    assert _ids(resolution.to) == ([] if policy == "block_message" else ["primary"])


NOBODY = [
    pytest.param([], {}, {}, "no active contact with an email address", id="no-contacts"),
    pytest.param(["inactive", "old_primary"], {}, {}, "no active contact with an email address", id="all-inactive"),
    pytest.param(["no_email"], {"to": "primary"}, {}, "no active contact with an email address", id="no-email"),
    pytest.param(["clerk"], {}, {"channel": "sms"}, "no active contact with a valid phone number", id="sms-no-phone"),
    pytest.param(
        ["drama_phone"], {}, {"channel": "sms"}, "no active contact with a valid phone number", id="sms-invalid"
    ),
    pytest.param(
        [], {}, {"account_owner": account_owner()}, "no active contact with an email address", id="owner-alone"
    ),
    pytest.param(
        ["primary", "inactive"],
        {"to": "run_contact"},
        {"level": Level.CONTACT, "run_contact": "inactive"},
        "the run's contact 'Ina Gone' is inactive",
        id="run-contact-inactive",
    ),
    pytest.param(
        ["primary", "no_email"],
        {"to": "run_contact"},
        {"level": Level.CONTACT, "run_contact": "no_email"},
        "the run's contact 'Noel Phone' has no email address",
        id="run-contact-no-email",
    ),
    pytest.param(
        ["primary"],
        {"to": "invoice_contact"},
        {"invoice": "inv_1"},
        "recipients 'invoice_contact' need an invoice-level run; this run is customer-level",
        id="invoice-contact-wrong-level",
    ),
    pytest.param(
        ["primary"],
        {"to": "invoice_contact"},
        {"level": Level.INVOICE},
        "recipients 'invoice_contact': the run names no invoice",
        id="invoice-level-without-invoice",
    ),
    pytest.param(
        ["primary"],
        {"to": "run_contact"},
        {"level": Level.CONTACT},
        "recipients 'run_contact': the run names no contact",
        id="contact-level-without-contact",
    ),
]


@pytest.mark.parametrize(("contacts", "rule", "options", "reason"), NOBODY)
def test_no_valid_recipient_means_no_send(
    contacts: list[str], rule: dict[str, Any], options: dict[str, Any], reason: str
) -> None:
    # GIVEN a customer none of whose contacts the rule can reach
    # WHEN the recipients are resolved
    resolution = _resolve(contacts, rule, **{"account_owner": None, **options})
    # THEN nothing is sent, and the reason says why
    assert not resolution.sendable
    assert resolution.outcome == "no_recipient"
    assert resolution.reason == reason
    assert resolution.to == resolution.cc == ()


@given(
    contacts=st.lists(st.sampled_from(POOL), unique=True, max_size=8),
    to=st.sampled_from(["primary_and_others", "primary", "positions"]),
    positions=st.lists(st.sampled_from(["CFO", "Billing", "Legal", "Controller", "Nobody"]), min_size=1, max_size=2),
    policy=st.sampled_from(["block_message", "drop_recipient"]),
    channel=st.sampled_from(["email", "sms"]),
)
def test_recipients_are_active_unique_reachable_and_unblocked(
    contacts: list[str], to: str, positions: list[str], policy: str, channel: str
) -> None:
    # GIVEN any set of the fixture's contacts and any rule
    rule = {"to": to, "positions": positions if to == "positions" else []}
    # WHEN the recipients are resolved
    resolution = _resolve(contacts, rule, policy=policy, channel=channel, account_owner=account_owner())
    # THEN every recipient is active, reachable on the channel, listed once, and never a blocked address
    addresses = [p.email if channel == "email" else p.phone for p in resolution.to]
    assert all(a is not None for a in addresses)
    assert len(set(addresses)) == len(addresses)
    assert all(contact(p.contact_id).is_active for p in resolution.to if p.contact_id)
    assert not {b.address for b in resolution.blocked} & set(addresses)
    assert resolution.sendable == bool(resolution.to)
    assert resolution.sendable or resolution.reason
    if policy == "block_message" and resolution.blocked:
        assert not resolution.sendable
