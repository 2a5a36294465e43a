"""The enrolment state machine run in this process, for simulations (the demo and ``chaseflow simulate``).

moto runs each execution on its own threads and keeps them, with the execution's history, for as long as the
execution waits for its task token: a simulation of a few thousand enrolments would hold thousands of threads
and spend much of its time switching between them. This interpreter runs the same definition (read back from
the state machine moto holds, placeholders filled) one execution at a time: a start or a resume queues the
execution, and ``drain`` runs the queue until every execution waits for a token or has ended, as the Step
Functions service would between two scheduler ticks.

It implements the part of the Amazon States Language the platform's definition uses, as AWS documents it:
Task (``lambda:invoke``, and ``aws-sdk:dynamodb:*.waitForTaskToken``), Choice, Succeed and Fail; Parameters
with ``.$`` paths, the context object and ``States.Format``; ResultPath and OutputPath; Retry and Catch. Anything
else raises ``UnsupportedAsl`` at load time, so a change to the definition cannot be half-understood here.
Differences, on purpose: Retry does not sleep its interval (virtual time), and TimeoutSeconds is not enforced
(the Park timeout is a year). ``tests/integration/test_local_statemachine.py`` runs the same enrolments here and
on moto's interpreter and compares the outcome.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NotRequired, Required, TypedDict

import boto3
from botocore.exceptions import ClientError
from moto.awslambda.utils import get_backend as lambda_backend

from shared.domain.engine.run import RunState
from shared.platform.statemachine import execution_input, execution_name

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
DYNAMODB_WAIT = re.compile(r"arn:aws:states:::aws-sdk:dynamodb:(\w+)\.waitForTaskToken")
STATE_FIELDS = {
    "Task": {"Type", "Comment", "Resource", "Parameters", "ResultPath", "OutputPath", "Retry", "Catch", "Next",
             "End", "TimeoutSeconds"},
    "Choice": {"Type", "Comment", "Choices", "Default"},
    "Succeed": {"Type", "Comment"},
    "Fail": {"Type", "Comment", "Error", "Cause"},
}  # fmt: skip
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "StringEquals": lambda a, b: isinstance(a, str) and a == b,
    "NumericEquals": lambda a, b: _number(a) and a == b,
    "NumericLessThan": lambda a, b: _number(a) and a < b,
    "NumericGreaterThan": lambda a, b: _number(a) and a > b,
    "NumericLessThanEquals": lambda a, b: _number(a) and a <= b,
    "NumericGreaterThanEquals": lambda a, b: _number(a) and a >= b,
    "BooleanEquals": lambda a, b: isinstance(a, bool) and a == b,
}
FORMAT = re.compile(r"States\.Format\('((?:[^'\\]|\\.)*)'((?:\s*,\s*[^,()]+)*)\)")


# The execution's data, its input and the tasks' results are JSON of any shape, moved by paths and compared by the
# choice rules: they stay Any. The definition's own shape is typed below (the part of the ASL implemented here).
ChoiceRule = dict[str, Any]  # Variable, Next, and one operator (StringEquals …) or And/Or/Not of nested rules


class Retrier(TypedDict):
    ErrorEquals: list[str]
    MaxAttempts: NotRequired[int]


class Catcher(TypedDict):
    ErrorEquals: list[str]
    Next: str
    ResultPath: NotRequired[str | None]


class State(TypedDict, total=False):
    Type: Required[str]
    Comment: str
    Resource: str
    Parameters: dict[str, Any]  # a template: keys ending in ".$" take a path's value
    ResultPath: str | None
    OutputPath: str
    Retry: list[Retrier]
    Catch: list[Catcher]
    Next: str
    End: bool
    TimeoutSeconds: int
    Choices: list[ChoiceRule]
    Default: str
    Error: str
    Cause: str


class Definition(TypedDict):
    StartAt: str
    States: dict[str, State]


class UnsupportedAsl(ValueError):
    """The definition uses a construct this interpreter does not implement."""


class StatesError(Exception):
    """An error as Step Functions names it (``Error``) with its ``Cause``: what Retry and Catch match."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error, self.cause = error, cause


