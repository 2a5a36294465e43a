"""Least privilege: every IAM statement is scoped. ``*`` alone only for the actions AWS does not scope
(infra.nag.IAM_WILDCARD_ACTIONS); a wildcard inside an ARN only in the patterns named below."""

import re

from infra.nag import IAM_WILDCARD_ACTIONS
from tests.infra.conftest import STAGE, properties

# a wildcard inside an ARN: the only patterns allowed, each with the reason it cannot be narrower
SCOPED_WILDCARDS = {
    r"^<\w+\.Arn>/index/\*$": "a table's own secondary indexes",
    rf":states:<AWS::Region>:<AWS::AccountId>:execution:chaseflow-{STAGE}-enrolment:\*$": "our executions",
    r":ses:<AWS::Region>:<AWS::AccountId>:identity/\*$": "tenants' sender identities, verified after deploy",
    rf":secret:chaseflow/{STAGE}/tenants/\*/webhook-\?{{6}}$": "tenants' webhook secrets, registered after deploy",
    r"^<\w+\.Arn>:\*$": "a function's versions (CDK's scheduler target grant)",
}


def render(value) -> str:
    """A CloudFormation expression as readable text: tokens in angle brackets."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(p) for p in parts)
    raise AssertionError(f"unexpected expression {value}")


def statements(template):
    for policy in properties(template, "AWS::IAM::Policy").values():
        yield from policy["PolicyDocument"]["Statement"]
    for role in properties(template, "AWS::IAM::Role").values():
        for policy in role.get("Policies", []):
            yield from policy["PolicyDocument"]["Statement"]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_bare_wildcard_resources_only_for_actions_that_cannot_be_scoped(template):
    # GIVEN every identity policy statement
    for statement in statements(template):
        resources = [render(r) for r in _as_list(statement["Resource"])]
        # WHEN a statement grants on "*"
        if "*" in resources:
            # THEN all its actions are in the allow-list
            assert set(_as_list(statement["Action"])) <= IAM_WILDCARD_ACTIONS, statement


def test_wildcards_inside_arns_only_in_the_named_patterns(template):
    # GIVEN every scoped resource of every statement
    for statement in statements(template):
        for resource in map(render, _as_list(statement["Resource"])):
            # WHEN it holds a wildcard
            if resource != "*" and ("*" in resource or "?" in resource):
                # THEN it is one of the patterns with a reason
                assert any(re.search(p, resource) for p in SCOPED_WILDCARDS), resource


def test_no_action_wildcards_and_no_managed_policies(template):
    # GIVEN every statement and every role
    for statement in statements(template):
        # THEN actions are named one by one
        assert statement["Effect"] == "Allow"
        assert not any(a.endswith("*") for a in _as_list(statement["Action"])), statement
    for role in properties(template, "AWS::IAM::Role").values():
        # THEN no role carries a broad AWS-managed policy (e.g. AWSLambdaBasicExecutionRole: logs on every group)
        assert "ManagedPolicyArns" not in role


def test_webhook_secrets_are_readable_only_under_the_stage_tenants_prefix(template):
    # GIVEN the statements that read secrets
    secret_statements = [s for s in statements(template) if "secretsmanager:GetSecretValue" in _as_list(s["Action"])]
    assert secret_statements
    for statement in secret_statements:
        # THEN they name this stage's tenants' webhook secrets only
        for resource in map(render, _as_list(statement["Resource"])):
            assert f":secret:chaseflow/{STAGE}/tenants/" in resource
