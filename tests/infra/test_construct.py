"""ChaseflowCollections embedded in a team's own stack: every prop has its effect (aws_cdk.assertions), the defaults
are the stage's, and the construct's cdk-nag acknowledgements cover its own resources only."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Match, Template

from infra.app_factory import new_app
from infra.components.functions import APPLICATION_LOG_LEVELS
from infra.construct import ChaseflowCollections, ChaseflowCollectionsProps
from infra.stage import LOG_LEVELS
from shared.platform.tables import TABLES
from tests.infra.conftest import FAST

EMAIL = "ops@example.com"


def _host(tmp_path, *, with_key=True, with_topic=True, nag=False, **props):
    """A team's app: its own stack, its own key and alarm topic, and Chaseflow inside."""
    app = new_app(outdir=str(tmp_path), **FAST, **({"nag_acknowledge": "false"} if nag == "audit" else {}))
    if nag:
        import cdk_nag

        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app))
    host = cdk.Stack(app, "TeamStack")
    key = kms.Key(host, "TeamKey", enable_key_rotation=True) if with_key else None
    topic = sns.Topic(host, "TeamAlarms", enforce_ssl=True, master_key=key) if with_topic else None
    collections = ChaseflowCollections(
        host,
        "Collections",
        ChaseflowCollectionsProps(stage=props.pop("stage", "acme"), encryption_key=key, alarm_topic=topic, **props),
    )
    return app, host, collections


def _id(template, resource_type, fragment):
    """The one logical id of this type holding ``fragment`` (logical ids spell the construct path out)."""
    (logical_id,) = [k for k in template.find_resources(resource_type) if fragment in k]
    return logical_id


EVERY_PROP = {
    "alarm_email": EMAIL,
    "log_retention": logs.RetentionDays.ONE_YEAR,
    "removal_policy": cdk.RemovalPolicy.DESTROY,
    "log_level": "DEBUG",
    "reply_domain": "replies.example.com",
}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The construct given every prop (the key and the alarm topic are the team's)."""
    _, host, _ = _host(tmp_path_factory.mktemp("embedded"), **EVERY_PROP)
    return Template.from_stack(host)


@pytest.fixture(scope="module")
def key_arn(embedded):
    return {"Fn::GetAtt": [_id(embedded, "AWS::KMS::Key", "TeamKey"), "Arn"]}


def test_the_tables_are_encrypted_with_the_teams_key(embedded, key_arn):
    # GIVEN a construct given the team's customer-managed key
    # THEN every table is encrypted with that key
    embedded.resource_count_is("AWS::DynamoDB::Table", len(TABLES))
    embedded.all_resources_properties(
        "AWS::DynamoDB::Table",
        {"SSESpecification": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn}},
    )


def test_the_log_groups_are_encrypted_with_the_teams_key_and_keep_the_given_retention(embedded, key_arn):
    # GIVEN the construct's log groups (functions, state machine, API access logs)
    groups = embedded.find_resources("AWS::Logs::LogGroup")
    assert len(groups) >= 3
    # THEN each is encrypted with the key and keeps logs for the given year
    embedded.all_resources_properties("AWS::Logs::LogGroup", {"KmsKeyId": key_arn, "RetentionInDays": 365})


