"""The write-back outbox in the template: the outbox table's stream feeds the relay function, new items only, with
partial batch responses and a dead-letter queue; the act function writes to the outbox, the relay reads it."""

import pytest

from tests.infra.conftest import properties

pytestmark = pytest.mark.infra


def test_the_outbox_stream_invokes_the_relay_for_new_items_only(template):
    # GIVEN the event source mappings
    (mapping,) = list(properties(template, "AWS::Lambda::EventSourceMapping").values())
    # THEN the outbox table's stream feeds the relay, filtered to INSERT, retried per record, dead-lettered
    assert mapping["FunctionName"]["Ref"].startswith("FunctionsRelayOutboxFunction")
    assert mapping["EventSourceArn"]["Fn::GetAtt"][0].startswith("StorageOutbox")
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in mapping["DestinationConfig"]


def test_the_outbox_table_has_a_stream_and_expires_its_items(template):
    # GIVEN the tables
    (outbox,) = [t for t in properties(template, "AWS::DynamoDB::Table").values() if t["TableName"].endswith("-outbox")]
    # THEN it streams its items and removes them after their time to live
    assert outbox["StreamSpecification"]["StreamViewType"] in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    assert outbox["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
