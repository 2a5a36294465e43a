"""A ledger export as data: one list of records per kind, plus the tenant's settings.

On disk (``examples/ledger/``, ``chaseflow … --ledger DIR``) each kind is a JSON array in ``<kind>.json``
(``customers.json``, ``invoices.json`` …) and the tenant is ``tenant.json``. Records may omit ``tenant_id``;
the tenant's is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from shared.domain.ledger.models import LEDGER_MODELS, LedgerRecord
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings

FILES = {
    "customers": "customer",
    "contacts": "contact",
    "invoices": "invoice",
    "credit_notes": "credit_note",
    "payments": "payment",
    "promises_to_pay": "promise_to_pay",
    "communications": "communication",
    "tasks": "task",
}


class DatasetInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:20]) + (f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""))


def records_from_data(tenant: TenantSettings, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[LedgerRecord]:
    """Validate every record; all problems are reported together, each with its file and index."""
    records: list[LedgerRecord] = []
    problems: list[str] = []
    for name, rows in data.items():
        if name not in FILES:
            problems.append(f"{name}: unknown kind (expected one of {', '.join(FILES)})")
            continue
        model = LEDGER_MODELS[FILES[name]]
        if not isinstance(rows, list):
            problems.append(f"{name}: expected an array of records, got {type(rows).__name__}")
            continue
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                problems.append(f"{name}[{index}]: expected an object, got {type(row).__name__}")
                continue
            if row.get("tenant_id", tenant.tenant_id) != tenant.tenant_id:
                problems.append(f"{name}[{index}].tenant_id: belongs to '{row['tenant_id']}', not '{tenant.tenant_id}'")
                continue
            try:
                records.append(model.model_validate({**row, "tenant_id": tenant.tenant_id}))
            except ValidationError as error:
                for e in error.errors():
                    path = ".".join(str(p) for p in e["loc"])
                    problems.append(f"{name}[{index}].{path}: {e['msg']}")
    if problems:
        raise DatasetInvalid(problems)
    return records


def ledger_from_data(tenant: TenantSettings, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> Ledger:
    return Ledger.of(records_from_data(tenant, data))
