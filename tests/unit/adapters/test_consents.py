"""The opt-out registry's storage layout (pure: keys and items) and the inbound-keyword use case, against an
in-memory registry that merges choices the way the DynamoDB repository does."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.dynamodb.consents import consent_key, from_item, to_item
from shared.domain.ledger.models import Channel
from shared.domain.messaging.consent import ConsentSource, ConsentState, InboundIntent, record_choice
from shared.usecases.consent import opted_out, record_inbound_sms

NOON = datetime(2026, 11, 1, 12, tzinfo=UTC)
JANE = "+447911123456"


class MemoryRegistry:
    """The repository's contract without DynamoDB: one record per key, merged by ``record_choice``."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, str]] = {}

    def states(self, tenant_id: str, channel: Channel, addresses: Iterable[str]) -> list[ConsentState]:
        keys = [consent_key(tenant_id, channel, a) for a in addresses]
        return [from_item(self.items[(k["pk"], k["sk"])]) for k in keys if (k["pk"], k["sk"]) in self.items]

    def record(
        self, tenant_id: str, channel: Channel, address: str, choice: InboundIntent, at: datetime, source: ConsentSource
    ) -> ConsentState:
        key = consent_key(tenant_id, channel, address)
        held = self.items.get((key["pk"], key["sk"]))
        new = record_choice(
            None if held is None else from_item(held),
            tenant_id=tenant_id,
            channel=channel,
            address=address,
            choice=choice,
            at=at,
            source=source,
        )
        self.items[(key["pk"], key["sk"])] = to_item(new)
        return new


KEYS = [
    pytest.param(Channel.SMS, JANE, "T#acme#CONSENT#sms", JANE, id="sms-e164"),
    pytest.param(Channel.SMS, f" {JANE} ", "T#acme#CONSENT#sms", JANE, id="sms-trimmed"),
    pytest.param(Channel.EMAIL, "Jane@Acme.Example", "T#acme#CONSENT#email", "jane@acme.example", id="email-lower"),
]


@pytest.mark.parametrize(("channel", "address", "pk", "sk"), KEYS)
def test_a_record_is_keyed_by_tenant_channel_and_normalised_address(channel: Channel, address: str, pk: str, sk: str):
    # GIVEN an address as a provider or a person wrote it
    # WHEN its key is computed
    key = consent_key("acme", channel, address)
    # THEN the partition is the tenant's channel and the sort key the normalised address
    assert key == {"pk": pk, "sk": sk}


instants = (
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)) | st.none()
)


@given(
    channel=st.sampled_from([Channel.EMAIL, Channel.SMS]),
    opted_out_at=instants,
    opted_in_at=instants,
    source=st.sampled_from(["sms_keyword", "list_unsubscribe", "manual", None]),
)
def test_an_item_holds_the_record_exactly(channel, opted_out_at, opted_in_at, source):
    # GIVEN any registry record
    address = JANE if channel is Channel.SMS else "Pat@Globex.example"
    state = ConsentState(
        tenant_id="acme",
        channel=channel,
        address=address,
        opted_out_at=opted_out_at,
        opted_in_at=opted_in_at,
        source=source,
    )
    # WHEN it is stored as an item and read back
    item = to_item(state)
    # THEN it is the same record, under the key of its address
    assert from_item(item) == state
    assert {k: item[k] for k in ("pk", "sk")} == consent_key("acme", channel, address)


def test_stop_opts_a_number_out_and_start_back_in():
    # GIVEN an empty registry
    registry = MemoryRegistry()
    # WHEN Jane texts STOP, then START an hour later
    stopped = record_inbound_sms(registry, "acme", JANE, "Stop.", NOON)
    started = record_inbound_sms(registry, "acme", JANE, "start", NOON + timedelta(hours=1))
    # THEN she was opted out, then in again, each choice from an SMS keyword
    assert stopped is not None and stopped.opted_out and stopped.source == "sms_keyword"
    assert started is not None and not started.opted_out
    assert opted_out(registry, "acme", Channel.SMS, [JANE]) == set()


def test_keywords_delivered_out_of_order_leave_the_latest_choice():
    # GIVEN START sent after STOP but delivered first
    registry = MemoryRegistry()
    record_inbound_sms(registry, "acme", JANE, "START", NOON + timedelta(hours=1))
    # WHEN the older STOP arrives
    record_inbound_sms(registry, "acme", JANE, "STOP", NOON)
    # THEN the number may still be texted
    assert opted_out(registry, "acme", Channel.SMS, [JANE]) == set()


def test_a_national_number_is_recorded_in_e164_and_an_ordinary_reply_changes_nothing():
    # GIVEN an empty registry
    registry = MemoryRegistry()
    # WHEN a reply that is no keyword arrives, then STOP from a number written with spaces
    reply = record_inbound_sms(registry, "acme", JANE, "I will pay on Friday, please stop calling", NOON)
    state = record_inbound_sms(registry, "acme", "+44 7911 123456", "STOP", NOON)
    # THEN the reply recorded nothing; the opt-out is kept under the E.164 number recipients resolve to
    assert reply is None
    assert state is not None and state.address == JANE
    assert opted_out(registry, "acme", Channel.SMS, [JANE, "+447700123456"]) == {JANE}


def test_an_opt_out_is_per_tenant_and_per_channel():
    # GIVEN Jane opted out of SMS at one tenant
    registry = MemoryRegistry()
    record_inbound_sms(registry, "acme", JANE, "STOP", NOON)
    registry.record("acme", Channel.EMAIL, "Jane@Acme.example", "opt_out", NOON, "list_unsubscribe")
    # WHEN another tenant, or the email channel, asks
    # THEN only the recorded tenant and channel count; emails compare case-insensitively
    assert opted_out(registry, "globex", Channel.SMS, [JANE]) == set()
    assert opted_out(registry, "acme", Channel.EMAIL, ["jane@acme.example", "john@acme.example"]) == {
        "jane@acme.example"
    }
    assert opted_out(registry, "acme", Channel.EMAIL, []) == set()
