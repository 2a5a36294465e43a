"""Reading a template from YAML or JSON text (one template per file), with each problem's path."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.domain.templates.models import Template, TemplateInvalid, TemplateProblem
from shared.domain.workflow.loading import WorkflowInvalid, parse_text


def load_template(data: Any, source: str = "<data>") -> Template:
    """A ``Template`` from plain data.

    Raises
    ------
    TemplateInvalid
        One problem per wrong field, its path as the part (e.g. ``translations.fr``).
    """
    try:
        return Template.model_validate(data)
    except ValidationError as error:
        problems = [
            TemplateProblem(
                _template_id(data, source),
                None,
                ".".join(str(p) for p in e["loc"]) or "template",
                str(e["msg"]).removeprefix("Value error, "),
            )
            for e in error.errors()
        ]
        raise TemplateInvalid(_template_id(data, source), problems) from None


def load_template_text(text: str, source: str = "<text>") -> Template:
    """A template from YAML (1.2 core rules, so a ``no:`` translation stays Norwegian) or JSON text."""
    try:
        data = parse_text(text, source)
    except WorkflowInvalid as error:  # the shared YAML reader names its error after workflows
        problem = TemplateProblem(source, None, "file", error.problems[0].message)
        raise TemplateInvalid(source, [problem]) from None
    return load_template(data, source)


def _template_id(data: Any, source: str) -> str:
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else source
