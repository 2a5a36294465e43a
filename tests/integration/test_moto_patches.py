"""The two moto patches of `emulator.moto_patches`: in-process handlers, EventBridge Lambda/SFN targets."""

import io
import json
import logging
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.awslambda.models import LambdaFunction
from moto.events.models import Rule

from emulator import moto_patches
from tests.integration import handlers_for_patch_tests as handlers

pytestmark = pytest.mark.integration

REGION = "us-east-1"
ACCOUNT = "123456789012"
TABLE = "patch-tests"
HANDLERS = "tests.integration.handlers_for_patch_tests"
SFN_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}}


@dataclass
class Aws:
    """Clients on moto plus the few helpers every test needs."""

    lam: Any
    sfn: Any
    ddb: Any
    events: Any
    sqs: Any
    role_arn: str

    def function(self, name: str, handler: str, mode: str = "test") -> str:
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("placeholder.py", "")  # moto needs a zip; the handler runs from the test's sys.path
        return str(
            self.lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=self.role_arn,
                Handler=f"{HANDLERS}.{handler}",
                Code={"ZipFile": code.getvalue()},
                Timeout=30,
                MemorySize=256,
                Environment={"Variables": {"TABLE_NAME": TABLE, "MODE": mode}},
            )["FunctionArn"]
        )

    def run(self, definition: dict[str, Any], execution_input: dict[str, Any]) -> dict[str, Any]:
        machine = self.sfn.create_state_machine(name="m", definition=json.dumps(definition), roleArn=self.role_arn)
        execution = self.sfn.start_execution(
            stateMachineArn=machine["stateMachineArn"], input=json.dumps(execution_input)
        )["executionArn"]
        return self.wait(execution)

    def wait(self, execution_arn: str) -> dict[str, Any]:
        deadline = time.monotonic() + 5
        while True:
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING" or time.monotonic() > deadline:
                return described
            time.sleep(0.05)

    def queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def receive(self, url: str) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        return list(response.get("Messages", []))

    def item(self, key: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.ddb.get_item(TableName=TABLE, Key={"pk": {"S": key}}).get("Item")
        return found

    def rule(self, name: str, targets: list[dict[str, Any]], state: str = "ENABLED") -> None:
        pattern = json.dumps({"source": ["ar.ledger"], "detail-type": ["InvoiceCreated"]})
        self.events.put_rule(Name=name, EventBusName="ar", EventPattern=pattern, State=state)
        self.events.put_targets(Rule=name, EventBusName="ar", Targets=targets)

    def put_invoice_created(self) -> str:
        entry = {"EventBusName": "ar", "Source": "ar.ledger", "DetailType": "InvoiceCreated", "Detail": '{"n": 1}'}
        response = self.events.put_events(Entries=[entry])
        assert response["FailedEntryCount"] == 0
        return str(response["Entries"][0]["EventId"])


@pytest.fixture
def plain_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """Moto with the real state machine interpreter, one table and one bus, without the patches."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    # handlers get their region from the patch (as from the Lambda runtime), never from the test's environment
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    handlers.CALLS.clear()
    with mock_aws(config=SFN_CONFIG):
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        aws = Aws(
            lam=boto3.client("lambda", region_name=REGION),
            sfn=boto3.client("stepfunctions", region_name=REGION),
            ddb=boto3.client("dynamodb", region_name=REGION),
            events=boto3.client("events", region_name=REGION),
            sqs=boto3.client("sqs", region_name=REGION),
            role_arn=role,
        )
        aws.ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        aws.events.create_event_bus(Name="ar")
        yield aws


@pytest.fixture
def aws(plain_aws: Aws) -> Iterator[Aws]:
    """`plain_aws` with both patches applied."""
    with moto_patches.patched():
        yield plain_aws


# ---------------------------------------------------------------- patch 1: handlers in-process


def test_invoke_runs_the_handler_with_its_environment_and_restores_os_environ(
    aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a function whose handler writes to DynamoDB, and MODE unset in the test process
    aws.function("recorder", "record", mode="from-function")
    environment_before = dict(os.environ)
    assert "MODE" not in os.environ

    # WHEN it is invoked synchronously
    with caplog.at_level(logging.DEBUG, logger=moto_patches.__name__):
        response = aws.lam.invoke(FunctionName="recorder", Payload=json.dumps({"key": "k-1"}))

    # THEN the real handler ran with the function's variables and a Lambda context, its boto3 call hit moto,
    # and the test process's environment is exactly as before
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()) == {"recorded": "k-1", "mode": "from-function"}
    (call,) = handlers.CALLS
    assert call["event"] == {"key": "k-1"}
    assert call["function_name"] == "recorder"
    assert call["remaining_ms"] == 30_000
    assert len(call["request_id"]) == 36
    assert aws.item("k-1") == {"pk": {"S": "k-1"}, "mode": {"S": "from-function"}}
    assert dict(os.environ) == environment_before
    (logged,) = [r for r in caplog.records if r.name == moto_patches.__name__]
    assert (logged.levelno, logged.__dict__["handler"]) == (logging.DEBUG, f"{HANDLERS}.record")
    assert logged.__dict__["aws_request_id"] == call["request_id"]


def test_a_raising_handler_reports_a_handled_function_error_and_still_restores_os_environ(aws: Aws) -> None:
    # GIVEN a function whose handler raises a typed error
    aws.function("failing", "fail", mode="failing")
    environment_before = dict(os.environ)

    # WHEN it is invoked
    response = aws.lam.invoke(FunctionName="failing", Payload=json.dumps({"key": "k-2"}))

    # THEN the Lambda error contract is returned (class name as errorType) and the environment is restored
    assert response["FunctionError"] == "Handled"
    error = json.loads(response["Payload"].read())
    assert error["errorType"] == "PaymentLookupFailedError"
    assert error["errorMessage"] == "ledger unavailable for k-2"
    assert any("raise PaymentLookupFailedError" in frame for frame in error["stackTrace"])
    assert dict(os.environ) == environment_before


def test_concurrent_handlers_never_see_each_others_environment(aws: Aws) -> None:
    # GIVEN two functions with different MODE values
    aws.function("mode-a", "read_mode_twice", mode="a")
    aws.function("mode-b", "read_mode_twice", mode="b")
    results: dict[str, Any] = {}

    def invoke(name: str) -> None:
        results[name] = json.loads(aws.lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())

    # WHEN both are invoked from two threads at once, several times
    for _ in range(3):
        threads = [threading.Thread(target=invoke, args=(name,)) for name in ("mode-a", "mode-b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)

        # THEN each handler saw only its own environment, from start to end
        assert results == {"mode-a": {"before": "a", "after": "a"}, "mode-b": {"before": "b", "after": "b"}}


def test_a_handler_can_invoke_another_function_and_gets_its_own_environment_back(aws: Aws) -> None:
    # GIVEN an outer function that invokes an inner one with another MODE
    aws.function("inner", "record", mode="inner")
    aws.function("outer", "invoke_other", mode="outer")

    # WHEN the outer one is invoked (on a thread, so that a deadlock fails the test instead of hanging it)
    responses: list[Any] = []
    invocation = threading.Thread(
        target=lambda: responses.append(aws.lam.invoke(FunctionName="outer", Payload=json.dumps({"other": "inner"}))),
        daemon=True,
    )
    invocation.start()
    invocation.join(timeout=5)

    # THEN the inner handler ran with its variables (no deadlock: the lock is re-entrant) and the outer's came back
    assert not invocation.is_alive(), "nested invocation deadlocked"
    outer = json.loads(responses[0]["Payload"].read())
    assert outer == {"before": "outer", "inner": '{"recorded": "inner", "mode": "inner"}', "after": "outer"}


def test_a_step_functions_lambda_task_runs_the_handler_and_returns_its_payload(aws: Aws) -> None:
    # GIVEN a state machine with one lambda:invoke task
    arn = aws.function("recorder", "record")
    definition = {
        "StartAt": "Record",
        "States": {
            "Record": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": arn, "Payload": {"key.$": "$.key"}},
                "OutputPath": "$.Payload",
                "End": True,
            }
        },
    }

    # WHEN an execution runs
    execution = aws.run(definition, {"key": "k-sfn"})

    # THEN it succeeded with the handler's return value, and the handler's DynamoDB write is there
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"recorded": "k-sfn", "mode": "test"}
    assert aws.item("k-sfn") is not None


def _task(arn: str, **rest: Any) -> dict[str, Any]:
    parameters = {"FunctionName": arn, "Payload": {"key.$": "$.key"}}
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": parameters, **rest}


def test_a_catch_on_the_exception_class_name_routes_the_failure(aws: Aws) -> None:
    # GIVEN a task whose handler raises PaymentLookupFailedError, a Catch for another error first, then for it
    arn = aws.function("failing", "fail")
    catch = [
        {"ErrorEquals": ["Lambda.ServiceException"], "Next": "Wrong"},
        {"ErrorEquals": ["PaymentLookupFailedError"], "ResultPath": "$.error", "Next": "Handled"},
    ]
    definition = {
        "StartAt": "Lookup",
        "States": {
            "Lookup": _task(arn, Catch=catch, End=True),
            "Wrong": {"Type": "Fail", "Error": "WrongBranch"},
            "Handled": {"Type": "Pass", "End": True},
        },
    }

    # WHEN an execution runs
    execution = aws.run(definition, {"key": "k-catch"})

    # THEN the matching Catch took it, with the error name and the handler's message in the cause
    assert execution["status"] == "SUCCEEDED"
    error = json.loads(execution["output"])["error"]
    assert error["Error"] == "PaymentLookupFailedError"
    assert json.loads(error["Cause"])["errorMessage"] == "ledger unavailable for k-catch"
    assert [call["handler"] for call in handlers.CALLS] == ["fail"]


def test_a_retry_on_the_exception_class_name_retries_the_task(aws: Aws) -> None:
    # GIVEN a task whose handler fails once with PaymentLookupFailedError, and a Retry on that name
    arn = aws.function("flaky", "fail_once")
    retry = [{"ErrorEquals": ["PaymentLookupFailedError"], "IntervalSeconds": 1, "MaxAttempts": 2}]
    definition = {"StartAt": "Lookup", "States": {"Lookup": _task(arn, Retry=retry, OutputPath="$.Payload", End=True)}}

    # WHEN an execution runs
    execution = aws.run(definition, {"key": "k-retry"})

    # THEN the second attempt succeeded
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"attempts": 2}
    assert [call["handler"] for call in handlers.CALLS] == ["fail_once", "fail_once"]


# ---------------------------------------------------------------- patch 2: EventBridge Lambda/SFN targets


def test_a_rule_on_a_custom_bus_delivers_the_full_event_to_a_lambda_target(aws: Aws) -> None:
    # GIVEN a rule on the custom bus with a Lambda target
    arn = aws.function("on-invoice", "record")
    aws.rule("invoices", [{"Id": "fn", "Arn": arn}])

    # WHEN a matching event is put
    event_id = aws.put_invoice_created()

    # THEN the handler got the AWS envelope, account included, time as ISO text, no moto-only fields
    (call,) = handlers.CALLS
    event = call["event"]
    assert event["id"] == event_id
    assert event["account"] == ACCOUNT
    assert (event["source"], event["detail-type"], event["detail"]) == ("ar.ledger", "InvoiceCreated", {"n": 1})
    assert isinstance(event["time"], str) and event["time"].endswith("Z")
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert aws.item(event_id) is not None


def test_a_lambda_target_with_an_input_transformer_gets_only_the_rendered_template(aws: Aws) -> None:
    # GIVEN a Lambda target with an input transformer
    arn = aws.function("on-invoice", "record")
    transformer = {"InputPathsMap": {"id": "$.id"}, "InputTemplate": '{"key": "<id>", "kind": "created"}'}
    aws.rule("invoices", [{"Id": "fn", "Arn": arn, "InputTransformer": transformer}])

    # WHEN a matching event is put
    event_id = aws.put_invoice_created()

    # THEN the handler received the template's output, nothing added
    assert [call["event"] for call in handlers.CALLS] == [{"key": event_id, "kind": "created"}]


def test_a_rule_with_a_state_machine_target_starts_an_execution_named_after_the_event(aws: Aws) -> None:
    # GIVEN a rule whose target is a state machine
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    machine = aws.sfn.create_state_machine(name="on-invoice", definition=json.dumps(definition), roleArn=aws.role_arn)
    aws.rule("invoices", [{"Id": "sm", "Arn": machine["stateMachineArn"], "RoleArn": aws.role_arn}])

    # WHEN a matching event is put
    event_id = aws.put_invoice_created()

    # THEN one execution, named after the event id, ran on the event envelope
    (listed,) = aws.sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert listed["name"] == event_id
    execution = aws.wait(listed["executionArn"])
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["input"])["account"] == ACCOUNT


def test_a_disabled_rule_delivers_nothing(aws: Aws) -> None:
    # GIVEN a disabled rule with a Lambda target, and a rule disabled after creation
    arn = aws.function("on-invoice", "record")
    aws.rule("created-disabled", [{"Id": "fn", "Arn": arn}], state="DISABLED")
    aws.rule("disabled-later", [{"Id": "fn", "Arn": arn}])
    aws.events.disable_rule(Name="disabled-later", EventBusName="ar")

    # WHEN a matching event is put
    aws.put_invoice_created()

    # THEN no handler ran
    assert handlers.CALLS == []


def test_a_failing_lambda_target_puts_the_event_on_its_dead_letter_queue(aws: Aws) -> None:
    # GIVEN a Lambda target that raises, with a dead-letter queue
    arn = aws.function("on-invoice", "fail")
    dlq_url, dlq_arn = aws.queue("invoices-dlq")
    aws.rule("invoices", [{"Id": "fn", "Arn": arn, "DeadLetterConfig": {"Arn": dlq_arn}}])

    # WHEN a matching event is put
    event_id = aws.put_invoice_created()

    # THEN put_events succeeded and the DLQ holds the event with EventBridge's error attributes
    (message,) = aws.receive(dlq_url)
    assert json.loads(message["Body"])["id"] == event_id
    attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
    assert attributes == {
        "ERROR_CODE": "PaymentLookupFailedError",
        "ERROR_MESSAGE": "ledger unavailable for event",
        "RULE_ARN": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/ar/invoices",
        "TARGET_ARN": arn,
    }


def test_a_missing_target_function_goes_to_the_dead_letter_queue_too(aws: Aws) -> None:
    # GIVEN a target naming a function that does not exist, with a dead-letter queue
    dlq_url, dlq_arn = aws.queue("invoices-dlq")
    missing = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:deleted"
    aws.rule("invoices", [{"Id": "fn", "Arn": missing, "DeadLetterConfig": {"Arn": dlq_arn}}])

    # WHEN a matching event is put
    aws.put_invoice_created()

    # THEN the event is on the DLQ with the service's error code
    (message,) = aws.receive(dlq_url)
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "ResourceNotFoundException"


def test_a_failing_lambda_target_without_a_dead_letter_queue_is_logged(
    aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a Lambda target that raises, without a dead-letter queue
    arn = aws.function("on-invoice", "fail")
    aws.rule("invoices", [{"Id": "fn", "Arn": arn}])

    # WHEN a matching event is put
    with caplog.at_level(logging.ERROR, logger=moto_patches.__name__):
        aws.put_invoice_created()

    # THEN put_events still succeeded, and the failure is logged with structured fields
    (record,) = [r for r in caplog.records if r.name == moto_patches.__name__]
    assert record.levelno == logging.ERROR
    assert record.__dict__["error_code"] == "PaymentLookupFailedError"
    assert record.__dict__["target_arn"] == arn


def test_sqs_targets_still_go_through_moto(aws: Aws) -> None:
    # GIVEN one rule with both an SQS target and a Lambda target
    arn = aws.function("on-invoice", "record")
    url, queue_arn = aws.queue("invoices")
    aws.rule("invoices", [{"Id": "q", "Arn": queue_arn}, {"Id": "fn", "Arn": arn}])

    # WHEN a matching event is put
    event_id = aws.put_invoice_created()

    # THEN moto delivered to the queue and the patch to the function; the rule keeps both targets
    (message,) = aws.receive(url)
    assert json.loads(message["Body"])["id"] == event_id
    assert [call["event"]["id"] for call in handlers.CALLS] == [event_id]
    assert len(aws.events.list_targets_by_rule(Rule="invoices", EventBusName="ar")["Targets"]) == 2


# ---------------------------------------------------------------- apply / remove


def test_remove_restores_moto_and_apply_is_idempotent(plain_aws: Aws) -> None:
    # GIVEN moto's own methods
    original_invoke, original_send = LambdaFunction._invoke_lambda, Rule.send_to_targets
    arn = plain_aws.function("on-invoice", "record")
    plain_aws.rule("invoices", [{"Id": "fn", "Arn": arn}])

    # WHEN the patches are applied twice, then removed once
    moto_patches.apply()
    moto_patches.apply()
    try:
        assert LambdaFunction._invoke_lambda is not original_invoke
        plain_aws.put_invoice_created()
        assert len(handlers.CALLS) == 1
    finally:
        moto_patches.remove()

    # THEN moto's originals are back, and a Lambda target fails again as in plain moto
    assert LambdaFunction._invoke_lambda is original_invoke
    assert Rule.send_to_targets is original_send
    with pytest.raises(NotImplementedError):
        plain_aws.put_invoice_created()


def test_patched_leaves_patches_applied_by_an_outer_caller(plain_aws: Aws) -> None:
    # GIVEN the patches applied by an outer caller
    original_send = Rule.send_to_targets
    with moto_patches.patched():
        patched_send = Rule.send_to_targets

        # WHEN an inner block uses patched() too
        with moto_patches.patched():
            pass

        # THEN the patches survive the inner block, and leave with the outer one
        assert Rule.send_to_targets is patched_send
    assert Rule.send_to_targets is original_send