@dataclass
class Execution:
    arn: str
    name: str
    input: dict[str, Any]
    state: str
    data: dict[str, Any]
    status: str = "RUNNING"
    token: str | None = None  # the token it waits for, while it waits
    error: StatesError | None = None
    attempts: dict[int, int] = field(default_factory=dict)  # the current state's retries, by retrier


class StateMachine:
    """One definition; ``invoke(function_arn, payload) -> (result, error_type, cause)`` calls a Lambda function,
    ``dynamodb(action, parameters)`` a DynamoDB API action (raising botocore's ClientError)."""

    def __init__(
        self,
        arn: str,
        definition: Definition,
        invoke: Callable[[str, Any], tuple[Any, str | None, str]],
        dynamodb: Callable[[str, dict[str, Any]], Any],
    ) -> None:
        self.arn, self.definition, self._invoke, self._dynamodb = arn, definition, invoke, dynamodb
        self.states: dict[str, State] = definition["States"]
        _check(definition)
        self.executions: dict[str, Execution] = {}
        self._waiting: dict[str, Execution] = {}  # by token
        self._ready: deque[Execution] = deque()

    # --- the Step Functions API, as the platform uses it ---------------------------------------------------

    def start(self, name: str, input_: dict[str, Any]) -> tuple[str, bool]:
        """(execution ARN, started); a second start of the same name starts nothing (ExecutionAlreadyExists)."""
        arn = self.execution_arn(name)
        if arn in self.executions:
            return arn, False
        execution = Execution(arn, name, input_, self.definition["StartAt"], copy.deepcopy(input_))
        self.executions[arn] = execution
        self._ready.append(execution)
        return arn, True

    def execution_arn(self, name: str) -> str:
        return self.arn.replace(":stateMachine:", ":execution:") + f":{name}"

    def send_task_success(self, token: str, output: Any) -> bool:
        """False when no execution waits for the token (used, or the execution ended)."""
        execution = self._waiting.pop(token, None)
        if execution is None or execution.status != "RUNNING":
            return False
        execution.token = None
        state = self.states[execution.state]
        self._finish_task(execution, state, output)
        self._ready.append(execution)
        return True

    def stop(self, arn: str) -> bool:
        execution = self.executions.get(arn)
        if execution is None:
            return False
        if execution.status == "RUNNING":
            execution.status = "ABORTED"
            if execution.token:
                self._waiting.pop(execution.token, None)
        return True

    def drain(self) -> int:
        """Run every queued execution until it waits for a token or ends; returns how many steps ran."""
        steps = 0
        while self._ready:
            execution = self._ready.popleft()
            while execution.status == "RUNNING" and execution.token is None:
                self._step(execution)
                steps += 1
        return steps

    # --- the interpreter ------------------------------------------------------------------------------------

    def _step(self, execution: Execution) -> None:
        state = self.states[execution.state]
        kind = state["Type"]
        if kind == "Succeed":
            execution.status = "SUCCEEDED"
        elif kind == "Fail":
            execution.status, execution.error = "FAILED", StatesError(state["Error"], state.get("Cause", ""))
        elif kind == "Choice":
            try:
                chosen = next((c["Next"] for c in state["Choices"] if _holds(c, execution.data)), state.get("Default"))
            except StatesError as error:  # a Variable missing from the input
                self._fail(execution, error)
                return
            if chosen is None:
                self._fail(execution, StatesError("States.NoChoiceMatched", execution.state))
            else:
                execution.state = chosen
        else:
            self._task(execution, state)

    def _task(self, execution: Execution, state: State) -> None:
        waits = DYNAMODB_WAIT.fullmatch(state["Resource"])  # else: lambda:invoke (_check allows nothing more)
        token = uuid.uuid4().hex
        context = {"Execution": {"Id": execution.arn, "Name": execution.name, "Input": execution.input},
                   "State": {"Name": execution.state}, "Task": {"Token": token if waits else None}}  # fmt: skip
        try:
            parameters = _resolve(state.get("Parameters", {}), execution.data, context)
            if waits is None:
                result = self._lambda(parameters)
            else:
                self._aws_sdk_dynamodb(waits.group(1), parameters)
                execution.token = token
                self._waiting[token] = execution
                return
        except StatesError as error:
            self._handle(execution, state, error)
            return
        self._finish_task(execution, state, result)

    def _lambda(self, parameters: dict[str, Any]) -> dict[str, Any]:
        payload, error_type, cause = self._invoke(parameters["FunctionName"], parameters.get("Payload"))
        if error_type is not None:
            raise StatesError(error_type, cause)
        return {"ExecutedVersion": "$LATEST", "Payload": payload, "StatusCode": 200}

    def _aws_sdk_dynamodb(self, action: str, parameters: dict[str, Any]) -> None:
        try:
            self._dynamodb(action, parameters)
        except ClientError as error:  # AWS names SDK-integration errors "<Service>.<Code>"
            raise StatesError(f"DynamoDb.{error.response['Error']['Code']}", str(error)) from error

    def _finish_task(self, execution: Execution, state: State, result: Any) -> None:
        data = _put(execution.data, state.get("ResultPath", "$"), result)
        execution.data = _get(data, state["OutputPath"]) if "OutputPath" in state else data
        self._next(execution, state)

    def _handle(self, execution: Execution, state: State, error: StatesError) -> None:
        for number, retrier in enumerate(state.get("Retry", [])):
            if _matches(retrier["ErrorEquals"], error.error):
                execution.attempts[number] = execution.attempts.get(number, 0) + 1
                if execution.attempts[number] <= retrier.get("MaxAttempts", 3):
                    return  # the task runs again on the next step (no sleep: the interval is virtual time)
                break
        for catcher in state.get("Catch", []):
            if _matches(catcher["ErrorEquals"], error.error):
                execution.data = _put(execution.data, catcher.get("ResultPath", "$"),
                                      {"Error": error.error, "Cause": error.cause})  # fmt: skip
                execution.state, execution.attempts = catcher["Next"], {}
                return
        self._fail(execution, error)

    def _next(self, execution: Execution, state: State) -> None:
        execution.attempts = {}
        if state.get("End"):
            execution.status = "SUCCEEDED"
        else:
            execution.state = state["Next"]

    @staticmethod
    def _fail(execution: Execution, error: StatesError) -> None:
        execution.status, execution.error = "FAILED", error


