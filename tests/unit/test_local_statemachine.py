"""The in-process interpreter of the simulations follows the States Language as AWS documents it, for the part the
platform's definition uses, and refuses what it does not implement."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.statemachine import StateMachine, UnsupportedAsl
from shared.platform.statemachine import definition

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:enrolment"
FUNCTIONS = {"AdvanceFunctionArn": "advance", "ActFunctionArn": "act", "ContinueAsNewFunctionArn": "continue"}
PLATFORM = definition({**FUNCTIONS, "CoreTableName": "core"})
INPUT = {"tenant_id": "t", "run_id": "r", "run_pk": "T#t#RUN#r", "generation": 0, "loops": 0, "max_loops": 3}


class Services:
    """Lambda functions that answer from a script (a payload, or an error type), and a DynamoDB that records."""

    def __init__(self, script: dict[str, list[Any]]) -> None:
        self.script, self.calls, self.updates = script, [], []
        self.refuse_update = False

    def invoke(self, function: str, payload: Any) -> tuple[Any, str | None, str]:
        self.calls.append((function, payload))
        answer = self.script[function].pop(0)
        if isinstance(answer, str):  # an error type
            return None, answer, json.dumps({"errorType": answer, "errorMessage": "scripted"})
        return {**payload, **answer}, None, ""  # a function's answer: its input with the scripted changes

    def dynamodb(self, action: str, parameters: dict[str, Any]) -> None:
        if self.refuse_update:
            error = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}
            raise ClientError(error, action)
        self.updates.append((action, parameters))


def machine(script: dict[str, list[Any]], asl: dict[str, Any] = PLATFORM) -> tuple[StateMachine, Services]:
    services = Services(script)
    return StateMachine(ARN, asl, services.invoke, services.dynamodb), services


def test_an_execution_acts_parks_on_its_token_and_resumes():
    # GIVEN advance says act, act says park
    sm, services = machine({"advance": [{"next": "act"}], "act": [{"next": "park", "loops": 1}]})
    # WHEN an execution starts and the queue drains
    arn, started = sm.start("r-g0", INPUT)
    sm.drain()
    # THEN it waits on a token written by the DynamoDB task, with the generation formatted as a number string
    execution = sm.executions[arn]
    assert started and execution.status == "RUNNING" and execution.token
    ((action, parameters),) = services.updates
    assert action == "updateItem" and parameters["TableName"] == "core"
    assert parameters["Key"] == {"pk": {"S": "T#t#RUN#r"}, "sk": {"S": "RUN"}}
    assert parameters["ExpressionAttributeValues"][":t"] == {"S": execution.token}
    assert parameters["ExpressionAttributeValues"][":g"] == {"N": "0"}
    # WHEN the scheduler sends the token back, and advance ends the run
    services.script["advance"].append({"next": "end"})
    token = execution.token
    assert sm.send_task_success(token, {"resumed_at": "now"})
    sm.drain()
    # THEN advance got the resume under ResultPath $.resume, the execution succeeded, and the token is spent
    assert services.calls[-1][1]["resume"] == {"resumed_at": "now"}
    assert execution.status == "SUCCEEDED"
    assert not sm.send_task_success(token, {})
    # AND starting the same name again starts nothing
    assert sm.start("r-g0", INPUT) == (arn, False)


def test_a_retryable_error_is_retried_and_a_lasting_one_is_caught_into_record_failure():
    # GIVEN advance loses a race twice (RunChanged) then acts; act fails for good; RecordFailure records it
    sm, services = machine(
        {"advance": ["RunChanged", "RunChanged", {"next": "act"}, {"recorded": True}], "act": ["PermanentError"]}
    )
    # WHEN the execution runs
    arn, _ = sm.start("r-g0", INPUT)
    sm.drain()
    # THEN advance ran three times, act once (PermanentError is not retried), RecordFailure got the error, and
    # the execution failed with the Fail state's error
    assert [function for function, _ in services.calls] == ["advance", "advance", "advance", "act", "advance"]
    failure = services.calls[-1][1]["failure"]
    assert failure["Error"] == "PermanentError" and json.loads(failure["Cause"])["errorType"] == "PermanentError"
    assert sm.executions[arn].status == "FAILED" and sm.executions[arn].error.error == "EnrolmentFailed"


def test_retries_stop_at_max_attempts():
    # GIVEN advance keeps losing its race (the platform retries 6 times)
    sm, services = machine({"advance": ["RunChanged"] * 7 + [{"recorded": True}]})
    # WHEN the execution runs
    sm.start("r-g0", INPUT)
    sm.drain()
    # THEN 1 attempt + 6 retries, then the catch to RecordFailure
    assert [f for f, _ in services.calls] == ["advance"] * 8
    assert services.calls[-1][1]["failure"]["Error"] == "RunChanged"


def test_a_superseded_park_succeeds_and_the_loop_limit_continues_as_new():
    # GIVEN a park whose condition fails (a newer generation owns the run)
    sm, services = machine({"advance": [{"next": "park", "loops": 1}]})
    services.refuse_update = True
    arn, _ = sm.start("r-g0", INPUT)
    sm.drain()
    # THEN the catch ends the execution in Superseded
    assert sm.executions[arn].status == "SUCCEEDED" and sm.executions[arn].state == "Superseded"
    # GIVEN a park at the loop limit
    sm, services = machine({"advance": [{"next": "park", "loops": 3}], "continue": [{"started": "r-g1"}]})
    arn, _ = sm.start("r-g0", INPUT)
    sm.drain()
    # THEN the choice (And, NumericGreaterThanEqualsPath) routes to ContinueAsNew, then Done
    assert [f for f, _ in services.calls] == ["advance", "continue"] and sm.executions[arn].status == "SUCCEEDED"


def test_an_unknown_route_fails_the_execution_and_stop_aborts_a_waiting_one():
    sm, _ = machine({"advance": [{"next": "sideways"}, {"next": "park", "loops": 1}]})
    first, _ = sm.start("r-g0", INPUT)
    second, _ = sm.start("r-g1", INPUT)
    sm.drain()
    assert sm.executions[first].status == "FAILED"  # the Default: the Fail state
    assert sm.executions[second].token is not None
    assert sm.stop(second) and sm.executions[second].status == "ABORTED"
    assert not sm.send_task_success(sm.executions[second].token, {})
    assert not sm.stop("arn:aws:states:us-east-1:123456789012:execution:enrolment:nothing")


@pytest.mark.parametrize(
    "change",
    [
        {"Wait": {"Type": "Wait", "Seconds": 5, "Next": "Done"}},
        {"Advance": {**PLATFORM["States"]["Advance"], "InputPath": "$.run"}},
        {"Advance": {**PLATFORM["States"]["Advance"], "Resource": "arn:aws:states:::sqs:sendMessage"}},
        {"Route": {"Type": "Choice", "Choices": [{"Variable": "$.next", "StringMatches": "a*", "Next": "Act"}]}},
    ],
    ids=["wait-state", "input-path", "other-resource", "string-matches"],
)
def test_what_is_not_implemented_is_refused_when_the_definition_loads(change):
    asl = {**PLATFORM, "States": {**PLATFORM["States"], **change}}
    with pytest.raises(UnsupportedAsl):
        machine({}, asl)
