"""Synthesize the Chaseflow stack: ``python -m infra.app [-c stage=prod] [-c nag=true]`` (no CDK CLI needed),
or ``npx aws-cdk@2.1148.1 synth -c stage=prod`` (cdk.json runs this module)."""

from __future__ import annotations

import json
import sys
from typing import Any

import aws_cdk as cdk
import cdk_nag

from infra.app_factory import new_app
from infra.stack import ChaseflowStack, stack_id
from infra.stage import Stage


def build(app: cdk.App) -> ChaseflowStack:
    stage = Stage.from_context(app.node)
    if str(app.node.try_get_context("nag") or "").lower() == "true":
        # the checks make synth fail on any finding not acknowledged in infra/nag.py
        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app))
    return ChaseflowStack(app, stack_id(stage), stage=stage)


def context_arguments(argv: list[str]) -> dict[str, Any]:
    """``-c key=value`` pairs, as the CDK CLI takes them (a JSON value is parsed: ``-c list=[]``)."""
    context: dict[str, Any] = {}
    for flag, pair in zip(argv[::2], argv[1::2], strict=False):
        if flag not in ("-c", "--context") or "=" not in pair:
            raise SystemExit(f"usage: python -m infra.app [-c key=value]...; got {flag} {pair}")
        key, value = pair.split("=", 1)
        try:
            context[key] = json.loads(value) if value[:1] in "[{" else value
        except json.JSONDecodeError:
            context[key] = value
    return context


def main(argv: list[str]) -> None:
    app = new_app(**context_arguments(argv))
    build(app)
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1:])
