"""The stage name from context decides names, retention and removal; SMS is wired only where the account has it."""

import json

import pytest

from infra.components.permissions import grant_needs
from infra.stage import Stage
from tests.infra.conftest import properties, synthesize
from tests.infra.test_iam import render, statements

OPS_EMAIL = "ops@example.com"
SMS_IDENTITY = "arn:aws:sms-voice:eu-west-1:111122223333:phone-number/phone-0123456789abcdef"


@pytest.fixture(scope="module")
def dev_template(tmp_path_factory):
    # with the nag packs and an alarm e-mail: a finding not acknowledged in infra/nag.py fails the synth
    path = synthesize(
        tmp_path_factory.mktemp("dev"),
        stage="dev",
        sms_configuration_set="collections",
        sms_origination_identity=SMS_IDENTITY,
        ops_email=OPS_EMAIL,
        log_level="warning",
        nag="true",
    )
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_dev_stack_leaves_nothing_behind(dev_template):
    # GIVEN the dev stage's tables and log groups
    tables = [r for r in dev_template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"]
    groups = properties(dev_template, "AWS::Logs::LogGroup").values()
    # THEN they are deleted with the stack, unprotected, and logs are kept two weeks
    assert tables
    assert all(t["DeletionPolicy"] == "Delete" and not t["Properties"].get("DeletionProtectionEnabled") for t in tables)
    assert {g["RetentionInDays"] for g in groups} == {14}


def test_the_context_sets_the_log_level_and_the_alarm_email(dev_template):
    # GIVEN a stage whose context names a log level (any case) and an ops e-mail
    functions = properties(dev_template, "AWS::Lambda::Function").values()
    (subscription,) = properties(dev_template, "AWS::SNS::Subscription").values()
    # THEN every function logs at that level, for Powertools and for Lambda alike
    assert {f["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"] for f in functions} == {"WARNING"}
    assert {f["LoggingConfig"]["ApplicationLogLevel"] for f in functions} == {"WARN"}
    # AND the e-mail is subscribed to the stage's own ops topic
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", OPS_EMAIL)


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"stage": "dev", "powertools_layer_version": "27"}, "no longer used: Powertools is built into"),
        ({"stage": "dev", "log_level": "verbose"}, "log level must be one of"),
    ],
)
def test_context_the_app_cannot_honour_is_refused(context, message):
    # GIVEN a context with a retired key or an unknown log level
    class Node:
        def try_get_context(self, key):
            return context.get(key)

    # WHEN the stage is read, THEN the error says why
    with pytest.raises(ValueError, match=message):
        Stage.from_context(Node())


def test_names_carry_the_stage(dev_template):
    # GIVEN the named resources of the dev stack
    names = [p["FunctionName"] for p in properties(dev_template, "AWS::Lambda::Function").values()]
    names += [p["TableName"] for p in properties(dev_template, "AWS::DynamoDB::Table").values()]
    names += [p["Name"] for p in properties(dev_template, "AWS::Events::EventBus").values()]
    # THEN every one starts with chaseflow-dev-
    assert names and all(n.startswith("chaseflow-dev-") for n in names)


def test_sms_is_wired_where_the_context_names_the_account_set_up(dev_template):
    # GIVEN a stage whose context names an SMS configuration set and origination identity
    functions = properties(dev_template, "AWS::Lambda::Function").values()
    (act,) = [f for f in functions if f["FunctionName"] == "chaseflow-dev-act"]
    sms = [s for s in statements(dev_template) if "sms-voice:SendTextMessage" in str(s["Action"])]
    # THEN the sender's environment names them, and it may send through exactly those
    assert act["Environment"]["Variables"]["SMS_CONFIGURATION_SET"] == "collections"
    assert act["Environment"]["Variables"]["SMS_ORIGINATION_IDENTITY"] == SMS_IDENTITY
    (statement,) = sms
    resources = sorted(map(render, statement["Resource"]))
    assert resources[0].endswith(":sms-voice:<AWS::Region>:<AWS::AccountId>:configuration-set/collections")
    assert resources[1] == SMS_IDENTITY


def test_without_sms_context_nothing_may_send_sms(template):
    # GIVEN the session's production stack, whose context names no SMS set-up
    # THEN no statement allows sending SMS
    assert "sms-voice" not in json.dumps(list(statements(template)))


@pytest.mark.parametrize("name", ["", "Prod", "my_stage", "a-very-long-stage-name"])
def test_a_stage_name_must_be_short_lowercase(name):
    # GIVEN a context with a bad stage name
    class Node:
        def try_get_context(self, key):
            return name if key == "stage" else None

    # WHEN the stage is read, THEN the error says what is expected
    with pytest.raises(ValueError, match="context 'stage' must match"):
        Stage.from_context(Node())


def test_a_need_without_permissions_fails_the_synth():
    # GIVEN a function needing something infra does not know
    # WHEN its permissions are granted, THEN the error names the need and where to add it
    with pytest.raises(ValueError, match=r"\['teleport'\].*permissions.py"):
        grant_needs(None, frozenset({"teleport"}), None)
