"""The stack is synthesized once per test session and shared by every infra test (a synth costs seconds).

The session's synth skips the dependency layer's bundling (``aws:cdk:bundling-stacks: []``; the layer has its
own test) and CDK's built-in template validation (cfn-lint runs on the template in ``test_lint.py``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

# jsii prints a Node 20 end-of-life banner from every process; silence it and the CDK's calls home
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
os.environ.setdefault("CDK_VALIDATION", "false")

STAGE = "prod"  # the stricter stage: deletion protection, retention
FAST = {"aws:cdk:bundling-stacks": []}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.infra)


def synthesize(outdir: Path, **context: Any) -> Path:
    """Synthesize the app into ``outdir``; returns the stack's template path."""
    from infra.app import build
    from infra.app_factory import new_app

    app = new_app(outdir=str(outdir), **FAST, **context)
    build(app)
    app.synth()
    (path,) = outdir.glob("*.template.json")
    return path


@pytest.fixture(scope="session")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # with the nag packs: a finding not acknowledged in infra/nag.py fails the synth, so every infra test fails
    return synthesize(tmp_path_factory.mktemp("cdk.out"), stage=STAGE, nag="true")


@pytest.fixture(scope="session")
def template(template_path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(template_path.read_text(encoding="utf-8"))
    return loaded


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def properties(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r.get("Properties", {}) for k, r in resources(template, resource_type).items()}


def functions_by_key(template: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """FunctionSpec key → (logical id, properties), found by the function name ``chaseflow-<stage>-<key>``."""
    from shared.platform.functions import FUNCTIONS

    by_name = {p["FunctionName"]: (k, p) for k, p in properties(template, "AWS::Lambda::Function").items()}
    return {spec.key: by_name[f"chaseflow-{STAGE}-{spec.key.replace('_', '-')}"] for spec in FUNCTIONS}
