"""What an action node does to the record it runs on: a new version of the customer or invoice.

Only Chaseflow's part of a record changes (``shared.domain.ledger.ownership``); the change is stored and announced
to the ERP connectors. An update of one of the ERP's own fields changes nothing here: it is a request to the ERP,
and the mirror follows when the ERP sends its new version.
"""

from __future__ import annotations

from datetime import date, timedelta

from shared.domain.ledger.models import ChasingPause, Customer, Invoice
from shared.domain.workflow.nodes import (
    ActionSpec,
    AddTag,
    AssignOwner,
    PauseChasing,
    Portfolio,
    ResumeChasing,
    SetAutoCharge,
    SetStrikeLevel,
    UpdateErpField,
)


def apply_action(action: ActionSpec, customer: Customer, invoice: Invoice | None, today: date) -> Customer | Invoice:
    """The record the action is about, as it changed: the invoice for invoice-level auto-charge and ERP updates
    (unchanged: the ERP's field), else the customer."""
    if isinstance(action, SetAutoCharge) and invoice is not None:
        return invoice.model_copy(update={"auto_charge": action.enabled})
    if isinstance(action, UpdateErpField):
        return invoice or customer
    return customer.model_copy(update=_customer_change(action, customer, today))


def _customer_change(action: ActionSpec, customer: Customer, today: date) -> dict[str, object]:
    if isinstance(action, AddTag):
        kept = tuple(t for t in customer.tags if t != action.tag)
        return {"tags": (*kept, action.tag) if action.do == "add_tag" else kept}
    if isinstance(action, Portfolio):
        portfolios = tuple(p for p in customer.portfolio_ids if p != action.portfolio)
        return {"portfolio_ids": (*portfolios, action.portfolio) if action.do == "assign_portfolio" else portfolios}
    if isinstance(action, AssignOwner):
        return {"account_owner_id": action.user}
    if isinstance(action, SetStrikeLevel):
        return {"strike_level": action.level}
    if isinstance(action, PauseChasing):
        until = action.until or (today + timedelta(days=action.days) if action.days else None)
        return {"chasing_pause": ChasingPause(until=until, note=action.note or "paused by a workflow")}
    if isinstance(action, ResumeChasing):
        return {"chasing_pause": None}
    if isinstance(action, SetAutoCharge):
        return {"auto_charge": action.enabled}
    raise ValueError(f"unknown action {action}")
