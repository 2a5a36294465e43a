"""Nothing invoked asynchronously is lost: rule targets, schedule targets and event source mappings all have a
retry policy and a dead-letter queue (async Lambda invocations: test_functions.py); the queues are encrypted and
refuse plain HTTP."""

from shared.platform.functions import FUNCTIONS, RULE_MAX_EVENT_AGE_S, RULE_RETRY_ATTEMPTS
from tests.infra.conftest import properties, resources


def _queue_ids(template):
    return set(resources(template, "AWS::SQS::Queue"))


def test_every_rule_target_has_a_dead_letter_queue(template):
    # GIVEN every EventBridge rule with targets
    rules = properties(template, "AWS::Events::Rule")
    assert rules
    for rule in rules.values():
        for target in rule["Targets"]:
            # WHEN a target is read
            # THEN undeliverable events go to one of our queues
            assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0] in _queue_ids(template), target


def test_lambda_rule_targets_retry_as_the_platform_says(template):
    # GIVEN the rules whose targets are functions
    functions = set(resources(template, "AWS::Lambda::Function"))
    targets = [t for r in properties(template, "AWS::Events::Rule").values() for t in r["Targets"]]
    lambda_targets = [t for t in targets if t["Arn"].get("Fn::GetAtt", [""])[0] in functions]
    # THEN one per function with a rule pattern, each with the platform's retry policy
    assert len(lambda_targets) == sum(1 for f in FUNCTIONS if f.rule_pattern)
    for target in lambda_targets:
        assert target["RetryPolicy"] == {
            "MaximumRetryAttempts": RULE_RETRY_ATTEMPTS,
            "MaximumEventAgeInSeconds": RULE_MAX_EVENT_AGE_S,
        }


def test_every_schedule_target_has_a_retry_policy_and_a_dead_letter_queue(template):
    # GIVEN every EventBridge Scheduler schedule
    schedules = properties(template, "AWS::Scheduler::Schedule")
    assert len(schedules) == sum(1 for f in FUNCTIONS if f.schedule)
    for schedule in schedules.values():
        # WHEN its target is read
        target = schedule["Target"]
        # THEN it retries, then dead-letters
        assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
        assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0] in _queue_ids(template)


def test_every_event_source_mapping_has_an_on_failure_destination(template):
    # GIVEN every event source mapping (queues and streams polled by Lambda)
    for mapping in properties(template, "AWS::Lambda::EventSourceMapping").values():
        # THEN failed batches have somewhere to go (SQS sources use the source queue's redrive policy instead)
        is_sqs_source = "sqs" in str(mapping["EventSourceArn"]).lower()
        assert is_sqs_source or mapping["DestinationConfig"]["OnFailure"]["Destination"]


def test_queues_are_encrypted_and_refuse_plain_http(template):
    # GIVEN the queues and the queue policies
    policies = properties(template, "AWS::SQS::QueuePolicy").values()
    for queue_id, queue in properties(template, "AWS::SQS::Queue").items():
        # WHEN a queue's encryption and policy are read
        denies_http = any(
            s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for p in policies
            if {"Ref": queue_id} in p["Queues"]
            for s in p["PolicyDocument"]["Statement"]
        )
        # THEN it is encrypted at rest and in transit
        assert queue["SqsManagedSseEnabled"] is True
        assert denies_http, queue_id
