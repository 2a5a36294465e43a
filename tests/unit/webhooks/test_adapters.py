"""The two adapters the webhook adds, against botocore's Stubber (no network): PutEvents in tens with failed
entries resent, and tenants' secrets read from Secrets Manager and cached for a short while."""

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from shared.adapters.eventbridge import EventPublisher
from shared.adapters.secrets import MISS_TTL_SECONDS, WebhookSecrets, parse_secret
from shared.errors import EventsNotPublished, RetryableError, SecretsUnavailable
from shared.events.contracts import InvoiceCreated

AT = datetime(2026, 11, 2, 7, tzinfo=UTC)


def client(service: str):
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def events(n: int) -> list[InvoiceCreated]:
    return [
        InvoiceCreated(
            event_id=f"evt-{i:05d}", tenant_id="acme-uk", customer_id="cus-1", occurred_at=AT, record_id=f"inv-{i}"
        )
        for i in range(n)
    ]


def publisher(stubbed) -> EventPublisher:
    adapter = EventPublisher("chaseflow-bus", sleep=lambda _: None)
    adapter.__dict__["_client"] = stubbed  # the cached client
    return adapter


def test_events_go_out_ten_per_call():
    # GIVEN 25 events and a bus that accepts everything
    eventbridge = client("events")
    entries = [event.entry("chaseflow-bus") for event in events(25)]
    with Stubber(eventbridge) as stub:
        for start, size in ((0, 10), (10, 10), (20, 5)):
            expected = {"Entries": entries[start : start + size]}
            stub.add_response("put_events", {"FailedEntryCount": 0, "Entries": [{"EventId": "x"}] * size}, expected)
        # WHEN they are published
        publisher(eventbridge).publish(events(25))
        # THEN three PutEvents calls carried 10, 10 and 5 entries
        stub.assert_no_pending_responses()


def test_failed_entries_are_resent_and_then_raise_a_retryable_error():
    # GIVEN a bus that fails the second entry three times in a row
    eventbridge = client("events")
    failed = {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}
    with Stubber(eventbridge) as stub:
        stub.add_response(
            "put_events", {"FailedEntryCount": 1, "Entries": [{"EventId": "a"}, failed, {"EventId": "c"}]}
        )
        second = events(3)[1].entry("chaseflow-bus")
        for _ in range(2):  # only the failed entry is resent
            stub.add_response("put_events", {"FailedEntryCount": 1, "Entries": [failed]}, {"Entries": [second]})
        # WHEN the events are published
        # THEN the publisher gives up with a retryable error naming the code
        with pytest.raises(EventsNotPublished, match="1 events not accepted by EventBridge: ThrottlingException"):
            publisher(eventbridge).publish(events(3))
        stub.assert_no_pending_responses()
    assert issubclass(EventsNotPublished, RetryableError)


def test_a_resend_that_succeeds_is_enough():
    # GIVEN a bus that fails one entry once
    eventbridge = client("events")
    with Stubber(eventbridge) as stub:
        stub.add_response("put_events", {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure"}]})
        stub.add_response("put_events", {"FailedEntryCount": 0, "Entries": [{"EventId": "a"}]})
        # WHEN one event is published
        publisher(eventbridge).publish(events(1))
        # THEN it went out on the second attempt
        stub.assert_no_pending_responses()


class Ticking:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def secrets_port(stubbed, clock: Ticking) -> WebhookSecrets:
    adapter = WebhookSecrets("prod", ttl_seconds=300, monotonic=clock)
    adapter.__dict__["_client"] = stubbed
    return adapter


def test_a_secret_is_read_once_per_ttl_and_named_by_stage_and_tenant():
    # GIVEN a tenant's secret in Secrets Manager
    sm = client("secretsmanager")
    clock = Ticking()
    name = {"SecretId": "chaseflow/prod/tenants/acme-uk/webhook"}
    with Stubber(sm) as stub:
        stub.add_response("get_secret_value", {"SecretString": "whsec_1"}, name)
        stub.add_response("get_secret_value", {"SecretString": '["whsec_2", "whsec_1"]'}, name)
        port = secrets_port(sm, clock)
        # WHEN it is asked for three times within five minutes, then once after
        first = [port.for_tenant("acme-uk") for _ in range(3)]
        clock.now = 301
        after = port.for_tenant("acme-uk")
        # THEN Secrets Manager was called twice, and the rotation's two secrets are both accepted
        stub.assert_no_pending_responses()
    assert first == [("whsec_1",)] * 3
    assert after == ("whsec_2", "whsec_1")


def test_a_missing_secret_is_an_unknown_tenant_remembered_briefly():
    # GIVEN no secret for the tenant
    sm = client("secretsmanager")
    clock = Ticking()
    with Stubber(sm) as stub:
        stub.add_client_error("get_secret_value", "ResourceNotFoundException")
        stub.add_response("get_secret_value", {"SecretString": "whsec_new"})
        port = secrets_port(sm, clock)
        # WHEN asked twice at once, and again after the miss expired (the secret was created meanwhile)
        misses = [port.for_tenant("globex"), port.for_tenant("globex")]
        clock.now = MISS_TTL_SECONDS + 1
        found = port.for_tenant("globex")
        stub.assert_no_pending_responses()
    # THEN empty, empty (from the cache), then the new secret
    assert (misses, found) == ([(), ()], ("whsec_new",))


def test_passing_secrets_manager_errors_are_retryable():
    # GIVEN Secrets Manager throttling
    sm = client("secretsmanager")
    with Stubber(sm) as stub:
        stub.add_client_error("get_secret_value", "ThrottlingException")
        # WHEN a secret is read
        # THEN the error is retryable (the handler answers 503)
        with pytest.raises(SecretsUnavailable):
            secrets_port(sm, Ticking()).for_tenant("acme-uk")


@pytest.mark.parametrize(
    ("text", "secrets"),
    [("whsec_1", ("whsec_1",)), (" whsec_1\n", ("whsec_1",)), ('["a", "", 3, "b"]', ("a", "b")), ("", ())],
)
def test_the_secret_value_is_one_secret_or_a_list(text, secrets):
    # GIVEN a stored secret value
    # WHEN it is parsed
    # THEN it yields the accepted secrets
    assert parse_secret(text) == secrets
