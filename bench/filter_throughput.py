"""Core throughput: compiled workflow filters over 100,000 customers and 1,000,000 invoices, and the evaluator
deciding the next step of a run for each of them, each set beside a hand-written loop computing the same thing.
Prints figures and writes bench/results/filter_throughput.json.

    make bench          (or: .venv/bin/python -m bench.filter_throughput --customers 100000)
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from shared.domain.engine.compiled import compiled
from shared.domain.engine.decision import DecisionKind
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.run import RunState
from shared.domain.filters.subject import Subject
from shared.domain.ledger.models import Customer, Invoice, InvoiceStatus
from shared.domain.ledger.views import CustomerLedger
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.loading import load_workflow_text

P = ParamSpec("P")
R = TypeVar("R")
TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # Monday 10:00 in London: inside the default run hours
TENANT = TenantSettings(tenant_id="bench", timezone="Europe/London", country="GB", currency="GBP")
# The filters of examples/workflows/customer-dunning.yaml, without its tag condition (the data here has no tags).
WORKFLOW = """
id: bench-dunning
name: bench
trigger:
  type: customer_follow_up
  filters:
    - [customer.balance_overdue, ">", 0]
    - [customer.chasing_paused, "=", false]
  target_invoices:
    - [invoice.days_overdue, ">=", 1]
    - [invoice.chasing_paused, "=", false]
    - [invoice.status, "is not one of", [dispute, payment_scheduled]]
nodes:
  - {id: remind, type: send_email, template: overdue}
"""


def make_views(customers: int, invoices_per_customer: int, seed: int = 1) -> list[CustomerLedger]:
    """Customer views built without validation (model_construct): the benchmark measures filters, not parsing."""
    rng = random.Random(seed)
    views = []
    for c in range(customers):
        customer = Customer.model_construct(
            tenant_id="bench",
            id=f"c{c}",
            name=f"Customer {c}",
            currency="GBP",
            tags=(),
            chasing_enabled=True,
            chasing_pause=None,
            custom_fields={},
        )
        invoices = []
        for i in range(invoices_per_customer):
            issued = TODAY - timedelta(days=rng.randint(0, 240))
            amount = Decimal(rng.randint(100, 50_000)) / 100
            paid = rng.random() < 0.7
            invoices.append(
                Invoice.model_construct(
                    tenant_id="bench",
                    id=f"c{c}-i{i}",
                    customer_id=customer.id,
                    number=f"INV-{c}-{i}",
                    currency="GBP",
                    amount=amount,
                    balance=Decimal(0) if paid else amount,
                    issued_on=issued,
                    due_on=issued + timedelta(days=30),
                    status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
                    paid_on=issued + timedelta(days=rng.randint(10, 60)) if paid else None,
                    chasing_paused=False,
                    tags=(),
                    custom_fields={},
                )
            )
        views.append(CustomerLedger(customer=customer, invoices=tuple(invoices)))
    return views


def hand_written(views: list[CustomerLedger]) -> tuple[int, int]:
    """The same predicates as customer-dunning's trigger and target filters, written as plain loops."""
    customers = invoices = 0
    for view in views:
        overdue = Decimal(0)
        for inv in view.invoices:
            settled = inv.balance <= 0 or inv.status in (InvoiceStatus.PAID, InvoiceStatus.CLOSED, InvoiceStatus.VOIDED)
            if not settled and (TODAY - inv.due_on).days > 0:
                overdue += inv.balance
                if not inv.chasing_paused and inv.status not in (
                    InvoiceStatus.DISPUTE,
                    InvoiceStatus.PAYMENT_SCHEDULED,
                ):
                    invoices += 1
        if overdue > 0 and view.customer.chasing_pause is None:
            customers += 1
    return customers, invoices


def engine(views: list[CustomerLedger]) -> tuple[int, int]:
    workflow = load_workflow_text(WORKFLOW)
    predicates = compiled(workflow)
    assert predicates.target_invoices is not None
    customers = invoices = 0
    for view in views:
        subject = Subject(TODAY, view)
        if predicates.trigger(subject):
            customers += 1
        for inv in view.invoices:
            if not inv.is_settled and predicates.target_invoices(subject.focus(invoice=inv)):
                invoices += 1
    return customers, invoices


