"""Who owns each field of a mirrored record: the ERP, or Chaseflow.

The ERP is the system of record for what it knows (names, amounts, dates, balances, contacts' addresses). Chaseflow
owns what its workflows, its bounce handling and its users set: tags, portfolios, the account owner, the strike
level, chasing switches and pauses, auto-charge, a contact's deliverability. The two parts are stored apart, so a
new version from the ERP replaces the ERP's part and never touches ours, and a change of ours never touches the
ERP's part, whatever order they arrive in. A record the ERP sends with a field of ours is refused, with the field
named: silently dropping it would hide a connector's mistake. ``docs/ownership.md`` is the table for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.domain.ledger.models import LEDGER_MODELS, LedgerRecord

CHASEFLOW_FIELDS: Mapping[str, frozenset[str]] = {
    "customer": frozenset(
        {
            "tags",
            "portfolio_ids",
            "account_owner_id",
            "strike_level",
            "chasing_enabled",
            "chasing_pause",
            "auto_charge",
        }
    ),
    "contact": frozenset({"deliverability"}),
    "invoice": frozenset({"tags", "chasing_paused", "auto_charge"}),
}
# Kinds whose every field is the ERP's: credit notes, payments, promises to pay, and the communications it posts.
# Tasks and the messages Chaseflow sends are wholly Chaseflow's (written by the engine, never by the ERP).


def chaseflow_fields(kind: str) -> frozenset[str]:
    return CHASEFLOW_FIELDS.get(kind, frozenset())


def fields_the_erp_may_not_set(kind: str, data: Mapping[str, Any]) -> list[str]:
    """The fields of ours in a record the ERP sent (refused with each field named)."""
    return sorted(set(data) & chaseflow_fields(kind))


def erp_part(kind: str, record: LedgerRecord) -> dict[str, Any]:
    """The ERP's fields of ``record``, as JSON values."""
    return record.model_dump(mode="json", exclude=set(chaseflow_fields(kind)))


def chaseflow_part(kind: str, record: LedgerRecord) -> dict[str, Any]:
    """Our fields of ``record``, as JSON values (empty for a kind the ERP owns whole)."""
    return record.model_dump(mode="json", include=set(chaseflow_fields(kind)))


def set_by_chaseflow(kind: str, record: LedgerRecord) -> dict[str, Any]:
    """Our fields of ``record`` that differ from the model's defaults: what someone in Chaseflow set."""
    fields = LEDGER_MODELS[kind].model_fields
    defaults = {name: fields[name].get_default(call_default_factory=True) for name in chaseflow_fields(kind)}
    return {
        name: value for name, value in chaseflow_part(kind, record).items() if getattr(record, name) != defaults[name]
    }


def merged(kind: str, erp: Mapping[str, Any], ours: Mapping[str, Any]) -> LedgerRecord:
    """The record as the engine sees it: the ERP's part with ours laid over it (our defaults where we set nothing)."""
    return LEDGER_MODELS[kind].model_validate({**erp, **ours})


def changed_fields(kind: str, before: LedgerRecord, after: LedgerRecord) -> Iterable[str]:
    """Our fields whose value differs between two versions (what a workflow action changed)."""
    old, new = chaseflow_part(kind, before), chaseflow_part(kind, after)
    return sorted(name for name in new if new[name] != old.get(name))
