"""The contract between the enrolment state machine and its Lambdas: every path the definition reads or writes is
a field of the payload models the handlers parse, and what a handler returns is what the next state reads."""

import json
import re
import typing
from collections.abc import Iterator
from typing import Any

import pytest

from shared.platform.payloads import FailurePayload, Scheduled, StepPayload, SweepShard, TaskError, to_output
from shared.platform.statemachine import ASL_FILE, execution_input

ASL = json.loads(ASL_FILE.read_text())
PATH = re.compile(r"\$\.([A-Za-z_][A-Za-z0-9_]*)")
LAMBDA = "arn:aws:states:::lambda:invoke"


def paths_in(value: Any) -> Iterator[str]:
    """The first field of every ``$.field…`` path in a Parameters tree (context paths ``$$.`` are AWS's own)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.endswith(".$") and isinstance(inner, str) and not inner.startswith("$$."):
                yield from PATH.findall(inner)
            else:
                yield from paths_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from paths_in(inner)


def state_paths(state: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, field) for every path a state reads or writes in the state data."""
    yield from (("Parameters", field) for field in paths_in(state.get("Parameters", {})))
    for choice in state.get("Choices", []):
        for rule in choice.get("And", [choice]):
            yield from (
                ("Choice", field)
                for key, value in rule.items()
                if key.endswith("Path") or key == "Variable"
                for field in PATH.findall(str(value))
            )
    for rule in [state, *state.get("Catch", [])]:
        yield from (("ResultPath", field) for field in PATH.findall(str(rule.get("ResultPath") or "")))
    if state.get("Resource") != LAMBDA:  # a Lambda task's OutputPath names the invoke result's Payload, not ours
        yield from (("OutputPath", field) for field in PATH.findall(str(state.get("OutputPath") or "")))


@pytest.mark.parametrize("name", sorted(ASL["States"]))
def test_every_path_a_state_reads_or_writes_is_a_field_of_the_step_payload(name):
    # GIVEN a state of the enrolment definition
    state = ASL["States"][name]
    # WHEN the paths it reads or writes are listed
    found = set(state_paths(state))
    # THEN each names a field of the payload the Lambdas parse (RecordFailure reads the step payload too)
    assert {field for _, field in found} <= set(StepPayload.model_fields), found


def test_the_choices_route_on_the_values_advance_can_return():
    # GIVEN the Route state's string comparisons on $.next
    compared = {
        rule["StringEquals"]
        for choice in ASL["States"]["Route"]["Choices"]
        for rule in choice.get("And", [choice])
        if rule.get("Variable") == "$.next"
    }
    # THEN they are exactly the values of StepPayload.next
    possible = set(typing.get_args(typing.get_args(StepPayload.model_fields["next"].annotation)[0]))
    assert compared == possible


def test_record_failure_builds_exactly_the_failure_payload():
    # GIVEN RecordFailure's Parameters (it calls the advance function with its own payload)
    parameters = ASL["States"]["RecordFailure"]["Parameters"]["Payload"]
    # THEN its keys are the failure payload's required fields
    keys = {key.removesuffix(".$") for key in parameters}
    required = {name for name, field in FailurePayload.model_fields.items() if field.is_required()}
    assert keys == required


def test_every_lambda_task_passes_the_whole_state_as_the_payload():
    # GIVEN the Lambda tasks other than RecordFailure
    tasks = {n: s for n, s in ASL["States"].items() if s.get("Resource") == LAMBDA and n != "RecordFailure"}
    # THEN each sends the state data as it is (the handler parses it as a StepPayload) and keeps the Payload
    assert tasks
    for state in tasks.values():
        assert state["Parameters"]["Payload.$"] == "$"
        assert state["OutputPath"] == "$.Payload"


def test_the_execution_input_and_a_caught_error_parse_and_survive_a_round_trip():
    # GIVEN an execution's input, and what Park's Catch writes after a timeout
    payload = StepPayload.model_validate(execution_input("acme-uk", "run_1", 3))
    caught = {**to_output(payload), "error": {"Error": "States.Timeout", "Cause": "parked for a year"}}
    # WHEN they are parsed as a handler does, and returned
    parsed = StepPayload.model_validate(caught)
    # THEN nothing is lost, and the error keeps the names Step Functions uses
    assert parsed.error == TaskError(error="States.Timeout", cause="parked for a year")
    assert to_output(parsed) == caught


def test_a_field_the_models_do_not_name_is_refused():
    # GIVEN the execution input with a field no model names (the definition changed without the models)
    changed = {**execution_input("acme-uk", "run_1", 0), "retries_left": 3}
    # THEN parsing fails at the handler's boundary instead of the field being silently dropped
    with pytest.raises(ValueError, match="retries_left"):
        StepPayload.model_validate(changed)


def test_a_scheduled_event_runs_for_every_tenant_and_an_operator_can_name_some():
    # GIVEN EventBridge's scheduled event, and an operator's invocation
    scheduled = json.loads((ASL_FILE.parents[2] / "tests" / "events" / "schedule" / "scheduled_event.json").read_text())
    # WHEN the scheduled functions parse them
    # THEN the schedule's own fields are ignored (every tenant), and the operator's tenants are kept
    assert Scheduled.model_validate(scheduled).tenant_ids is None
    assert Scheduled.model_validate({"tenant_ids": ["acme-uk"]}).tenant_ids == ["acme-uk"]


def test_the_tick_hands_each_sweep_shard_a_payload_the_sweep_function_parses():
    # GIVEN a shard the tick plans
    shard = SweepShard(tenant_id="acme-uk", workflow_ids=("dunning", "reminders"), day="2026-11-02", shard=1, shards=3)
    # WHEN it is sent as the asynchronous invocation's payload and parsed by the sweep function
    # THEN it arrives whole
    assert SweepShard.model_validate(json.loads(json.dumps(to_output(shard)))) == shard
