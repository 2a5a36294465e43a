"""Rules route the platform's patterns to their functions on the custom bus; SES events reach that bus through
the configuration set and the default-bus forwarding rule; the bus is archived."""

import pytest

from shared.events.sms import SMS_EVENT_TYPE, SMS_SOURCE
from shared.platform.functions import FUNCTIONS, SES_EVENT_TYPES
from tests.infra.conftest import STAGE, functions_by_key, properties, resources


def _bus_id(template):
    (bus_id,) = resources(template, "AWS::Events::EventBus")
    return bus_id


@pytest.mark.parametrize("spec", [f for f in FUNCTIONS if f.rule_pattern], ids=lambda f: f.key)
def test_each_rule_pattern_targets_its_function_on_the_custom_bus(template, spec):
    # GIVEN a function invoked by a rule
    logical_id, _ = functions_by_key(template)[spec.key]
    # WHEN the rules targeting it are found
    (rule,) = [
        r
        for r in properties(template, "AWS::Events::Rule").values()
        if any(t["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]} for t in r["Targets"])
    ]
    # THEN it listens on the custom bus with exactly the platform's pattern
    assert rule["EventBusName"] == {"Ref": _bus_id(template)}
    assert rule["EventPattern"] == spec.rule_pattern


def test_ses_events_reach_the_custom_bus(template):
    # GIVEN the SES configuration set, its event destination and the rules
    (config_set_id, config_set), *_ = properties(template, "AWS::SES::ConfigurationSet").items()
    (destination,) = properties(template, "AWS::SES::ConfigurationSetEventDestination").values()
    forwarders = [r for r in properties(template, "AWS::Events::Rule").values() if "EventBusName" not in r]
    # THEN SES publishes bounces, complaints, deliveries and rejects to the default bus
    event_destination = destination["EventDestination"]
    assert destination["ConfigurationSetName"] == {"Ref": config_set_id}
    assert "default" in str(event_destination["EventBridgeDestination"]["EventBusArn"])
    assert sorted(t.upper() for t in event_destination["MatchingEventTypes"]) == [
        "BOUNCE",
        "COMPLAINT",
        "DELIVERY",
        "REJECT",
    ]
    assert config_set["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    # AND a default-bus rule forwards this configuration set's SES events to our bus
    (forward,) = [f for f in forwarders if f["EventPattern"]["source"] == ["aws.ses"]]
    assert forward["EventPattern"]["detail-type"] == SES_EVENT_TYPES
    assert forward["EventPattern"]["detail"]["mail"]["tags"]["ses:configuration-set"] == [{"Ref": config_set_id}]
    assert forward["Targets"][0]["Arn"] == {"Fn::GetAtt": [_bus_id(template), "Arn"]}


def test_sms_delivery_events_reach_the_custom_bus(template):
    # GIVEN the default-bus rules
    forwarders = [r for r in properties(template, "AWS::Events::Rule").values() if "EventBusName" not in r]
    # THEN one forwards End User Messaging SMS delivery events of texts we sent (they carry our context) to our bus
    (forward,) = [f for f in forwarders if f["EventPattern"]["source"] == [SMS_SOURCE]]
    assert forward["EventPattern"]["detail-type"] == [SMS_EVENT_TYPE]
    assert forward["EventPattern"]["detail"] == {"context": {"tenant": [{"exists": True}]}}
    assert forward["Targets"][0]["Arn"] == {"Fn::GetAtt": [_bus_id(template), "Arn"]}
    assert "DeadLetterConfig" in forward["Targets"][0]


def test_the_custom_bus_is_archived(template):
    # GIVEN the archive
    (archive,) = properties(template, "AWS::Events::Archive").values()
    # THEN it keeps the bus's domain events for replay
    assert archive["SourceArn"] == {"Fn::GetAtt": [_bus_id(template), "Arn"]}
    assert archive["RetentionDays"] == 365
    assert archive["ArchiveName"] == f"chaseflow-{STAGE}-events"
