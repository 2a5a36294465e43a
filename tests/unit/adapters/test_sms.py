"""The End User Messaging SMS adapter: the exact SendTextMessage request, and how service errors become typed
errors (stubbed with botocore's Stubber: no network). And the fake the local runtime sends to."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from emulator.fake_sms import FakeSms
from shared.adapters.sms import EndUserMessagingSms
from shared.errors import PermanentError, RetryableError, SmsOptedOut, SmsRejected, SmsThrottled
from shared.ports import OutgoingSms

NUMBER = "+447911123456"
CONTEXT = {"tenant": "acme-uk", "run": "run_1", "communication": "act_1:0"}


def offline_client() -> Any:
    return boto3.client(
        "pinpoint-sms-voice-v2",
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def stubbed(configuration_set: str = "chaseflow-messages", origination: str = "pool-1") -> tuple[Any, Stubber]:
    client = offline_client()
    return EndUserMessagingSms(configuration_set, origination, client=client), Stubber(client)


def test_a_text_is_sent_as_a_transactional_message_with_its_context():
    # GIVEN the adapter with a configuration set and an origination identity
    sender, stub = stubbed()
    expected = {
        "DestinationPhoneNumber": NUMBER,
        "OriginationIdentity": "pool-1",
        "MessageBody": "Hi Jane, invoice INV-1 is due.",
        "MessageType": "TRANSACTIONAL",
        "ConfigurationSetName": "chaseflow-messages",
        "Context": CONTEXT,
    }
    stub.add_response("send_text_message", {"MessageId": "msg-1"}, expected)
    # WHEN one SMS is sent
    with stub:
        message_id = sender.send(OutgoingSms(NUMBER, "Hi Jane, invoice INV-1 is due.", CONTEXT))
    # THEN exactly that request was made and the service's message id is returned
    stub.assert_no_pending_responses()
    assert message_id == "msg-1"


def test_optional_parameters_are_left_out_and_the_context_is_made_acceptable():
    # GIVEN no configuration set or origination identity, and a context with an empty value and a spaced key
    sender, stub = stubbed(configuration_set="", origination="")
    expected = {
        "DestinationPhoneNumber": NUMBER,
        "MessageBody": "Hello",
        "MessageType": "TRANSACTIONAL",
        "Context": {"tenant": "acme-uk", "workflowname": "Invoice text"},
    }
    stub.add_response("send_text_message", {"MessageId": "msg-2"}, expected)
    # WHEN it sends
    with stub:
        sender.send(OutgoingSms(NUMBER, "Hello", {"tenant": "acme-uk", "run": "", "workflow name": " Invoice text "}))
    # THEN the request holds neither, and the context keys and values the service accepts
    stub.assert_no_pending_responses()


ERRORS = [
    pytest.param("ThrottlingException", None, SmsThrottled, id="throttled"),
    pytest.param("ValidationException", "CANNOT_PARSE", SmsRejected, id="invalid-number"),
    pytest.param("ValidationException", "DESTINATION_COUNTRY_BLOCKED", SmsRejected, id="country-blocked"),
    pytest.param("ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", SmsOptedOut, id="opted-out"),
    pytest.param(
        "ConflictException", "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE", SmsRejected, id="blocked"
    ),
    pytest.param("ResourceNotFoundException", None, SmsRejected, id="unknown-configuration-set"),
    pytest.param("AccessDeniedException", "ACCOUNT_DISABLED", SmsRejected, id="access-denied"),
    pytest.param("InternalServerException", None, RetryableError, id="internal-error"),
    pytest.param("ServiceQuotaExceededException", "MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT", RetryableError, id="quota"),
]


@pytest.mark.parametrize(("code", "reason", "expected"), ERRORS)
def test_service_errors_become_typed_errors(code: str, reason: str | None, expected: type[Exception]):
    # GIVEN the service answers with an error (and its Reason, a modelled field)
    sender, stub = stubbed()
    modeled = {"Reason": reason} if reason else None
    stub.add_client_error("send_text_message", code, "refused", modeled_fields=modeled)
    # WHEN an SMS is sent
    with stub, pytest.raises(expected) as raised:
        sender.send(OutgoingSms(NUMBER, "Hello", CONTEXT))
    # THEN the error's exact class tells retry from give-up, and names the code and reason
    assert type(raised.value) is expected
    assert code in str(raised.value)
    if reason and isinstance(raised.value, SmsRejected):
        assert raised.value.reason == reason
        assert reason in str(raised.value)


def test_only_throttling_and_passing_failures_are_retryable():
    # GIVEN the typed errors
    # WHEN their families are compared
    # THEN throttling is retried, a refusal is never, and an opt-out is a kind of refusal
    assert issubclass(SmsThrottled, RetryableError) and not issubclass(SmsThrottled, PermanentError)
    assert issubclass(SmsRejected, PermanentError) and not issubclass(SmsRejected, RetryableError)
    assert issubclass(SmsOptedOut, SmsRejected)


def test_the_adapter_builds_its_own_client_offline(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a region and fake credentials in the environment, as a Lambda has (sockets are blocked here)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    sender = EndUserMessagingSms("chaseflow-messages", "pool-1")
    # WHEN its client is built and stubbed
    client = sender._client
    stub = Stubber(client)
    stub.add_response("send_text_message", {"MessageId": "msg-3"})
    with stub:
        message_id = sender.send(OutgoingSms(NUMBER, "Hello"))
    # THEN it is the End User Messaging SMS client of that region, and it sent through the stub
    assert client.meta.service_model.service_name == "pinpoint-sms-voice-v2"
    assert client.meta.region_name == "eu-west-2"
    assert message_id == "msg-3"


def test_the_fake_records_every_message_in_order():
    # GIVEN a fresh fake
    fake = FakeSms()
    # WHEN three messages are sent
    ids = [fake.send(OutgoingSms(f"+4479111234{n:02d}", f"text {n}")) for n in range(3)]
    # THEN each got its own id and they are recorded in order
    assert len(set(ids)) == 3
    assert [(s.message_id, s.sms.body) for s in fake.sent] == list(
        zip(ids, ["text 0", "text 1", "text 2"], strict=True)
    )


FAILURES = [
    pytest.param("throttled", SmsThrottled, id="throttled"),
    pytest.param("transient", RetryableError, id="transient"),
    pytest.param("rejected", SmsRejected, id="rejected"),
    pytest.param("opted_out", SmsOptedOut, id="opted-out"),
]


@pytest.mark.parametrize(("failure", "expected"), FAILURES)
def test_the_fake_fails_for_a_number_as_told_then_sends(failure: Any, expected: type[Exception]):
    # GIVEN a fake told to fail twice for one number
    fake = FakeSms()
    fake.fail(NUMBER, failure, times=2)
    # WHEN that number is sent to three times, and another number once
    for _ in range(2):
        with pytest.raises(expected) as raised:
            fake.send(OutgoingSms(NUMBER, "Hello"))
        assert type(raised.value) is expected
    fake.send(OutgoingSms("+447700123456", "Hi"))
    fake.send(OutgoingSms(NUMBER, "Hello again"))
    # THEN the two failures are recorded as refused, and the other sends went through in order
    assert [(sms.to_e164, kind) for sms, kind in fake.refused] == [(NUMBER, failure), (NUMBER, failure)]
    assert [s.sms.body for s in fake.sent] == ["Hi", "Hello again"]


def test_the_fake_fails_for_ever_unless_told_a_number_of_times_and_resets():
    # GIVEN a fake told to reject a number, with no count
    fake = FakeSms()
    fake.fail(NUMBER, "rejected")
    # WHEN it is sent to repeatedly
    for _ in range(3):
        with pytest.raises(SmsRejected):
            fake.send(OutgoingSms(NUMBER, "Hello"))
    # THEN every attempt failed; after a reset it sends and remembers nothing earlier
    assert len(fake.refused) == 3 and fake.sent == []
    fake.reset()
    fake.send(OutgoingSms(NUMBER, "Hello"))
    assert len(fake.sent) == 1 and fake.refused == []