def from_moto(state_machine_arn: str) -> StateMachine:
    """The state machine moto holds, run here: its definition, its Lambda functions (through moto, so that each
    runs in-process with its own environment) and DynamoDB (through boto3, on moto)."""
    _, _, _, region, account, *_ = state_machine_arn.split(":")
    sfn = boto3.client("stepfunctions", region_name=region)
    definition: Definition = json.loads(sfn.describe_state_machine(stateMachineArn=state_machine_arn)["definition"])
    dynamodb = boto3.client("dynamodb", region_name=region)

    def invoke(function_arn: str, payload: Any) -> tuple[Any, str | None, str]:
        headers: dict[str, str] = {}
        body = lambda_backend(account, region).invoke(function_arn, None, json.dumps(payload), {}, headers)
        answer = json.loads(body or "null")
        if "x-amz-function-error" in headers:  # the Lambda error contract: errorType names the error
            return None, answer.get("errorType", "Lambda.Unknown"), json.dumps(answer)
        return answer, None, ""

    def call_dynamodb(action: str, parameters: dict[str, Any]) -> Any:
        return getattr(dynamodb, re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower())(**parameters)

    return StateMachine(state_machine_arn, definition, invoke, call_dynamodb)


class LocalExecutions:
    """The executions port (``shared.adapters.stepfunctions.Executions``) on the in-process state machine."""

    def __init__(self, machine: StateMachine) -> None:
        self.machine = machine

    def start(self, run: RunState) -> str:
        name = execution_name(run.run_id, run.generation)
        return self.machine.start(name, execution_input(run.tenant_id, run.run_id, run.generation))[0]

    def status(self, run: RunState) -> str | None:
        return self.of(run.run_id, run.generation)

    def of(self, run_id: str, generation: int) -> str | None:
        execution = self.machine.executions.get(self._arn(run_id, generation))
        return execution.status if execution else None

    def stop(self, run: RunState) -> bool:
        return self.machine.stop(self._arn(run.run_id, run.generation))

    def resume(self, task_token: str, payload: dict[str, Any]) -> bool:
        return self.machine.send_task_success(task_token, json.loads(json.dumps(payload)))

    def _arn(self, run_id: str, generation: int) -> str:
        return self.machine.execution_arn(execution_name(run_id, generation))


