"""Reading workflow files, template files and ledger folders for the command line (the only file I/O of the
engine)."""

from __future__ import annotations

import json
from pathlib import Path

from shared.domain.ledger.dataset import FILES, ledger_from_data
from shared.domain.ledger.views import Ledger
from shared.domain.templates.loading import load_template_text
from shared.domain.templates.models import Template, TemplateInvalid, TemplateProblem, TemplateSettings
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import WorkflowInvalid, load_workflow_text

WORKFLOW_SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATE_SUFFIXES = (".yaml", ".yml")
TEMPLATE_SETTINGS = "settings.json"


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


def load_templates(folder: Path | list[Path]) -> tuple[list[Template], list[TemplateInvalid]]:
    """Every template of a folder (``*.yaml``, one template per file, named after its id) or of the files given.

    A file whose id differs from its name, or a second template with the same id, is invalid: workflows name
    templates by id, so the file a reader opens must be the template that is sent.
    """
    paths: list[Path] = []
    for path in [folder] if isinstance(folder, Path) else folder:
        paths += sorted(p for p in path.iterdir() if p.suffix in TEMPLATE_SUFFIXES) if path.is_dir() else [path]
    templates: dict[str, Template] = {}
    invalid: list[TemplateInvalid] = []
    for path in paths:
        try:
            template = load_template_text(path.read_text(encoding="utf-8"), str(path))
        except TemplateInvalid as error:
            invalid.append(TemplateInvalid(str(path), error.problems))
            continue
        if template.id != path.stem:
            problem = TemplateProblem(template.id, None, "id", f"the file of template '{template.id}' is {path.name}")
            invalid.append(TemplateInvalid(str(path), [problem]))
        elif template.id in templates:
            problem = TemplateProblem(template.id, None, "id", f"a second template with id '{template.id}'")
            invalid.append(TemplateInvalid(str(path), [problem]))
        else:
            templates[template.id] = template
    return list(templates.values()), invalid


def load_template_settings(path: Path | None, templates_at: Path) -> TemplateSettings | None:
    """The tenant's template settings (links, users): ``path``, else ``settings.json`` in the templates' folder
    (``templates_at`` is that folder or a template file in it), else None."""
    if path is None:
        folder = templates_at if templates_at.is_dir() else templates_at.parent
        path = folder / TEMPLATE_SETTINGS
        if not path.exists():
            return None
    return TemplateSettings.model_validate_json(path.read_text(encoding="utf-8"))
