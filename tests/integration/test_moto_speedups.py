"""The DynamoDB speed-ups of `shared.local.moto_speedups` change how fast moto answers, never what it answers."""

import random
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from moto import mock_aws

from shared.local import moto_speedups
from shared.platform.tables import CORE

pytestmark = pytest.mark.integration


def _queries(table: Any) -> list[Any]:
    """Base-table and index queries, forwards and backwards, paged, with range conditions."""
    answers = []
    for pk in ("T#t#C#c3", "T#t#C#missing"):
        answers.append(table.query(KeyConditionExpression=Key("pk").eq(pk)))
        answers.append(table.query(KeyConditionExpression=Key("pk").eq(pk) & Key("sk").begins_with("b"), Limit=3))
        answers.append(table.query(KeyConditionExpression=Key("pk").eq(pk), ScanIndexForward=False, Limit=4))
    for bucket in ("DUE#t#1", "DUE#t#5"):
        first = table.query(IndexName="due", KeyConditionExpression=Key("due_bucket").eq(bucket), Limit=2)
        answers.append(first)
        if "LastEvaluatedKey" in first:
            answers.append(
                table.query(
                    IndexName="due",
                    KeyConditionExpression=Key("due_bucket").eq(bucket) & Key("next_run_at").lte("2026-11-20"),
                    ExclusiveStartKey=first["LastEvaluatedKey"],
                )
            )
    answers.append(table.query(IndexName="by_customer", KeyConditionExpression=Key("customer_key").eq("C#2")))
    answers.append(table.scan(Limit=7))
    client = table.meta.client
    answers.append(table.get_item(Key={"pk": "T#t#C#c3", "sk": "a#0003"}, ConsistentRead=True))
    answers.append(table.get_item(Key={"pk": "T#t#C#c3", "sk": "nothing"}))
    answers.append(table.update_item(Key={"pk": "T#t#C#c3", "sk": "z#1"}, UpdateExpression="SET n = :n",
                                     ExpressionAttributeValues={":n": 1}, ReturnValues="ALL_NEW"))  # fmt: skip
    answers.append(table.put_item(Item={"pk": "T#t#C#c4", "sk": "z#2", "n": 2}, ReturnValues="ALL_OLD"))
    answers.append(table.delete_item(Key={"pk": "T#t#C#c4", "sk": "z#2"}, ReturnValues="ALL_OLD"))
    try:
        table.put_item(Item={"pk": "T#t#C#c3", "sk": "z#1"}, ConditionExpression="attribute_not_exists(pk)")
    except client.exceptions.ConditionalCheckFailedException as error:
        answers.append(error.response["Error"])
    put = {"Put": {"TableName": table.name, "Item": {"pk": "T#t#C#c5", "sk": "t#1"}}}
    answers.append(client.transact_write_items(TransactItems=[put]))
    answers.append(client.batch_get_item(RequestItems={table.name: {"Keys": [{"pk": "T#t#C#c5", "sk": "t#1"}]}}))
    answers.append(table.query(KeyConditionExpression=Key("pk").eq("T#t#C#c3"), ReturnConsumedCapacity="TOTAL"))
    return [{k: v for k, v in a.items() if k != "ResponseMetadata"} for a in answers]


def test_requests_answer_the_same_with_and_without_the_speedups(monkeypatch):
    # GIVEN a core table with items spread over partitions, a sparse due index and a customer index
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    rng = random.Random(3)
    with mock_aws():
        boto3.client("dynamodb", region_name="us-east-1").create_table(**CORE.create_table_request("core"))
        table = boto3.resource("dynamodb", region_name="us-east-1").Table("core")
        with table.batch_writer() as batch:
            for n in range(400):
                item = {"pk": f"T#t#C#c{n % 9}", "sk": f"{rng.choice('abc')}#{n:04d}", "customer_key": f"C#{n % 4}"}
                item["customer_sort"] = f"RUN#{rng.randint(0, 99):02d}#{n}"
                if n % 3 == 0:
                    item |= {"due_bucket": f"DUE#t#{n % 8}", "next_run_at": f"2026-11-{rng.randint(10, 30)}"}
                batch.put_item(Item=item)
        snapshot = table.scan()["Items"]
        # WHEN the same requests run without, then (on the same items) with the speed-up
        plain = _queries(table)
        with table.batch_writer() as batch:
            for key in ({"pk": "T#t#C#c3", "sk": "z#1"}, {"pk": "T#t#C#c5", "sk": "t#1"}):
                batch.delete_item(Key=key)
        assert table.scan()["Items"] == snapshot
        with moto_speedups.patched():
            faster = _queries(table)
        # THEN the items, their order, the counts, the page keys and the errors are identical
        assert faster == plain
        assert sum(len(a.get("Items", [])) for a in plain) > 50  # the queries found something to compare
