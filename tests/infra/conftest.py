"""One synthesis per test session, shared by every infra test (a synth costs seconds; see docs/decisions.md).

The stack is synthesized with the cdk-nag AwsSolutions and Serverless packs registered: a finding not acknowledged
in ``infra/nag.py`` makes the synth itself fail, so every test here fails with the report's path.
The dependencies layer is bundled from the cache (``.cache/lambda-deps``; built once with ``uv`` from uv.lock).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

# jsii's Node 20 end-of-life banner on every process; the CLI's telemetry and version check (set before importing)
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")

STAGE = "prod"  # the stricter stage: deletion protection, retention


@pytest.fixture(scope="session")
def assembly_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from infra.app import build
    from infra.app_factory import new_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = new_app(outdir=str(outdir), stage=STAGE, nag="true")
    build(app)
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def template(assembly_dir: Path) -> dict[str, Any]:
    (path,) = assembly_dir.glob("*.template.json")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def resources(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}
