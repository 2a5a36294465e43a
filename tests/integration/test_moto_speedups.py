"""The DynamoDB speed-up of `shared.local.moto_speedups` changes how fast moto answers, never what it answers."""

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
    return [{k: v for k, v in a.items() if k != "ResponseMetadata"} for a in answers]


def test_queries_answer_the_same_with_and_without_the_speedup(monkeypatch):
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
        # WHEN the same queries run without, then with the speed-up
        plain = _queries(table)
        with moto_speedups.patched():
            faster = _queries(table)
        # THEN the items, their order, the counts and the page keys are identical
        assert faster == plain
        assert sum(len(a["Items"]) for a in plain) > 50  # the queries found something to compare
