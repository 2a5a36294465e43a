"""examples/cdk_app: a team's own app embedding the construct synthesizes with the cdk-nag packs over the whole app,
passes cfn-lint, and its template carries the team's key and alarm topic."""

import importlib.util
import json
from pathlib import Path

import aws_cdk as cdk
import pytest
import yaml
from cfnlint.api import ManualArgs, lint_file

from infra.app_factory import ROOT

EXAMPLE = ROOT / "examples" / "cdk_app" / "app.py"


@pytest.fixture(scope="module")
def example_template(tmp_path_factory):
    # GIVEN the example's stack in an app of its own (in this process: one jsii kernel), with the nag packs over
    # the whole app and without the layer's bundling
    import cdk_nag

    spec = importlib.util.spec_from_file_location("example_cdk_app", EXAMPLE)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    outdir = tmp_path_factory.mktemp("example")
    app = cdk.App(outdir=str(outdir), context={"aws:cdk:bundling-stacks": []})
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app))
    example.FinancePlatformStack(app, "FinancePlatform")
    # WHEN it is synthesized: a finding not acknowledged fails here with ValidationFailed
    app.synth()
    return outdir / "FinancePlatform.template.json"


def _resources(template, resource_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def test_the_example_uses_the_teams_key_and_topic(example_template):
    # GIVEN the example's template
    template = json.loads(example_template.read_text(encoding="utf-8"))
    (key_id,) = _resources(template, "AWS::KMS::Key")
    (topic_id,) = _resources(template, "AWS::SNS::Topic")
    # THEN Chaseflow's tables are encrypted with the team's key and its alarms go to the team's topic
    tables = _resources(template, "AWS::DynamoDB::Table").values()
    assert tables
    assert all(t["Properties"]["SSESpecification"]["KMSMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]} for t in tables)
    alarms = _resources(template, "AWS::CloudWatch::Alarm").values()
    assert alarms
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)
    # AND the team's outputs are there
    assert {"CollectionsApiUrl", "CollectionsWebhookUrl"} <= set(template["Outputs"])


def test_the_example_passes_cfn_lint(example_template):
    # GIVEN the project's cfn-lint configuration
    config = yaml.safe_load((ROOT / ".cfnlintrc.yaml").read_text(encoding="utf-8"))
    # WHEN cfn-lint checks the example's template
    matches = lint_file(Path(example_template), ManualArgs(ignore_checks=config["ignore_checks"]))
    # THEN there is no finding
    assert [str(m) for m in matches] == []
