"""Detectors over the communications log: duplicate emails, deliverability bands, messages not sent."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.alerts import AlertKind, AlertLevel
from shared.domain.alerts.messages import deliverability, duplicate_emails, send_failures
from shared.domain.ledger.models import Channel
from shared.domain.ledger.models import CommunicationStatus as S
from tests.unit.alerts.support import NOW, message

SPAN = timedelta(hours=72)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # two workflows send the same template to the same address about the same invoice: overlap
        ([message(1, workflow="wf-a"), message(2, workflow="wf-b")], ["overlapping_workflows|wf-a,wf-b|reminder"]),
        # one invoice-level workflow, one email per invoice, same day
        (
            [message(1, invoices=("inv-1",)), message(2, invoices=("inv-2",))],
            ["invoice_level|wf-a|reminder"],
        ),
        # one workflow, same records twice (re-enrolled historic invoice)
        ([message(1, hours_ago=30), message(2)], ["repeated_enrolment|wf-a|reminder"]),
    ],
)
def test_duplicates_name_their_likely_cause(messages, expected):
    # GIVEN emails to the same recipient with the same template within the span
    # WHEN the detector runs
    found = duplicate_emails(messages, NOW, SPAN)
    # THEN one alert per cause names the messages and the address
    assert [c.cause for c in found] == expected
    assert found[0].refs == ("msg-1", "msg-2") and found[0].addresses == ("jane@acme.example",)
    assert found[0].kind is AlertKind.DUPLICATE_EMAILS


@pytest.mark.parametrize(
    "messages",
    [
        [message(1), message(2, to="john@acme.example")],  # different recipients
        [message(1), message(2, template="thanks")],  # different templates
        [message(1, hours_ago=100), message(2)],  # further apart than the span
        [message(1, hours_ago=200), message(2, hours_ago=199)],  # older than the 7-day look-back
        [message(1), message(2, status=S.BLOCKED)],  # the second never went out
        [message(1), message(2, customer="cus-2")],  # another customer's records
    ],
)
def test_no_duplicate_without_the_same_email_to_the_same_person(messages):
    # GIVEN messages that differ in what makes a duplicate
    # WHEN the detector runs
    # THEN nothing is raised
    assert duplicate_emails(messages, NOW, SPAN) == []


@given(st.lists(st.tuples(st.integers(0, 160), st.sampled_from(["a@x.io", "b@x.io"])), max_size=12))
def test_every_duplicate_message_has_a_twin(sends):
    # GIVEN any emails of one template, to two addresses, over a week
    messages = [message(i, hours_ago=h, to=to) for i, (h, to) in enumerate(sends)]
    # WHEN the detector runs
    found = duplicate_emails(messages, NOW, SPAN)
    # THEN each message it names has another to the same address within the span
    by_id = {m.id: m for m in messages}
    for candidate in found:
        for ref in candidate.refs:
            m = by_id[ref]
            assert any(
                o.id != m.id and o.addresses == m.addresses and abs(o.at - m.at) <= SPAN
                for o in messages
                if o.id in candidate.refs
            )


@pytest.mark.parametrize(
    ("statuses", "level"),
    [
        ([S.BOUNCED, S.FAILED], AlertLevel.RED),  # all failed
        ([S.BOUNCED, S.DELIVERED], AlertLevel.YELLOW),  # exactly half
        ([S.COMPLAINED, S.SENT, S.DELIVERED], AlertLevel.BLUE),  # fewer than half
        ([S.BLOCKED, S.SENT, S.SENT, S.SENT], AlertLevel.BLUE),
    ],
)
def test_deliverability_bands(statuses, level):
    # GIVEN one workflow's emails of the week with these statuses
    messages = [message(i, status=s, to=f"p{i}@x.io") for i, s in enumerate(statuses)]
    # WHEN the detector runs
    (found,) = deliverability(messages, NOW, timedelta(days=7))
    # THEN Kolleno's band, with the addresses concerned
    assert found.level is level and found.cause == "wf-a"
    assert set(found.addresses) == {f"p{i}@x.io" for i, s in enumerate(statuses) if s not in (S.SENT, S.DELIVERED)}


def test_no_deliverability_alert_when_every_email_arrived_or_the_problems_are_old():
    # GIVEN delivered emails this week and a bounce a month ago
    messages = [message(1, status=S.DELIVERED), message(2, status=S.SENT), message(3, status=S.BOUNCED, hours_ago=720)]
    # WHEN the detector runs
    # THEN nothing
    assert deliverability(messages, NOW, timedelta(days=7)) == []


@given(st.lists(st.sampled_from(list(S)), min_size=1, max_size=30))
def test_the_band_follows_the_share_of_problems(statuses):
    # GIVEN any mix of statuses
    messages = [message(i, status=s) for i, s in enumerate(statuses) if s is not S.RECEIVED and s is not S.SCHEDULED]
    # WHEN the detector runs
    found = deliverability(messages, NOW, timedelta(days=7))
    # THEN red iff all are problems, yellow iff at least half, blue below, none without problems
    bad = sum(1 for m in messages if m.status in (S.BOUNCED, S.COMPLAINED, S.FAILED, S.BLOCKED))
    if bad == 0:
        assert found == []
    else:
        expected = "red" if bad == len(messages) else "yellow" if 2 * bad >= len(messages) else "blue"
        assert found[0].level.value == expected


def test_messages_not_sent_raise_one_alert_per_step():
    # GIVEN two blocked emails of one step, a failed SMS of another, a sent email
    messages = [
        message(1, status=S.BLOCKED),
        message(2, status=S.BLOCKED, to="b@x.io"),
        message(3, status=S.FAILED, node="sms", channel=Channel.SMS),
        message(4),
    ]
    # WHEN the detector runs
    found = send_failures(messages, NOW, timedelta(days=7))
    # THEN one alert per step, naming its messages and the reason
    assert [(c.cause, c.refs) for c in found] == [("wf-a|email", ("msg-1", "msg-2")), ("wf-a|sms", ("msg-3",))]
    assert found[0].detail == "no valid recipient" and found[1].title.startswith("SMS")
