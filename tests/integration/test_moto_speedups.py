"""The DynamoDB speed-ups of `emulator.moto_speedups` change how fast moto answers, never what it answers."""

import random
from contextlib import nullcontext
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from emulator import moto_speedups
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


def _index_story(table: Any) -> list[Any]:
    """Index queries between writes of every kind that add an item to an index, move it, and take it out."""
    client, name = table.meta.client, table.name

    def due(bucket: str) -> list[Any]:
        found = table.query(IndexName="due", KeyConditionExpression=Key("due_bucket").eq(bucket))["Items"]
        return [(item["pk"], item["sk"]) for item in found]

    answers = [due("DUE#t#1")]  # builds the index's candidates from the table
    table.put_item(Item={"pk": "T#t#RUN#a", "sk": "RUN", "due_bucket": "DUE#t#1", "next_run_at": "2026-11-20"})
    answers += [due("DUE#t#1")]
    table.update_item(Key={"pk": "T#t#RUN#a", "sk": "RUN"}, UpdateExpression="SET due_bucket = :b",
                      ExpressionAttributeValues={":b": "DUE#t#2"})  # fmt: skip
    answers += [due("DUE#t#1"), due("DUE#t#2")]
    table.update_item(Key={"pk": "T#t#RUN#a", "sk": "RUN"}, UpdateExpression="REMOVE due_bucket")
    answers += [due("DUE#t#2")]
    with table.batch_writer() as batch:
        batch.put_item(Item={"pk": "T#t#RUN#b", "sk": "RUN", "due_bucket": "DUE#t#1", "next_run_at": "2026-11-21"})
        batch.put_item(Item={"pk": "T#t#RUN#c", "sk": "RUN", "due_bucket": "DUE#t#1", "next_run_at": "2026-11-22"})
    answers += [due("DUE#t#1")]
    to_bucket_3 = {"UpdateExpression": "SET due_bucket = :b", "ExpressionAttributeValues": {":b": "DUE#t#3"}}
    move = {"Update": {"TableName": name, "Key": {"pk": "T#t#RUN#b", "sk": "RUN"}, **to_bucket_3}}
    drop = {"Delete": {"TableName": name, "Key": {"pk": "T#t#RUN#c", "sk": "RUN"}}}
    client.transact_write_items(TransactItems=[move, drop])
    answers += [due("DUE#t#1"), due("DUE#t#3")]
    refused = {**drop["Delete"], "ConditionExpression": "attribute_exists(pk)"}
    try:  # a refused transaction changes nothing, in the table or in the index
        added = {"pk": "T#t#RUN#d", "sk": "RUN", "due_bucket": "DUE#t#1", "next_run_at": "2026-11-23"}
        client.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": added}}, {"Delete": refused}])
    except client.exceptions.TransactionCanceledException as error:
        answers.append(error.response["Error"]["Code"])
    answers += [due("DUE#t#1"), table.get_item(Key={"pk": "T#t#RUN#d", "sk": "RUN"}).get("Item")]
    table.delete_item(Key={"pk": "T#t#RUN#b", "sk": "RUN"})
    answers += [due("DUE#t#3"), due("DUE#t#1")]
    return answers + _updates(table)


def _updates(table: Any) -> list[Any]:
    """Updates as the platform writes them (SET and REMOVE of top-level attributes, a condition), and ones that
    moto refuses: the items they leave and the errors they raise."""
    client, key = table.meta.client, {"pk": "T#t#RUN#e", "sk": "RUN"}
    answers: list[Any] = []

    def attempt(**request: Any) -> None:
        try:
            answer = table.update_item(Key=key, **request)
            answers.append({k: v for k, v in answer.items() if k != "ResponseMetadata"})
        except client.exceptions.ClientError as error:
            answers.append(error.response["Error"])
        answers.append(table.get_item(Key=key).get("Item"))

    status = {"#s": "status"}
    attempt(UpdateExpression="SET #s = :s, n = :n", ExpressionAttributeNames=status,
            ExpressionAttributeValues={":s": "active", ":n": 1})  # a new item  # fmt: skip
    two = {":n": 2, ":m": {"a": [1, "b"]}, ":one": 1}
    attempt(UpdateExpression="SET n = :n, m = :m REMOVE #s", ConditionExpression="n = :one",
            ExpressionAttributeNames=status, ExpressionAttributeValues=two)  # fmt: skip
    attempt(UpdateExpression="SET n = :n", ConditionExpression="n = :o", ExpressionAttributeValues={":n": 3, ":o": 1})
    attempt(UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": 3, ":unused": 1})
    attempt(UpdateExpression="SET pk = :n", ExpressionAttributeValues={":n": "other"})
    attempt(UpdateExpression="SET n = :n", ExpressionAttributeValues={":n": 4}, ReturnValues="ALL_OLD")
    return answers


def test_index_queries_follow_every_kind_of_write(monkeypatch):
    # GIVEN a core table, once on plain moto and once with the speed-ups
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    answers = []
    for speedups in (False, True):
        with mock_aws(), moto_speedups.patched() if speedups else nullcontext():
            boto3.client("dynamodb", region_name="us-east-1").create_table(**CORE.create_table_request("core"))
            table = boto3.resource("dynamodb", region_name="us-east-1").Table("core")
            table.put_item(Item={"pk": "T#t#RUN#z", "sk": "RUN", "due_bucket": "DUE#t#1", "next_run_at": "2026-11-19"})
            # WHEN items enter, move within and leave the due index by put, update, batch, transaction and delete
            answers.append(_index_story(table))
    # THEN every index query answers the same, and the story did move items
    plain, faster = answers
    assert faster == plain
    assert plain[1] == [("T#t#RUN#z", "RUN"), ("T#t#RUN#a", "RUN")] and plain[3] == [("T#t#RUN#a", "RUN")]


def test_items_measure_as_moto_measures_them():
    # GIVEN items holding every attribute type, nested
    nested = {"M": {"a": {"L": [{"N": "1.50"}, {"S": "été"}, {"NULL": True}]}, "b": {"BOOL": False}}}
    items = [
        Item(DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "n": {"N": "-12.25"}, "b": {"B": b"\x00\x01"}}),
        Item(DynamoType({"S": "k"}), None, {"ss": {"SS": ["a", "bé"]}, "ns": {"NS": ["1", "22"]}, "m": nested}),
        Item(DynamoType({"S": "k"}), None, {"l": {"L": [nested, {"BS": [b"x", b"yz"]}, {"S": ""}]}}),
    ]
    # WHEN they are measured by the speed-up and by moto
    # THEN the sizes are equal
    assert [moto_speedups.item_size(i) for i in items] == [i.size() for i in items]
    assert all(size > 0 for size in map(moto_speedups.item_size, items))
