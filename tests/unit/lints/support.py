"""Loading lint fixtures: YAML workflow files whose first document is the workflow under test and whose later
documents (after ``---`` lines) are the tenant's other workflows; plus a small builder for rule variants."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shared.domain.filters.conditions import Condition
from shared.domain.lints import Lint
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import load_workflow, load_workflow_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "workflows"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "workflows"
_DOCUMENT_BREAK = re.compile(r"^---\s*$", re.MULTILINE)
EMAIL: dict[str, Any] = {"id": "reminder", "type": "send_email", "template": "overdue"}
OVERDUE = ["customer.balance_overdue", ">", 0]


def load_fixture(name: str) -> tuple[Workflow, list[Workflow]]:
    """The workflow under test and the others, from ``tests/fixtures/workflows/<name>``."""
    path = FIXTURES / name
    documents = [d for d in _DOCUMENT_BREAK.split(path.read_text()) if d.strip()]
    workflows = [load_workflow_text(d, f"{path}#{i}") for i, d in enumerate(documents)]
    return workflows[0], workflows[1:]


def build(
    trigger_type: str = "customer_follow_up",
    filters: list[Any] | None = None,
    *,
    nodes: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Workflow:
    """A workflow with one email step unless ``nodes`` are given; ``fields`` go to the top level or the trigger
    (``target_invoices``, ``target_payments``)."""
    trigger: dict[str, Any] = {"type": trigger_type, "filters": [OVERDUE] if filters is None else filters}
    for key in ("target_invoices", "target_payments"):
        if key in fields:
            trigger[key] = fields.pop(key)
    data = {"id": "base", "name": "Base workflow", "trigger": trigger, "nodes": nodes or [EMAIL], **fields}
    return load_workflow(data)


def conditions(*triples: tuple[str, str, Any] | tuple[str, str]) -> list[Condition]:
    return [Condition.model_validate(list(t)) for t in triples]


def codes(lints: list[Lint]) -> list[str]:
    return [lint.code for lint in lints]
