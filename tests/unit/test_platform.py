"""The infrastructure facts agree with the code: the ASL names real errors and functions, tables are sound."""

import json

import pytest

from functions import wiring  # imports every adapter, so that every error class is defined
from shared import errors
from shared.platform.functions import STATE_MACHINE_FUNCTIONS
from shared.platform.statemachine import ASL_FILE, definition, placeholders
from shared.platform.tables import TABLES

SUBSTITUTIONS = {name: f"arn:aws:lambda:us-east-1:123456789012:function:{name}" for name in STATE_MACHINE_FUNCTIONS}


def test_the_definition_substitutes_every_placeholder():
    # GIVEN the ASL file and its placeholders
    values = {**SUBSTITUTIONS, "CoreTableName": "core"}
    # WHEN the definition is built
    text = json.dumps(definition(values))
    # THEN no placeholder is left and every Lambda task uses a substituted ARN
    assert "${" not in text
    assert placeholders() == set(values)
    tasks = [s for s in definition(values)["States"].values() if s["Type"] == "Task"]
    lambda_arns = {s["Parameters"]["FunctionName"] for s in tasks if s["Resource"] == "arn:aws:states:::lambda:invoke"}
    assert lambda_arns <= set(SUBSTITUTIONS.values())


def test_a_missing_substitution_is_an_error():
    # GIVEN substitutions without the table name
    # WHEN the definition is built
    # THEN it refuses
    with pytest.raises(KeyError, match="CoreTableName"):
        definition(SUBSTITUTIONS)


def test_every_error_the_asl_matches_is_an_exception_class_or_an_aws_error():
    # GIVEN every ErrorEquals of every Retry and Catch
    asl = json.loads(ASL_FILE.read_text())
    names = {
        name
        for state in asl["States"].values()
        for rule in state.get("Retry", []) + state.get("Catch", [])
        for name in rule["ErrorEquals"]
    }
    # WHEN the names that are not AWS's own are looked up
    ours = {n for n in names if not n.startswith(("States.", "Lambda.", "DynamoDb.", "DynamoDB."))}
    # THEN each is one of our exception classes (a Lambda's errorType is the class name)
    assert ours
    assert ours <= {c.__name__ for c in _subclasses(errors.ChaseflowError)}


def test_every_lambda_task_retries_every_retryable_error_by_its_own_name():
    # GIVEN the retryable error classes (a Lambda reports the raised class, never a base class, as errorType)
    assert wiring.runtime  # the adapters, and their error classes, are imported
    retryable = {c.__name__ for c in _subclasses(errors.RetryableError)} | {"RetryableError"}
    assert {"RunChanged", "Throttled", "SmsThrottled", "EventsNotPublished"} <= retryable
    # WHEN the Lambda tasks' Retry rules are read
    asl = json.loads(ASL_FILE.read_text())
    lambda_tasks = [s for s in asl["States"].values() if s.get("Resource") == "arn:aws:states:::lambda:invoke"]
    # THEN each retries every one of them
    assert lambda_tasks
    for task in lambda_tasks:
        assert retryable <= {name for rule in task["Retry"] for name in rule["ErrorEquals"]}


def _subclasses(base: type) -> set[type]:
    found = set(base.__subclasses__())
    return found.union(*(_subclasses(c) for c in found)) if found else found


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_table_requests_define_exactly_the_key_attributes(table):
    # GIVEN a table spec
    # WHEN its CreateTable request is built
    request = table.create_table_request(f"x-{table.key}")
    # THEN every key attribute is defined once and on-demand billing is used
    defined = [a["AttributeName"] for a in request["AttributeDefinitions"]]
    assert sorted(defined) == sorted(set(defined)) == sorted(table.key_attributes())
    assert request["BillingMode"] == "PAY_PER_REQUEST"
