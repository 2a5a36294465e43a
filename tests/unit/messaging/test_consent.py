"""The opt-out registry: STOP/START keywords, List-Unsubscribe, and whether an address may be messaged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.ledger.models import Channel
from shared.domain.messaging.consent import (
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    ConsentState,
    interpret_inbound_sms,
    may_send,
    record_choice,
)

MONDAY = datetime(2025, 3, 10, 9, tzinfo=UTC)
PHONE = "+447911123456"
EMAIL = "pat@globex.example"

INBOUND = [
    *(pytest.param(word, "opt_out", id=f"out-{word}") for word in ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL"]),
    *(pytest.param(word, "opt_out", id=f"out-{word}") for word in ["END", "QUIT", "OPT-OUT", "OPTOUT", "OPT OUT"]),
    pytest.param("stop", "opt_out", id="lower-case"),
    pytest.param("  Stop \n", "opt_out", id="trimmed"),
    pytest.param("Stop.", "opt_out", id="trailing-full-stop"),
    pytest.param("STOP!", "opt_out", id="trailing-exclamation"),
    pytest.param("opt   out", "opt_out", id="inner-spaces-collapsed"),
    pytest.param("Stop All", "opt_out", id="stop-all"),
    pytest.param("START", "opt_in", id="in-start"),
    pytest.param("unstop", "opt_in", id="in-unstop"),
    pytest.param(" Yes ", "opt_in", id="in-yes"),
    pytest.param("Please stop texting me", None, id="keyword-inside-a-sentence"),
    pytest.param("STOPP", None, id="misspelt"),
    pytest.param("stop stop", None, id="repeated"),
    pytest.param("yes I will pay on Friday", None, id="yes-in-a-reply"),
    pytest.param("I paid yesterday", None, id="ordinary-reply"),
    pytest.param("", None, id="empty"),
]


@pytest.mark.parametrize(("text", "intent"), INBOUND)
def test_inbound_sms_keywords(text: str, intent: str | None) -> None:
    # GIVEN an SMS a customer sent back
    # WHEN it is interpreted
    found = interpret_inbound_sms(text)
    # THEN only a whole-message keyword opts out or back in
    assert found == intent


def test_keyword_lists_are_disjoint_and_upper_case() -> None:
    # GIVEN the keyword lists
    # WHEN they are compared
    # THEN no word means both things, and every word is stored as matched (upper case)
    assert not OPT_OUT_KEYWORDS & OPT_IN_KEYWORDS
    assert all(word == word.upper() for word in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS)


def _apply(events: list[tuple[str, str, int]], channel: Channel = Channel.SMS, address: str = PHONE) -> ConsentState:
    """Apply (choice, source, hours after Monday 09:00) events in the order given (which may not be time order)."""
    state: ConsentState | None = None
    for choice, source, hours in events:
        state = record_choice(
            state,
            tenant_id="acme",
            channel=channel,
            address=address,
            choice=choice,  # type: ignore[arg-type]
            at=MONDAY + timedelta(hours=hours),
            source=source,  # type: ignore[arg-type]
        )
    assert state is not None
    return state


REGISTRY = [
    pytest.param([], Channel.SMS, PHONE, True, id="no-record"),
    pytest.param([("opt_out", "sms_keyword", 0)], Channel.SMS, PHONE, False, id="stop"),
    pytest.param(
        [("opt_out", "sms_keyword", 0), ("opt_in", "sms_keyword", 2)], Channel.SMS, PHONE, True, id="stop-start"
    ),
    pytest.param(
        [("opt_in", "sms_keyword", 2), ("opt_out", "sms_keyword", 0)],
        Channel.SMS,
        PHONE,
        True,
        id="late-delivered-stop",
    ),
    pytest.param(
        [("opt_out", "sms_keyword", 0), ("opt_in", "sms_keyword", 2), ("opt_out", "manual", 5)],
        Channel.SMS,
        PHONE,
        False,
        id="stop-start-stop",
    ),
    pytest.param([("opt_out", "sms_keyword", 0)], Channel.SMS, "+33612345678", True, id="another-number"),
    pytest.param([("opt_out", "sms_keyword", 0)], Channel.EMAIL, PHONE, True, id="another-channel"),
]


@pytest.mark.parametrize(("events", "channel", "address", "allowed"), REGISTRY)
def test_may_send_follows_the_latest_choice(
    events: list[tuple[str, str, int]], channel: Channel, address: str, allowed: bool
) -> None:
    # GIVEN the registry after these choices for one mobile number
    consents = [_apply(events)] if events else []
    # WHEN a message to ``address`` on ``channel`` is checked
    # THEN only the latest choice for that very address and channel counts
    assert may_send(consents, channel, address) is allowed


def test_list_unsubscribe_uses_the_same_registry_case_insensitively() -> None:
    # GIVEN a List-Unsubscribe request from an email address written in mixed case
    state = _apply([("opt_out", "list_unsubscribe", 0)], channel=Channel.EMAIL, address=" Pat@Globex.Example ")
    # WHEN emails and SMS are checked
    # THEN the address is blocked on email whatever its case, and SMS is unaffected
    assert state.address == EMAIL
    assert state.source == "list_unsubscribe"
    assert not may_send([state], Channel.EMAIL, "PAT@globex.example")
    assert may_send([state], Channel.SMS, PHONE)


def test_an_older_choice_keeps_the_newer_source() -> None:
    # GIVEN a START at 11:00 and a STOP from 09:00 delivered after it
    state = _apply([("opt_in", "manual", 2), ("opt_out", "sms_keyword", 0)])
    # WHEN the record is read
    # THEN both instants are kept but the source names the latest choice
    assert (state.opted_out_at, state.opted_in_at) == (MONDAY, MONDAY + timedelta(hours=2))
    assert state.source == "manual"
    assert not state.opted_out


BAD = [
    pytest.param({"tenant_id": "other"}, "another tenant", id="other-tenant"),
    pytest.param({"address": "+33612345678"}, "another tenant, channel or address", id="other-address"),
    pytest.param({"at": datetime(2025, 3, 10, 9)}, "timezone-aware", id="naive-instant"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_record_choice_refuses_mismatched_records(change: dict[str, Any], message: str) -> None:
    # GIVEN the registry record of one number
    state = _apply([("opt_out", "sms_keyword", 0)])
    arguments: dict[str, Any] = {
        "tenant_id": "acme",
        "channel": Channel.SMS,
        "address": PHONE,
        "choice": "opt_in",
        "at": MONDAY + timedelta(hours=1),
        "source": "sms_keyword",
    } | change
    # WHEN a choice for another key, or without a timezone, is applied to it
    # THEN it is refused
    with pytest.raises(ValueError, match=message):
        record_choice(state, **arguments)


@given(events=st.lists(st.tuples(st.sampled_from(["opt_out", "opt_in"]), st.integers(0, 1000)), min_size=1))
def test_delivery_order_never_changes_the_outcome(events: list[tuple[str, int]]) -> None:
    # GIVEN opt-outs and opt-ins at distinct instants, in any delivery order
    distinct = list({hours: choice for choice, hours in events}.items())
    shuffled = [(choice, "sms_keyword", hours) for hours, choice in distinct]
    in_order = sorted(shuffled, key=lambda e: e[2])
    # WHEN they are applied as delivered, and in time order
    # THEN the registry ends in the same state: the latest choice wins
    assert _apply(shuffled).opted_out == _apply(in_order).opted_out == (in_order[-1][0] == "opt_out")