def enrolled_runs(views: list[CustomerLedger]) -> list[RunState]:
    """Every customer enrolled yesterday and waiting at the workflow's email step (built before timing)."""
    workflow = load_workflow_text(WORKFLOW)
    yesterday = NOW - timedelta(days=1)
    return [
        RunState(
            tenant_id="bench",
            run_id=f"run-{view.customer.id}",
            workflow_id=workflow.id,
            workflow_version=workflow.version,
            level=workflow.level,
            record_id=view.customer.id,
            customer_id=view.customer.id,
            node_id="remind",
            node_entered_at=yesterday,
            enrolled_at=yesterday,
        )
        for view in views
    ]


def engine_steps(views: list[CustomerLedger], runs: list[RunState]) -> int:
    """The evaluator deciding each run's next step (filters re-checked, stop and pause rules, run hours)."""
    workflow = load_workflow_text(WORKFLOW)
    return sum(
        evaluate(workflow, run, view, NOW, TENANT).kind is DecisionKind.ACT
        for view, run in zip(views, runs, strict=True)
    )


def hand_written_steps(views: list[CustomerLedger], runs: list[RunState]) -> int:
    """The same decision by hand: act when the customer still has an overdue balance, is not paused, and the
    tenant's clock is within the run hours; otherwise the step is skipped."""
    local = NOW.astimezone(ZoneInfo(TENANT.timezone)).time()
    in_hours = time_of_day(8) <= local <= time_of_day(18)
    acting = 0
    for view, run in zip(views, runs, strict=True):
        if run.node_id != "remind" or not in_hours:
            continue
        overdue = Decimal(0)
        for inv in view.invoices:
            settled = inv.balance <= 0 or inv.status in (InvoiceStatus.PAID, InvoiceStatus.CLOSED, InvoiceStatus.VOIDED)
            if not settled and (TODAY - inv.due_on).days > 0:
                overdue += inv.balance
        if overdue > 0 and view.customer.chasing_pause is None:
            acting += 1
    return acting


def timed(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> tuple[R, float]:
    """``fn``'s result and the seconds it took."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices-per-customer", type=int, default=10)
    parser.add_argument("--evaluations", type=int, default=100_000, help="runs whose next step is evaluated")
    args = parser.parse_args()
    start = time.perf_counter()
    views = make_views(args.customers, args.invoices_per_customer)
    built = time.perf_counter() - start
    (engine_counts, engine_s) = timed(engine, views)
    (loop_counts, loop_s) = timed(hand_written, views)
    if engine_counts != loop_counts:
        raise SystemExit(f"engine {engine_counts} and hand-written loop {loop_counts} disagree")
    evaluated = views[: args.evaluations]
    runs = enrolled_runs(evaluated)
    (engine_acting, engine_steps_s) = timed(engine_steps, evaluated, runs)
    (loop_acting, loop_steps_s) = timed(hand_written_steps, evaluated, runs)
    if engine_acting != loop_acting:
        raise SystemExit(f"evaluator ({engine_acting} acting) and hand-written loop ({loop_acting}) disagree")
    invoices = args.customers * args.invoices_per_customer
    figures = {
        "customers": args.customers,
        "invoices": invoices,
        "matching_customers": engine_counts[0],
        "targeted_invoices": engine_counts[1],
        "data_build_s": round(built, 2),
        "engine_s": round(engine_s, 2),
        "hand_written_s": round(loop_s, 2),
        "engine_customers_per_s": round(args.customers / engine_s),
        "engine_invoices_per_s": round(invoices / engine_s),
        "ratio_engine_to_hand_written": round(engine_s / loop_s, 2),
        "step_evaluations": len(runs),
        "step_evaluations_acting": engine_acting,
        "step_engine_s": round(engine_steps_s, 2),
        "step_hand_written_s": round(loop_steps_s, 2),
        "step_engine_runs_per_s": round(len(runs) / engine_steps_s),
        "step_hand_written_runs_per_s": round(len(runs) / loop_steps_s),
        "step_ratio_engine_to_hand_written": round(engine_steps_s / loop_steps_s, 1),
    }
    for key, value in figures.items():
        print(f"{key:<32} {value}")
    out = Path(__file__).parent / "results" / "filter_throughput.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