def test_cloudwatch_logs_may_use_the_key_for_this_deployments_groups_only(embedded):
    # GIVEN the team's key policy
    (key,) = embedded.find_resources("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (logs_statement,) = [s for s in statements if "Service" in s.get("Principal", {})]
    # THEN the CloudWatch Logs service of the stack's region may use it, for chaseflow-<stage> log groups only
    assert "logs." in json.dumps(logs_statement["Principal"]["Service"])
    condition = json.dumps(logs_statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
    assert ":log-group:/aws/*/chaseflow-acme-*" in condition
    assert not any(action.endswith("*") for action in logs_statement["Action"])


def test_the_state_machine_may_use_the_key_of_the_table_it_writes(embedded, key_arn):
    # GIVEN the state machine's role and the policies attached to it
    role_id = _id(embedded, "AWS::IAM::Role", "EnrolmentStateMachineRole")
    policies = embedded.find_resources("AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": role_id}]}})
    statements = [s for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    # THEN it may decrypt and encrypt with the key (the Park state writes the task token on the core table)
    (key_statement,) = [s for s in statements if s["Resource"] == key_arn]
    assert {"kms:Decrypt", "kms:Encrypt"} <= set(key_statement["Action"])


def test_the_removal_policy_applies_to_data_and_operational_resources(embedded):
    # GIVEN a construct told to destroy everything with the stack
    for resource_type in ("AWS::DynamoDB::Table", "AWS::Logs::LogGroup", "AWS::SQS::Queue"):
        # THEN tables, log groups and queues are deleted with it
        embedded.all_resources(resource_type, {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"})
    # AND no table is deletion-protected
    for table in embedded.find_resources("AWS::DynamoDB::Table").values():
        assert not table["Properties"].get("DeletionProtectionEnabled", False)


def test_retained_business_tables_are_protected_on_any_stage(tmp_path):
    # GIVEN a non-production stage told to retain its resources
    _, host, _ = _host(tmp_path, stage="staging", removal_policy=cdk.RemovalPolicy.RETAIN)
    template = Template.from_stack(host)
    # THEN every table is retained, and the business data tables are deletion-protected
    template.all_resources("AWS::DynamoDB::Table", {"DeletionPolicy": "Retain"})
    for spec in TABLES:
        table = template.find_resources(
            "AWS::DynamoDB::Table", {"Properties": {"TableName": f"chaseflow-staging-{spec.key}"}}
        )
        (properties,) = [t["Properties"] for t in table.values()]
        assert properties.get("DeletionProtectionEnabled", False) is spec.data, spec.key


def test_alarms_go_to_the_teams_topic_and_the_email_is_subscribed_to_it(embedded):
    # GIVEN the team's topic
    topic_id = _id(embedded, "AWS::SNS::Topic", "TeamAlarms")
    # THEN the construct makes no topic of its own
    embedded.resource_count_is("AWS::SNS::Topic", 1)
    # AND every alarm and recovery goes to the team's topic
    alarms = embedded.find_resources("AWS::CloudWatch::Alarm")
    assert alarms
    embedded.all_resources_properties(
        "AWS::CloudWatch::Alarm", {"AlarmActions": [{"Ref": topic_id}], "OKActions": [{"Ref": topic_id}]}
    )
    # AND the alarm e-mail is subscribed to it
    embedded.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": EMAIL, "TopicArn": {"Ref": topic_id}}
    )


def test_the_log_level_is_powertools_and_lambdas(embedded):
    # GIVEN a construct told to log at DEBUG
    # THEN Powertools and Lambda's application log level (which Powertools obeys first) both say DEBUG
    embedded.all_resources_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {"Variables": Match.object_like({"POWERTOOLS_LOG_LEVEL": "DEBUG"})},
            "LoggingConfig": Match.object_like({"ApplicationLogLevel": "DEBUG"}),
        },
    )


@pytest.mark.parametrize("level", LOG_LEVELS)
def test_each_powertools_level_has_the_lambda_level_powertools_reads_back_as_itself(level):
    # GIVEN Powertools' own table from Lambda's application log levels to its levels
    from aws_lambda_powertools.shared.constants import LAMBDA_ADVANCED_LOGGING_LEVELS

    # WHEN the Lambda level set for a Powertools level is read the way Powertools reads it
    # THEN it is that same level: the two settings never disagree
    assert LAMBDA_ADVANCED_LOGGING_LEVELS[APPLICATION_LOG_LEVELS[level].value] == level


