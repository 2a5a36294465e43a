"""The webhook signature rules: HMAC-SHA256 over ``timestamp.body`` with the tenant's secret, several signatures
for rotation, a five-minute replay window either way, and malformed headers refused."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.webhooks import RequestExpired, SignatureInvalid, sign, verify
from tests.unit.webhooks.support import SECRET, SENT_AT, sample

NOW = int(SENT_AT.timestamp())
BODY = b'{"records":[]}'


def check(signature: str | None, *, secrets=(SECRET,), timestamp: str | None = str(NOW), body=BODY, now=SENT_AT):
    return verify(secrets, timestamp, signature, body, now)


def test_a_correctly_signed_request_is_accepted():
    # GIVEN a body signed with the tenant's secret now
    signature = sign(SECRET, NOW, BODY)
    # WHEN it is verified
    sent = check(signature)
    # THEN it passes and the timestamp is returned
    assert signature.startswith("v1=") and len(signature) == 67
    assert sent == NOW


def test_the_sample_events_follow_the_rules():
    # GIVEN the sample API Gateway events (headers lower-cased, as API Gateway delivers them)
    good, bad, expired = sample("signed_batch"), sample("bad_signature"), sample("expired")

    def verify_event(event):
        headers = event["headers"]
        body = event["body"].encode()
        return check(headers["x-chaseflow-signature"], timestamp=headers["x-chaseflow-timestamp"], body=body)

    # WHEN each is verified at the time it was sent
    # THEN the signed batch passes, the other two fail for their own reason
    assert verify_event(good) == NOW
    with pytest.raises(SignatureInvalid):
        verify_event(bad)
    with pytest.raises(RequestExpired):
        verify_event(expired)


@pytest.mark.parametrize(
    ("secret", "body", "timestamp"),
    [
        ("whsec_someone-else", BODY, str(NOW)),
        (SECRET, b'{"records":[ ]}', str(NOW)),
        (SECRET, BODY, str(NOW + 1)),
    ],
    ids=["wrong-secret", "tampered-body", "timestamp-changed-after-signing"],
)
def test_a_signature_that_does_not_match_is_refused(secret, body, timestamp):
    # GIVEN a signature made with another secret, or over other bytes than those received
    signature = sign(secret, NOW, BODY)
    # WHEN it is verified against what arrived
    # THEN it is refused as an invalid signature
    with pytest.raises(SignatureInvalid, match="no signature matches"):
        check(signature, body=body, timestamp=timestamp)


def test_the_sender_may_sign_with_the_new_and_the_old_secret_during_a_rotation():
    # GIVEN a header carrying two signatures, with the new and with the old secret
    header = f"{sign('whsec_new', NOW, BODY)}, {sign('whsec_old', NOW, BODY)}"
    # WHEN we still hold only the old secret, and when we already hold only the new one
    # THEN both are accepted
    assert check(header, secrets=("whsec_old",)) == NOW
    assert check(header, secrets=("whsec_new",)) == NOW


def test_we_may_accept_two_secrets_during_a_rotation():
    # GIVEN we hold the new and the old secret
    secrets = ("whsec_new", "whsec_old")
    # WHEN requests signed with either arrive
    # THEN both are accepted, and one signed with a third is not
    assert check(sign("whsec_old", NOW, BODY), secrets=secrets) == NOW
    assert check(sign("whsec_new", NOW, BODY), secrets=secrets) == NOW
    with pytest.raises(SignatureInvalid):
        check(sign("whsec_other", NOW, BODY), secrets=secrets)


def test_no_secret_means_no_request_passes():
    # GIVEN a tenant whose secret list is empty (or blank)
    # WHEN a signed request is verified
    # THEN it is refused
    with pytest.raises(SignatureInvalid):
        check(sign("", NOW, BODY), secrets=("",))


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_timestamps_within_five_minutes_either_way_are_accepted(offset):
    # GIVEN a request signed `offset` seconds from now (a sender clock a little behind or ahead)
    sent = NOW + offset
    # WHEN it is verified now
    # THEN it passes, up to and including the window's edges
    assert check(sign(SECRET, sent, BODY), timestamp=str(sent)) == sent


@pytest.mark.parametrize("offset", [-301, 301, -86_400, 86_400])
def test_timestamps_beyond_five_minutes_are_refused_as_expired(offset):
    # GIVEN a correctly signed request sent more than five minutes before or after now
    sent = NOW + offset
    # WHEN it is verified now
    # THEN it is refused as expired (a replay, or a sender clock far off)
    with pytest.raises(RequestExpired):
        check(sign(SECRET, sent, BODY), timestamp=str(sent))


def test_the_window_counts_whole_seconds_of_our_clock():
    # GIVEN a request sent exactly five minutes before a clock that reads 999 ms past the second
    now = SENT_AT + timedelta(seconds=300, milliseconds=999)
    # WHEN it is verified
    # THEN it is still inside the window (the header has whole seconds; so is our side of the comparison)
    assert check(sign(SECRET, NOW, BODY), now=now) == NOW


def test_a_bad_signature_is_reported_before_the_age():
    # GIVEN an old request with a wrong signature
    sent = NOW - 3_600
    # WHEN it is verified
    # THEN the signature is what is refused (nothing about an unauthenticated request is judged further)
    with pytest.raises(SignatureInvalid):
        check(sign("whsec_wrong", sent, BODY), timestamp=str(sent))


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        (None, sign(SECRET, NOW, BODY)),
        ("", sign(SECRET, NOW, BODY)),
        ("soon", sign(SECRET, NOW, BODY)),
        ("-1", sign(SECRET, NOW, BODY)),
        ("1793602800.5", sign(SECRET, NOW, BODY)),
        ("1_793_602_800", sign(SECRET, NOW, BODY)),
        ("1793602800000", sign(SECRET, NOW, BODY)),
        (str(NOW), None),
        (str(NOW), ""),
        (str(NOW), "v1="),
        (str(NOW), "v1=" + "z" * 64),
        (str(NOW), "v1=" + sign(SECRET, NOW, BODY)[3:-1]),
        (str(NOW), sign(SECRET, NOW, BODY)[3:]),
        (str(NOW), "sha256=" + sign(SECRET, NOW, BODY)[3:]),
        (str(NOW), ",".join([sign("whsec_x", NOW, BODY)] * 8 + [sign(SECRET, NOW, BODY)])),
    ],
    ids=[
        "no-timestamp",
        "empty-timestamp",
        "word",
        "negative",
        "fraction",
        "underscores",
        "milliseconds",
        "no-signature",
        "empty-signature",
        "empty-v1",
        "not-hex",
        "short-hex",
        "no-scheme",
        "other-scheme-only",
        "too-many-signatures",
    ],
)
def test_malformed_headers_are_refused_as_invalid_signatures(timestamp, signature):
    # GIVEN headers that are missing or malformed
    # WHEN the request is verified
    # THEN it is refused as an invalid signature, whatever else holds
    with pytest.raises(SignatureInvalid):
        check(signature, timestamp=timestamp)


def test_unknown_schemes_beside_v1_and_upper_case_hex_are_tolerated():
    # GIVEN a header offering a future scheme first and the v1 signature in upper case
    signature = f"v2=abc,v1={sign(SECRET, NOW, BODY)[3:].upper()}"
    # WHEN it is verified
    # THEN the v1 signature is used
    assert check(signature) == NOW


def test_a_naive_clock_is_a_programming_error():
    # GIVEN a naive "now"
    # WHEN a request is verified with it
    # THEN it is refused loudly rather than compared in some local time
    with pytest.raises(ValueError, match="timezone-aware"):
        check(sign(SECRET, NOW, BODY), now=SENT_AT.replace(tzinfo=None))


@given(
    secret=st.text(min_size=1, max_size=40),
    body=st.binary(max_size=300),
    skew=st.integers(min_value=-300, max_value=300),
    flip=st.integers(min_value=0, max_value=10_000),
)
def test_any_signed_body_verifies_and_any_changed_byte_does_not(secret, body, skew, flip):
    # GIVEN any secret and body, signed within the window
    sent = NOW + skew
    signature = sign(secret, sent, body)
    # WHEN it is verified as sent, and with one byte changed
    # THEN the first passes and the second is refused
    assert verify((secret,), str(sent), signature, body, SENT_AT) == sent
    if body:
        index = flip % len(body)
        changed = body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]
        with pytest.raises(SignatureInvalid):
            verify((secret,), str(sent), signature, changed, SENT_AT)
