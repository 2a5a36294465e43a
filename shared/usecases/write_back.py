"""What a workflow action tells the ERP connectors: one event per change to Chaseflow's part of a record, and a
request for each change to the ERP's own fields (the mirror follows when the ERP sends its new version).

Ids come from the action's key: a replayed action announces the same events, which consumers drop as repeats.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

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
    kind, fields = _change(action, record)
    common = {
        "event_id": "act-" + hashlib.sha256(f"{action_key}|{kind.detail_type()}".encode()).hexdigest(),
        "tenant_id": run.tenant_id,
        "customer_id": run.customer_id,
        "occurred_at": now,
        "record_id": record.id,
        "record_kind": "invoice" if isinstance(record, Invoice) else "customer",
        "workflow_id": run.workflow_id,
        "run_id": run.run_id,
    }
    return [kind.model_validate(common | fields)]


def _change(action: ActionSpec, record: Customer | Invoice) -> tuple[type[ChaseflowChange], dict[str, object]]:
    if isinstance(action, AddTag):
        return (TagAdded if action.do == "add_tag" else TagRemoved), action.tag.model_dump()
    if isinstance(action, Portfolio):
        moved = PortfolioAssigned if action.do == "assign_portfolio" else PortfolioRemoved
        return moved, {"portfolio_id": action.portfolio}
    if isinstance(action, AssignOwner):
        return AccountOwnerChanged, {"owner_id": action.user}
    if isinstance(action, SetStrikeLevel):
        return StrikeLevelChanged, {"level": action.level}
    if isinstance(action, PauseChasing):
        pause = record.chasing_pause if isinstance(record, Customer) else None
        return ChasingPaused, {"until": pause.until if pause else None, "note": pause.note if pause else ""}
    if isinstance(action, ResumeChasing):
        return ChasingResumed, {}
    if isinstance(action, SetAutoCharge):
        return AutoChargeChanged, {"enabled": action.enabled}
    return ErpFieldUpdateRequested, {"field": action.field, "value": action.value}
