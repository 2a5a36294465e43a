"""A lint: one static workflow alert raised when a workflow is saved, with the fix to apply."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# Stable code → short name; the codes are a contract with the builder UI and the daily alert digest.
NAMES: dict[str, str] = {
    "W001": "overlapping-filters",
    "E002": "contradictory-filters",
    "W003": "invoice-days-filter-at-customer-level",
    "W004": "invoice-created-without-days-issued",
    "W005": "wait-for-completion-at-end",
    "W006": "action-without-guard",
    "E007": "email-without-template-or-recipients",
    "E008": "never-matches",
    "W009": "send-time-outside-run-hours",
    "I010": "no-stop-on-payment",
}
SEVERITIES: dict[str, Severity] = {
    code: Severity({"E": "error", "W": "warning", "I": "info"}[code[0]]) for code in NAMES
}


@dataclass(frozen=True)
class Lint:
    """One alert on ``workflow_id``; ``path`` locates it in the definition, ``related`` names other workflows."""

    code: str
    severity: Severity
    workflow_id: str
    message: str
    fix: str
    path: str = ""
    related: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return NAMES.get(self.code, "")

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.code} {self.name} ({self.severity.value}) {self.workflow_id}{where}: {self.message}"


def make_lint(
    code: str, workflow_id: str, message: str, fix: str, path: str = "", related: tuple[str, ...] = ()
) -> Lint:
    """A lint with the severity its code carries."""
    return Lint(code, SEVERITIES[code], workflow_id, message, fix, path, related)
