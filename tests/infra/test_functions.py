"""Every function comes from the one factory: runtime, architecture, settings from its spec, logs, tracing,
layers, the environment its code reads, and a destination for failed asynchronous invocations."""

import importlib

import pytest

from functions.env import Settings
from shared.observability import METRICS_NAMESPACE, SERVICE
from shared.platform.functions import FUNCTIONS, LAMBDA_RUNTIME
from tests.infra.conftest import STAGE, functions_by_key, properties, resources

ENV_OF_NEED = {
    "sfn": {"STATE_MACHINE_ARN"},
    "sfn_read": {"STATE_MACHINE_ARN"},
    "ses": {"SES_CONFIGURATION_SET"},
    "events": {"EVENT_BUS_NAME"},
    "webhook_secrets": {"STAGE"},
    "invoke_sweep": {"SWEEP_FUNCTION_ARN"},
    "sms": set(),  # only where the stage has SMS (tested in test_stage.py)
}


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda f: f.key)
def test_function_settings_come_from_its_spec(template, spec):
    # GIVEN a function spec
    # WHEN its synthesized function is read
    _, fn = functions_by_key(template)[spec.key]
    # THEN the factory's fixed choices and the spec's settings are there
    assert fn["Runtime"] == LAMBDA_RUNTIME  # the tests' Python: test_packaging.py
    assert fn["Architectures"] == ["arm64"]
    assert fn["Handler"] == spec.handler
    assert (fn["MemorySize"], fn["Timeout"]) == (spec.memory_mb, spec.timeout_s)
    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert fn["LoggingConfig"]["LogFormat"] == "JSON"
    assert len(fn["Layers"]) == 1  # every dependency, Powertools and boto3 included, is in our one layer
    assert fn["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    assert fn["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"] == "INFO"


def test_every_handler_string_in_the_template_imports_to_a_callable(template):
    # GIVEN every Handler the template deploys
    handlers = {p["Handler"] for p in properties(template, "AWS::Lambda::Function").values()}
    for handler in handlers:
        # WHEN it is imported as Lambda would (module path, then attribute)
        module, _, attribute = handler.rpartition(".")
        # THEN it is a callable
        assert callable(getattr(importlib.import_module(module), attribute)), handler


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda f: f.key)
def test_environment_is_what_the_code_reads(template, spec):
    # GIVEN a function's environment in the template
    _, fn = functions_by_key(template)[spec.key]
    environment = fn["Environment"]["Variables"]
    # WHEN functions/env.py's Settings is built from it (values are CloudFormation tokens here)
    settings = Settings.model_validate({k.lower(): "x" for k in environment if k.lower() in Settings.model_fields})
    # THEN the required variables are present, with the contract's Powertools names and each need's variables
    assert all(getattr(settings, f"{table}_table") for table in spec.tables)
    assert environment["POWERTOOLS_SERVICE_NAME"] == SERVICE
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == METRICS_NAMESPACE
    assert environment["STAGE"] == STAGE
    for need in spec.needs:
        assert ENV_OF_NEED[need] <= set(environment), need
    assert {f"{t.upper()}_TABLE" for t in spec.tables} <= set(environment)


def test_every_function_has_a_log_group_with_retention(template):
    # GIVEN the functions and the log groups
    groups = {p["LogGroupName"]: p for p in properties(template, "AWS::Logs::LogGroup").values()}
    for _, fn in functions_by_key(template).values():
        # WHEN a function's log group is looked up by its name
        group = groups[f"/aws/lambda/{fn['FunctionName']}"]
        # THEN it keeps logs for a bounded time, and the function logs there
        assert group["RetentionInDays"] == 90
        assert "LogGroup" in fn["LoggingConfig"]


def test_every_function_sends_failed_async_invocations_to_a_queue(template):
    # GIVEN the functions and their async invocation configs
    configs = {str(p["FunctionName"]): p for p in properties(template, "AWS::Lambda::EventInvokeConfig").values()}
    queues = set(resources(template, "AWS::SQS::Queue"))
    for logical_id, _ in functions_by_key(template).values():
        # WHEN a function's config is read
        config = configs[str({"Ref": logical_id})]
        # THEN failures land on a queue of the stack
        destination = config["DestinationConfig"]["OnFailure"]["Destination"]
        assert destination["Fn::GetAtt"][0] in queues
