"""What a workflow action tells the ERP connectors: one event per change to Chaseflow's part of a record, and a
request for each change to the ERP's own fields (the mirror follows when the ERP sends its new version).

Ids come from the action's key: a replayed action announces the same events, which consumers drop as repeats.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from shared.domain.engine.run import RunState
from shared.domain.ledger.models import Customer, Invoice
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
from shared.events.contracts import (
    AccountOwnerChanged,
    AutoChargeChanged,
    ChaseflowChange,
    ChasingPaused,
    ChasingResumed,
    ErpFieldUpdateRequested,
    PortfolioAssigned,
    PortfolioRemoved,
    StrikeLevelChanged,
    TagAdded,
    TagRemoved,
)


def change_events(
    action: ActionSpec, record: Customer | Invoice, run: RunState, action_key: str, now: datetime
) -> list[ChaseflowChange]:
    """The event announcing what ``action`` did to ``record`` (its new version)."""
    common = {
        "tenant_id": run.tenant_id,
        "customer_id": run.customer_id,
        "occurred_at": now,
        "record_id": record.id,
        "record_kind": "invoice" if isinstance(record, Invoice) else "customer",
        "workflow_id": run.workflow_id,
        "run_id": run.run_id,
    }
    event: ChaseflowChange
    if isinstance(action, AddTag):
        kind = TagAdded if action.do == "add_tag" else TagRemoved
        event = kind(event_id=_id(action_key, kind), category=action.tag.category, name=action.tag.name, **common)
    elif isinstance(action, Portfolio):
        moved = PortfolioAssigned if action.do == "assign_portfolio" else PortfolioRemoved
        event = moved(event_id=_id(action_key, moved), portfolio_id=action.portfolio, **common)
    elif isinstance(action, AssignOwner):
        event = AccountOwnerChanged(event_id=_id(action_key, AccountOwnerChanged), owner_id=action.user, **common)
    elif isinstance(action, SetStrikeLevel):
        event = StrikeLevelChanged(event_id=_id(action_key, StrikeLevelChanged), level=action.level, **common)
    elif isinstance(action, PauseChasing):
        until: date | None = record.chasing_pause.until if isinstance(record, Customer) and record.chasing_pause else None
        note = record.chasing_pause.note if isinstance(record, Customer) and record.chasing_pause else ""
        event = ChasingPaused(event_id=_id(action_key, ChasingPaused), until=until, note=note, **common)
    elif isinstance(action, ResumeChasing):
        event = ChasingResumed(event_id=_id(action_key, ChasingResumed), **common)
    elif isinstance(action, SetAutoCharge):
        event = AutoChargeChanged(event_id=_id(action_key, AutoChargeChanged), enabled=action.enabled, **common)
    elif isinstance(action, UpdateErpField):
        kind_ = ErpFieldUpdateRequested
        event = kind_(event_id=_id(action_key, kind_), field=action.field, value=action.value, **common)
    else:  # pragma: no cover - the union is closed; a new action must be announced here
        raise ValueError(f"no write-back event for {action}")
    return [event]


def _id(action_key: str, kind: type[ChaseflowChange]) -> str:
    return "act-" + hashlib.sha256(f"{action_key}|{kind.detail_type()}".encode()).hexdigest()
