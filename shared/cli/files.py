"""Reading workflow files and ledger folders for the command line (the only file I/O of the engine)."""

from __future__ import annotations

import json
from pathlib import Path

from shared.domain.ledger.dataset import FILES, ledger_from_data
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import WorkflowInvalid, load_workflow_text

WORKFLOW_SUFFIXES = (".yaml", ".yml", ".json")


def workflow_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to their workflow files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in WORKFLOW_SUFFIXES)
        else:
            found.append(path)
    return found


def load_workflows(paths: list[Path]) -> tuple[list[Workflow], list[WorkflowInvalid]]:
    workflows, invalid = [], []
    for path in workflow_paths(paths):
        try:
            workflows.append(load_workflow_text(path.read_text(encoding="utf-8"), str(path)))
        except WorkflowInvalid as error:
            invalid.append(error)
    return workflows, invalid


def load_ledger(folder: Path) -> tuple[TenantSettings, Ledger]:
    tenant = TenantSettings.model_validate_json((folder / "tenant.json").read_text(encoding="utf-8"))
    data = {}
    for name in FILES:
        file = folder / f"{name}.json"
        if file.exists():
            data[name] = json.loads(file.read_text(encoding="utf-8"))
    return tenant, ledger_from_data(tenant, data)
