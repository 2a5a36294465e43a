"""The published JSON Schema of a workflow definition (docs/workflow.schema.json is generated from it)."""

from __future__ import annotations

from typing import Any

from shared.domain.workflow.definition import Workflow


def workflow_schema() -> dict[str, Any]:
    schema = Workflow.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Chaseflow workflow"
    return schema
