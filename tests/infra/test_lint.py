"""cfn-lint passes on the synthesized template; cdk-nag (AwsSolutions, Serverless) finds exactly what infra/nag.py
acknowledges: nothing unacknowledged, and no acknowledgement left over from a finding that is gone."""

import json
from pathlib import Path

import pytest
import yaml
from cfnlint.api import ManualArgs, lint_file

from infra.app_factory import ROOT
from tests.infra.conftest import STAGE


def test_cfn_lint_finds_nothing(template_path):
    # GIVEN the project's cfn-lint configuration
    config = yaml.safe_load((ROOT / ".cfnlintrc.yaml").read_text(encoding="utf-8"))
    # WHEN cfn-lint checks the synthesized template
    matches = lint_file(Path(template_path), ManualArgs(ignore_checks=config["ignore_checks"]))
    # THEN there is no error, warning or informational finding
    assert [str(m) for m in matches] == []


def test_nag_findings_are_exactly_the_acknowledged_ones(tmp_path):
    # GIVEN the app with the nag packs and no acknowledgement applied
    from aws_cdk import Stack

    from infra.app import build
    from infra.app_factory import new_app

    app = new_app(outdir=str(tmp_path), stage=STAGE, nag="true", nag_acknowledge="false",
                  **{"aws:cdk:bundling-stacks": []})  # fmt: skip
    stack = build(app)
    assert isinstance(stack, Stack)
    # WHEN it is synthesized
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text(encoding="utf-8"))
    found = {v["ruleName"] for plugin in report["pluginReports"] for v in plugin["violations"]}
    # THEN the packs ran, and every finding has a reason in infra/nag.py and every reason a finding
    assert {p["pluginName"] for p in report["pluginReports"]} == {"AwsSolutions", "Serverless"}
    assert found == set(stack.nag_acknowledgements)
    assert all(reason.strip() and "\n" not in reason for reason in stack.nag_acknowledgements.values())


def test_with_the_acknowledgements_the_nag_synth_passes(template):
    # GIVEN the session's synth, which registers the nag packs and applies the acknowledgements (conftest)
    # WHEN its template was written
    # THEN synthesis passed the checks: an unacknowledged finding raises ValidationFailed before any template
    assert template["Resources"]
