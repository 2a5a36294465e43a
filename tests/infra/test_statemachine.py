"""The deployed state machine is the shared ASL file, every placeholder filled with the right resource."""

import json

from shared.platform.functions import STATE_MACHINE_FUNCTIONS
from shared.platform.statemachine import ASL_FILE, placeholders
from tests.infra.conftest import functions_by_key, properties, resources


def _state_machine(template):
    (machine,) = properties(template, "AWS::StepFunctions::StateMachine").values()
    return machine


def test_definition_is_the_shared_asl_file(template):
    # GIVEN the synthesized state machine
    machine = _state_machine(template)
    # WHEN its definition is parsed
    definition = json.loads(machine["DefinitionString"])
    # THEN it is the file the runtime tests run on moto, unchanged
    assert definition == json.loads(ASL_FILE.read_text(encoding="utf-8"))


def test_no_placeholder_is_left_and_each_points_at_the_right_resource(template):
    # GIVEN the substitutions CloudFormation applies to the definition
    substitutions = _state_machine(template)["DefinitionSubstitutions"]
    functions = functions_by_key(template)
    (core_table,) = [
        k
        for k, r in resources(template, "AWS::DynamoDB::Table").items()
        if r["Properties"]["TableName"].endswith("-core")
    ]
    # THEN every placeholder of the file has one, and each names the spec's function or the core table
    assert set(substitutions) == placeholders()
    for placeholder, spec in STATE_MACHINE_FUNCTIONS.items():
        assert substitutions[placeholder] == {"Fn::GetAtt": [functions[spec.key][0], "Arn"]}
    assert substitutions["CoreTableName"] == {"Ref": core_table}


def test_tracing_and_logging_are_on(template):
    # GIVEN the state machine
    machine = _state_machine(template)
    # THEN X-Ray traces it and every event is logged (without execution data: no personal data in logs)
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert machine["StateMachineType"] == "STANDARD"
