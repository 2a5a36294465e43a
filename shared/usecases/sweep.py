"""Continuous triggers: once per start day, at the opening of the run hours, every record of the level is
considered for enrolment. The workflows of a tenant whose sweep falls due at the same tick are swept together, so
that each customer's ledger is read once for all of them. The sweep is split into shards of customers so that a
tenant with 100,000 customers is many short invocations, never one that meets Lambda's 15 minutes."""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from aws_lambda_powertools import Logger

from shared.domain.calendar import at_local, holiday_calendar, is_start_day, local_date
from shared.domain.ledger.models import Contact, Invoice
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.platform.payloads import SweepShard
from shared.usecases.enrol import enrol
from shared.usecases.runtime import Runtime

logger = Logger(child=True)
CUSTOMERS_PER_SHARD = 2_000


def plan(rt: Runtime, tenant_ids: list[str]) -> list[SweepShard]:
    """The shards due now: of each tenant, the workflows whose start day is today and whose sweep time has passed,
    once a day (a marker per workflow and day makes the plan idempotent across ticks and retries)."""
    now = rt.clock.now()
    shards: list[SweepShard] = []
    for tenant_id in tenant_ids:
        tenant = rt.ledger.tenant(tenant_id)
        if tenant is None:
            continue
        today = local_date(now, tenant.timezone).isoformat()
        due = tuple(
            workflow.id
            for workflow in rt.workflows.active(tenant_id)
            if workflow.trigger.type.is_continuous
            and _due(workflow, tenant, now)
            and rt.runs.mark_swept(tenant_id, workflow.id, today)
        )
        if due:
            count = max(1, -(-len(rt.ledger.customer_ids(tenant_id)) // CUSTOMERS_PER_SHARD))
            shards += [
                SweepShard(tenant_id=tenant_id, workflow_ids=due, day=today, shard=k, shards=count)
                for k in range(count)
            ]
    return shards


def sweep(rt: Runtime, shard: SweepShard) -> int:
    """Consider every record of the shard's customers for each of its workflows; returns how many enrolled."""
    tenant = rt.ledger.tenant(shard.tenant_id)
    found = (rt.workflows.current(shard.tenant_id, workflow_id) for workflow_id in shard.workflow_ids)
    workflows = [w for w in found if w is not None and w.status == "active"]
    if tenant is None or not workflows:
        return 0
    enrolled = 0
    for customer_id in rt.ledger.customer_ids(shard.tenant_id):
        if _shard_of(customer_id, shard.shards) != shard.shard:
            continue
        # the customer's ledger and runs are read once for all its records and workflows (not once per invoice)
        views: dict[bool, CustomerLedger | None] = {}
        customer_runs = rt.runs.of_customer(tenant.tenant_id, customer_id)
        for workflow in workflows:
            group = workflow.level is Level.CUSTOMER_GROUP
            if group not in views:
                views[group] = rt.ledger.view(tenant.tenant_id, customer_id, with_members=group)
            view = views[group]
            if view is None:
                continue
            started = 0
            for record_id in _records(rt, tenant, workflow, view):
                run, _ = enrol(
                    rt, tenant, workflow, record_id, customer_id, sweep=True, view=view, customer_runs=customer_runs
                )
                started += run is not None
            if started:  # the next workflow weighs the runs this one started (overlaps, recent communication)
                customer_runs = rt.runs.of_customer(tenant.tenant_id, customer_id)
            enrolled += started
    logger.info("swept", extra={**shard.model_dump(mode="json"), "enrolled": enrolled})
    return enrolled


def _due(workflow: Workflow, tenant: TenantSettings, now: datetime) -> bool:
    today = local_date(now, tenant.timezone)
    calendar = holiday_calendar(workflow.settings.holiday_country or tenant.country)
    if not is_start_day(workflow.settings.start, today, calendar):
        return False
    hours = workflow.settings.run_hours
    return now >= at_local(today, hours.start if hours else time(0), tenant.timezone)


def _records(rt: Runtime, tenant: TenantSettings, workflow: Workflow, view: CustomerLedger) -> list[str]:
    level, customer = workflow.level, view.customer
    if level is Level.CUSTOMER:
        return [customer.id]
    if level is Level.CUSTOMER_GROUP:
        has_members = bool(view.members) or bool(rt.ledger.children(tenant.tenant_id, customer.id))
        return [customer.id] if not customer.parent_customer_id and has_members else []
    if level is Level.CONTACT:
        return [c.id for c in view.contacts if isinstance(c, Contact) and c.is_active]
    return [i.id for i in view.invoices if isinstance(i, Invoice) and not i.is_settled]


def _shard_of(customer_id: str, shards: int) -> int:
    return int(hashlib.sha256(customer_id.encode()).hexdigest(), 16) % shards
