"""One way to build the CDK App, so ``python -m infra.app``, ``cdk synth`` and the tests synthesize alike.

Plain ``python`` ignores ``cdk.json``; only the CDK CLI passes its context (as ``CDK_CONTEXT_JSON``). Reading the
feature flags here gives every entry point the same flags; context from the CLI still merges on top.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk

ROOT = Path(__file__).resolve().parent.parent
CDK_JSON = ROOT / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads(CDK_JSON.read_text(encoding="utf-8"))["context"]
    return context


def new_app(outdir: str | None = None, **context: Any) -> cdk.App:
    """An App with cdk.json's context, the CLI's (if any), then ``context`` (e.g. ``stage="prod"``)."""
    from_cli = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}"))
    return cdk.App(outdir=outdir, context={**cdk_json_context(), **from_cli, **context})