# --- paths, parameters and rules ------------------------------------------------------------------------------


def _check(definition: Definition) -> None:
    for name, state in definition["States"].items():
        allowed = STATE_FIELDS.get(state["Type"])
        if allowed is None or set(state) - allowed:
            raise UnsupportedAsl(f"state {name}: {state['Type']} with {sorted(set(state) - (allowed or set()))}")
        resource = state.get("Resource")
        if resource is not None and resource != LAMBDA_INVOKE and not DYNAMODB_WAIT.fullmatch(resource):
            raise UnsupportedAsl(f"state {name}: resource {resource}")
        for choice in state.get("Choices", []):
            _check_rule(choice)


def _path_parts(path: str) -> list[str]:
    if path == "$":
        return []
    if not re.fullmatch(r"\$(\.\w+)+", path):
        raise UnsupportedAsl(f"path {path} (only $ and $.a.b are implemented)")
    return path[2:].split(".")


def _get(data: Any, path: str) -> Any:
    for part in _path_parts(path):
        if not isinstance(data, dict) or part not in data:
            raise StatesError("States.Runtime", f"the path {path} is not in the input")
        data = data[part]
    return data


def _put(data: dict[str, Any], path: str | None, value: Any) -> Any:
    """ResultPath: the result replaces the input ($), is set inside a copy of it, or is discarded (null)."""
    if path is None:
        return data
    parts = _path_parts(path)
    if not parts:
        return value
    out = copy.deepcopy(data)
    target = out
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value
    return out


def _value(expression: str, data: Any, context: dict[str, Any]) -> Any:
    if expression.startswith("$$."):
        return _get(context, "$" + expression[2:])
    if expression.startswith("$"):
        return _get(data, expression)
    formatted = FORMAT.fullmatch(expression)
    if formatted is None:
        raise UnsupportedAsl(f"intrinsic {expression} (only States.Format is implemented)")
    template, arguments = formatted.group(1), [a.strip() for a in formatted.group(2).split(",") if a.strip()]
    values = [_value(a, data, context) if a.startswith("$") else json.loads(a.replace("'", '"')) for a in arguments]
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise StatesError("States.IntrinsicFailure", f"{expression}: {len(values)} arguments")
    text = pieces[0]
    for value, piece in zip(values, pieces[1:], strict=True):
        text += (value if isinstance(value, str) else json.dumps(value)) + piece
    return text


def _resolve(template: Any, data: Any, context: dict[str, Any]) -> Any:
    if isinstance(template, dict):
        out = {}
        for key, value in template.items():
            if key.endswith(".$"):
                out[key[:-2]] = _value(value, data, context)
            else:
                out[key] = _resolve(value, data, context)
        return out
    if isinstance(template, list):
        return [_resolve(item, data, context) for item in template]
    return template


def _check_rule(rule: ChoiceRule) -> None:
    for part in rule.get("And", []) + rule.get("Or", []) + ([rule["Not"]] if "Not" in rule else []):
        _check_rule(part)
    if not {"And", "Or", "Not"} & set(rule):
        operators = [key for key in rule if key not in ("Variable", "Next")]
        if len(operators) != 1 or (
            operators[0] != "IsPresent" and operators[0].removesuffix("Path") not in COMPARISONS
        ):
            raise UnsupportedAsl(f"choice rule {rule}")


def _holds(rule: ChoiceRule, data: Any) -> bool:
    if "And" in rule:
        return all(_holds(part, data) for part in rule["And"])
    if "Or" in rule:
        return any(_holds(part, data) for part in rule["Or"])
    if "Not" in rule:
        return not _holds(rule["Not"], data)
    (operator,) = (key for key in rule if key not in ("Variable", "Next"))
    if operator == "IsPresent":
        return _present(data, rule["Variable"]) is rule[operator]
    expected = _get(data, rule[operator]) if operator.endswith("Path") else rule[operator]
    return COMPARISONS[operator.removesuffix("Path")](_get(data, rule["Variable"]), expected)


def _present(data: Any, path: str) -> bool:
    try:
        _get(data, path)
    except StatesError:
        return False
    return True


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matches(names: list[str], error: str) -> bool:
    return error in names or "States.ALL" in names or ("States.TaskFailed" in names and error != "States.Timeout")
