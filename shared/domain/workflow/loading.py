"""Reading workflow definitions from YAML or JSON text, with precise errors (path + reason).

YAML is read with the 1.2 core rules for booleans and numbers: in YAML 1.1 a branch's ``yes:``/``no:`` keys
would become booleans and ``9:00`` the number 540.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from shared.domain.workflow.definition import Workflow


class _CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core booleans (true/false only) and no base-60 integers."""


_CoreLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CoreLoader.add_implicit_resolver(  # type: ignore[no-untyped-call]
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreLoader.add_implicit_resolver(  # type: ignore[no-untyped-call]
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class WorkflowInvalid(ValueError):
    """A definition that cannot be loaded; ``problems`` lists each error with its path."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(str(p) for p in problems))


def parse_text(text: str, source: str = "<text>") -> Any:
    """YAML or JSON text (JSON is YAML) to plain data."""
    try:
        return json.loads(text) if source.endswith(".json") else yaml.load(text, Loader=_CoreLoader)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise WorkflowInvalid(source, [Problem("", f"not valid YAML/JSON: {error}")]) from None


def load_workflow(data: Any, source: str = "<data>") -> Workflow:
    try:
        return Workflow.model_validate(data)
    except ValidationError as error:
        raise WorkflowInvalid(source, [_problem(e) for e in error.errors()]) from None


def load_workflow_text(text: str, source: str = "<text>") -> Workflow:
    return load_workflow(parse_text(text, source), source)


def _problem(error: Any) -> Problem:
    path = ""
    for part in error["loc"]:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _UNION_TAGS:
            continue  # pydantic names the union member chosen; the author wrote no such key
        else:
            path += f".{part}" if path else str(part)
    message = str(error["msg"]).removeprefix("Value error, ")
    return Problem(path, message)


_UNION_TAGS = frozenset(
    {"send_email", "send_sms", "task", "wait", "branch", "action", "end"}
    | {"add_tag", "remove_tag", "assign_portfolio", "remove_portfolio", "assign_owner", "set_strike_level"}
    | {"pause_chasing", "resume_chasing", "set_auto_charge", "update_erp_field"}
    | {"day", "weekday", "week", "n_weeks", "month_day", "month_working_day", "month_week"}
)