def test_the_reply_domain_is_accepted_and_changes_nothing_yet(tmp_path, embedded):
    # GIVEN the construct with every prop but the reply domain
    _, host, collections = _host(tmp_path, **{**EVERY_PROP, "reply_domain": None})
    # THEN its template is the one with the reply domain, to the character
    assert Template.from_stack(host).to_json() == embedded.to_json()
    # AND the construct keeps the domain for the work that will use it
    _, _, with_domain = _host(tmp_path / "kept", **EVERY_PROP)
    assert (collections.reply_domain, with_domain.reply_domain) == (None, "replies.example.com")


@pytest.mark.parametrize("domain", ["", "Replies.Example.com", "replies", "-bad.example.com", "a b.example.com"])
def test_a_reply_domain_must_be_a_domain_name(domain):
    # WHEN the props are made with something that is not a lowercase domain, THEN the error says so
    with pytest.raises(ValueError, match="reply_domain must be a lowercase domain name"):
        ChaseflowCollectionsProps(stage="acme", reply_domain=domain)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"stage": "Prod"}, "stage must match"),
        ({"stage": "acme", "removal_policy": cdk.RemovalPolicy.SNAPSHOT}, "RETAIN or DESTROY"),
        ({"stage": "acme", "log_level": "VERBOSE"}, "log level must be one of"),
    ],
)
def test_the_props_are_checked_when_the_construct_is_made(tmp_path, props, message):
    # GIVEN a host stack
    host = cdk.Stack(new_app(outdir=str(tmp_path), **FAST), "TeamStack")
    # WHEN the construct is given a prop it cannot honour, THEN the error names it
    with pytest.raises(ValueError, match=message):
        ChaseflowCollections(host, "Collections", ChaseflowCollectionsProps(**props))


def test_without_props_the_stage_decides(tmp_path):
    # GIVEN a construct given its stage only
    _, host, collections = _host(tmp_path, with_key=False, with_topic=False, stage="dev")
    template = Template.from_stack(host)
    # THEN it makes its own ops topic, tables use AWS-owned keys, logs are kept two weeks and deleted with the stack
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.has_resource_properties("AWS::SNS::Topic", {"TopicName": "chaseflow-dev-ops"})
    for table in template.find_resources("AWS::DynamoDB::Table").values():
        assert "KMSMasterKeyId" not in json.dumps(table)
    template.all_resources_properties("AWS::Logs::LogGroup", {"RetentionInDays": 14, "KmsKeyId": Match.absent()})
    template.all_resources("AWS::Logs::LogGroup", {"DeletionPolicy": "Delete"})
    template.all_resources_properties(
        "AWS::Lambda::Function", {"LoggingConfig": Match.object_like({"ApplicationLogLevel": "INFO"})}
    )
    assert collections.reply_domain is None


def test_with_a_key_the_nag_findings_are_exactly_the_acknowledged_ones(tmp_path):
    # GIVEN the embedded construct with the key, the nag packs and no acknowledgement applied
    app, _, collections = _host(tmp_path, nag="audit", alarm_email=EMAIL)
    # WHEN it is synthesized
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text(encoding="utf-8"))
    found = {v["ruleName"] for plugin in report["pluginReports"] for v in plugin["violations"]}
    # THEN every finding has a reason in infra/nag.py, and every reason a finding
    assert found == set(collections.nag_acknowledgements)


def test_the_acknowledgements_cover_the_construct_only(tmp_path):
    # GIVEN the embedded construct with its acknowledgements, beside a queue of the team's own that breaks two rules
    app, host, _ = _host(tmp_path, nag=True)
    queue = sqs.Queue(host, "TeamQueue")  # no dead-letter queue, no TLS-only policy
    # WHEN the app is synthesized with the nag packs
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text(encoding="utf-8"))
    paths = {
        resource["constructPath"]
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for resource in violation["violatingConstructs"]
    }
    # THEN the team's queue is still reported (Chaseflow acknowledges SQS3 for its own queues only), and nothing else
    assert paths and all(path.startswith(queue.node.path) for path in paths), paths
