"""A workflow's conditions compiled once into predicates, kept with the (immutable) workflow."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.filters.compile import Predicate, compile_all
from shared.domain.levels import Level
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import Branch


@dataclass(frozen=True)
class CompiledWorkflow:
    trigger: Predicate
    target_invoices: Predicate | None
    target_payments: Predicate | None
    branches: dict[str, Predicate]


def compiled(workflow: Workflow) -> CompiledWorkflow:
    # model_copy copies __dict__: the cache is valid only for the trigger and nodes it was built from
    identity = (id(workflow.trigger), id(workflow.nodes))
    entry: tuple[tuple[int, int], CompiledWorkflow] | None = workflow.__dict__.get("_compiled")
    cached = entry[1] if entry is not None and entry[0] == identity else None
    if cached is None:
        trigger = workflow.trigger
        cached = CompiledWorkflow(
            trigger=compile_all(trigger.filters, workflow.level),
            target_invoices=None
            if trigger.target_invoices is None
            else compile_all(trigger.target_invoices, Level.INVOICE),
            target_payments=None
            if trigger.target_payments is None
            else compile_all(trigger.target_payments, Level.PAYMENT),
            branches={n.id: compile_all(n.filters, workflow.level) for n in workflow.nodes if isinstance(n, Branch)},
        )
        object.__setattr__(workflow, "_compiled", (identity, cached))
    return cached
