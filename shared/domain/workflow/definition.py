"""A workflow: trigger (type + filters + targeting), settings, and a graph of nodes. Workflows are data.

A saved change makes a new version; runs keep the version they started on unless migrated explicitly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.domain.calendar import Daily, RunHours, StartTiming
from shared.domain.filters.conditions import Condition
from shared.domain.ledger.models import CountryCode
from shared.domain.levels import Level, TriggerType
from shared.domain.workflow.graph import graph_problems
from shared.domain.workflow.nodes import Node

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Trigger(_Model):
    type: TriggerType
    filters: tuple[Condition, ...] = Field(default=(), description="all must hold (AND)")
    target_invoices: tuple[Condition, ...] | None = Field(
        default=None, description="customer, group and contact levels: only invoices matching these ride along"
    )
    target_payments: tuple[Condition, ...] | None = Field(
        default=None, description="customer and group levels: the customer also needs a payment matching these"
    )

    @model_validator(mode="after")
    def _targets_fit_level(self) -> Trigger:
        level = self.type.level
        if self.target_invoices is not None and level not in (Level.CUSTOMER, Level.CUSTOMER_GROUP, Level.CONTACT):
            raise ValueError(f"target_invoices applies to customer, group and contact workflows, not {level.value}")
        if self.target_payments is not None and level not in (Level.CUSTOMER, Level.CUSTOMER_GROUP):
            raise ValueError(f"target_payments applies to customer and group workflows, not {level.value}")
        return self


class StopCondition(StrEnum):
    BALANCE_CLEARED = "balance_cleared"
    CUSTOMER_REPLIED = "customer_replied"
    CHASING_DISABLED = "chasing_disabled"
    NO_LONGER_MATCHING = "no_longer_matching"


class PauseRules(_Model):
    """Pause a message step, resuming at the same step once the reason expires (Kolleno "pause a step")."""

    promise_to_pay: Literal["off", "customer", "promised_invoices"] = Field(
        default="customer",
        description="an active promise pauses the whole customer, or only drops the promised invoices",
    )
    recent_communication_days: int | None = Field(
        default=None, ge=1, le=90, description="pause while any message was sent or received in the last N days"
    )


class Settings(_Model):
    start: StartTiming = Field(default_factory=lambda: Daily(every="day"))
    run_hours: RunHours | None = None
    send_on_weekends: bool = False
    send_on_holidays: bool = False
    holiday_country: CountryCode | None = Field(default=None, description="defaults to the tenant's country")
    restart_after_days: int | None = Field(
        default=None, ge=0, le=3650, description="a completed run may re-enrol the record after N days"
    )
    pause: PauseRules = PauseRules()
    stop_when: tuple[StopCondition, ...] | None = Field(
        default=None, description="defaults: balance_cleared for follow-up and invoice-created workflows"
    )


class Workflow(_Model):
    id: Slug
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    category: str | None = None
    version: int = Field(default=1, ge=1)
    status: Literal["draft", "active", "inactive"] = "draft"
    trigger: Trigger
    settings: Settings = Settings()
    start: str | None = Field(default=None, description="first node; defaults to the first in the list")
    nodes: tuple[Node, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _graph_is_sound(self) -> Workflow:
        problems = graph_problems(self.nodes, self.start)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def level(self) -> Level:
        return self.trigger.type.level

    @property
    def start_node(self) -> str:
        return self.start or self.nodes[0].id

    @property
    def stop_conditions(self) -> frozenset[StopCondition]:
        if self.settings.stop_when is not None:
            return frozenset(self.settings.stop_when)
        kind = self.trigger.type
        if kind.is_continuous or kind is TriggerType.INVOICE_CREATED:
            return frozenset({StopCondition.BALANCE_CLEARED})
        return frozenset()

    def node(self, node_id: str) -> Node:
        return self._index()[node_id][0]

    def following(self, node_id: str) -> str | None:
        """The node after ``node_id`` in the list: the default ``next``."""
        return self._index()[node_id][1]

    def _index(self) -> dict[str, tuple[Node, str | None]]:
        entry: tuple[int, dict[str, tuple[Node, str | None]]] | None = self.__dict__.get("_node_index")
        if entry is None or entry[0] != id(self.nodes):  # model_copy copies __dict__ with other nodes
            ids = [n.id for n in self.nodes]
            entry = (
                id(self.nodes),
                {n.id: (n, ids[i + 1] if i + 1 < len(ids) else None) for i, n in enumerate(self.nodes)},
            )
            object.__setattr__(self, "_node_index", entry)
        return entry[1]
