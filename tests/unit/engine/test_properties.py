"""Invariants of the step evaluator over random ledgers, run states and instants (hypothesis).

A scenario is one customer with 0–6 invoices, 0–2 promises, 0–3 messages and random chasing switches; a run at a
random node of one of four fixture workflows (customer and invoice level, waits, branches, a loop, at-time and
asap sends inside run hours); and ``now`` anywhere in the 120 days from 1 October 2026 (the October clock change,
Christmas and New Year included). Each property is checked at every step of the run's *trajectory* (the run
carried forward from the scenario, acting on every ACT and ticking at each WAIT or PAUSE's time, sometimes late)
and at a few later *probe* instants of the run as drawn (late ticks, later the same day or days later), so one
example checks many states. Where a property has a precondition the strategy builds it rather than filtering for
it, and keeps everything else in favour of sending, so that a broken rule shows as a send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import ActionOutcome, after_action, after_decision
from shared.domain.engine.run import Hold, RunState, RunStatus, StepRecord
from shared.domain.ledger.models import (
    Channel,
    ChasingPause,
    CommunicationStatus,
    Customer,
    Direction,
    Invoice,
    InvoiceStatus,
    PromiseStatus,
    TaskStatus,
)
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.workflow.definition import StopCondition, Workflow

from .builders import CUSTOMER_ID, communication, customer, invoice, ledger, promise, run_state, task, tenant, workflow

TENANT = tenant()
LONDON = ZoneInfo("Europe/London")
GB_HOLIDAYS = holidays.country_holidays("GB")
START = datetime(2026, 10, 1, tzinfo=UTC)
DUNNING, REMINDERS, WEEKLY, CREATED = (
    workflow(name) for name in ("customer_dunning", "invoice_reminders", "weekly_statement", "invoice_created")
)
WORKFLOWS = (DUNNING, REMINDERS, WEEKLY, CREATED)
CLEARABLE = tuple(w for w in WORKFLOWS if StopCondition.BALANCE_CLEARED in w.stop_conditions)
PROPERTY = settings(max_examples=200, deadline=None)
STEPS = 16


# -- oracles: the rules read again, independently of the engine --------------------------------------------------


def is_settled(bill: Invoice) -> bool:
    return bill.balance <= 0 or bill.status.value in ("paid", "closed", "voided")


def local_today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def actively_promised(view: CustomerLedger, now: datetime) -> set[str]:
    """Invoices of an active promise whose promised day has not passed (London date)."""
    today = local_today(now)
    active = [p for p in view.promises if p.status is PromiseStatus.ACTIVE and today <= p.promised_on]
    return {invoice_id for p in active for invoice_id in p.invoice_ids}


def chasing_stopped(person: Customer, now: datetime) -> bool:
    """Chasing switched off, or paused by a person today (a pause until a date lifts on that date)."""
    pause = person.chasing_pause
    return not person.chasing_enabled or (pause is not None and (pause.until is None or pause.until > local_today(now)))


def held(run: RunState, now: datetime) -> bool:
    return run.hold is not None and (run.hold.until is None or run.hold.until > now)


def window_allows(flow: Workflow, now: datetime) -> bool:
    """The workflow's run hours, weekend and GB-holiday rules, read with zoneinfo and the holidays library."""
    local = now.astimezone(LONDON)
    rules = flow.settings
    if not rules.send_on_weekends and local.weekday() >= 5:
        return False
    if not rules.send_on_holidays and local.date() in GB_HOLIDAYS:
        return False
    if rules.run_hours is None:
        return True
    start, end, wall = rules.run_hours.start, rules.run_hours.end, local.time().replace(microsecond=0)
    return start <= wall <= end if start < end else (wall >= start or wall <= end)


# -- strategies ---------------------------------------------------------------------------------------------------

ANY_KIND = st.sampled_from(("open",) * 6 + ("partly_paid", "dispute", "paid", "zero_balance", "closed", "voided"))
SETTLED_KIND = st.sampled_from(("paid", "zero_balance", "closed", "voided"))
OPEN_KIND = st.sampled_from(("open", "open", "partly_paid"))
PROMISE_STATUS = st.sampled_from((PromiseStatus.ACTIVE,) * 3 + (PromiseStatus.BROKEN, PromiseStatus.COMPLETED))
DIRECTION = st.sampled_from((Direction.SENT,) * 3 + (Direction.RECEIVED,))
CHANNEL = st.sampled_from(tuple(Channel))
MESSAGE_STATUS = st.sampled_from(tuple(CommunicationStatus))
TASK_STATUS = st.sampled_from(tuple(TaskStatus))
ANY_STATUS = st.sampled_from((RunStatus.ACTIVE,) * 14 + (RunStatus.STOPPED, RunStatus.COMPLETED))
ACTIVE = st.just(RunStatus.ACTIVE)
FINAL = st.sampled_from((RunStatus.STOPPED, RunStatus.COMPLETED))
# hypothesis leans towards the first element and the low end of a range: the common case comes first
RARELY = st.sampled_from((False,) * 7 + (True,))
INVOICE_COUNT = st.sampled_from((2, 1, 3, 4, 0, 5, 6))
OUTCOME: tuple[ActionOutcome, ...] = ("done", "done", "skipped", "failed_permanent")
OUTCOMES = st.lists(st.sampled_from(OUTCOME), min_size=STEPS, max_size=STEPS)
# later instants at which the run, as drawn, is evaluated as well (ticks that come late): two later the same
# London day, as a share of the minutes left in it, and two within ten days
LATER_TODAY = st.lists(st.integers(1, 1000), min_size=2, max_size=2)
LATER = st.lists(st.integers(1, 10 * 1440), min_size=2, max_size=2)
# how long before ``now`` the run entered its node: often earlier the same day, at times weeks ago
SINCE = st.integers(0, 12 * 60) | st.integers(0, 20 * 1440)
# how late each tick comes after the time a WAIT or PAUSE asked for, in minutes: mostly on time
DELAYS = st.lists(st.sampled_from((0,) * 6 + (1, 47, 600, 1440, 4000)), min_size=STEPS, max_size=STEPS)


def _day(offset: int) -> date:
    return START.date() + timedelta(days=offset)


CHASING_ON: st.SearchStrategy[dict[str, Any]] = st.just({})
CHASING_OFF_OR_PAUSED = st.one_of(
    st.just({"chasing_enabled": False}),
    st.just({"chasing_pause": ChasingPause(until=None, note="until further notice")}),
    st.integers(0, 130).map(lambda d: {"chasing_pause": ChasingPause(until=_day(d))}),
)
ANY_CHASING = st.one_of(*[CHASING_ON] * 6, CHASING_OFF_OR_PAUSED)


def instants(first_day: int, last_day: int) -> st.SearchStrategy[datetime]:
    """Minutes between the start of ``first_day`` and the end of ``last_day`` (days from 1 October 2026)."""
    return st.integers(first_day * 1440, (last_day + 1) * 1440 - 1).map(lambda m: START + timedelta(minutes=m))


@st.composite
def invoices(draw: st.DrawFn, number: int, kinds: st.SearchStrategy[str]) -> Invoice:
    amount = Decimal(draw(st.integers(100, 2_000_000))) / 100
    issued = _day(draw(st.integers(-150, 110)))
    fields: dict[str, Any] = {"issued_on": issued, "due_on": issued + timedelta(days=draw(st.integers(0, 60)))}
    kind = draw(kinds)
    if kind == "partly_paid":
        fields |= {"balance": (amount / 2).quantize(Decimal("0.01")), "status": InvoiceStatus.PARTIALLY_PAID}
    elif kind in ("dispute", "closed", "voided"):
        fields |= {"status": InvoiceStatus(kind)}
    elif kind == "paid":
        fields |= {"balance": Decimal(0), "status": InvoiceStatus.PAID, "paid_on": fields["due_on"]}
    elif kind == "zero_balance":
        fields |= {"balance": Decimal(0)}
    return invoice(f"inv-{number}", amount=amount, chasing_paused=draw(RARELY), **fields)


@st.composite
def ledgers(
    draw: st.DrawFn, kinds: st.SearchStrategy[str], chasing: st.SearchStrategy[dict[str, Any]]
) -> CustomerLedger:
    bills = [draw(invoices(n, kinds)) for n in range(draw(INVOICE_COUNT))]
    ids = [b.id for b in bills] or ["inv-gone"]
    promises = [
        promise(
            _day(draw(st.integers(-10, 130))),
            tuple(dict.fromkeys(ids[draw(st.integers(0, len(ids) - 1))] for _ in range(draw(st.integers(1, 3))))),
            f"ptp-{n}",
            status=draw(PROMISE_STATUS),
        )
        for n in range(draw(st.integers(0, 2)))
    ]
    messages = [
        communication(
            draw(instants(-20, 125)),
            f"msg-{n}",
            direction=draw(DIRECTION),
            channel=draw(CHANNEL),
            status=draw(MESSAGE_STATUS),
        )
        for n in range(draw(st.integers(0, 3)))
    ]
    tasks = [task(status=draw(TASK_STATUS))] if draw(st.booleans()) else []
    return ledger(*bills, *promises, *messages, *tasks, the_customer=customer(**draw(chasing)))


def records(ids: list[str]) -> st.SearchStrategy[str]:
    """An invoice run's record: one of the invoices, or now and then one the ledger no longer holds."""
    return st.sampled_from(ids * 9 + ["inv-gone"]) if ids else st.just("inv-gone")


@dataclass(frozen=True)
class Scenario:
    flow: Workflow
    run: RunState
    view: CustomerLedger
    now: datetime
    outcomes: tuple[ActionOutcome, ...]
    delays: tuple[int, ...]
    probes: tuple[datetime, ...]

    def decide(self, run: RunState, now: datetime) -> Decision:
        return evaluate(self.flow, run, self.view, now, TENANT)


@st.composite
def scenarios(
    draw: st.DrawFn,
    flows: tuple[Workflow, ...] = WORKFLOWS,
    kinds: st.SearchStrategy[str] = ANY_KIND,
    chasing: st.SearchStrategy[dict[str, Any]] = ANY_CHASING,
    statuses: st.SearchStrategy[RunStatus] = ANY_STATUS,
    hold_always: bool = False,
) -> Scenario:
    flow = flows[draw(st.integers(0, len(flows) - 1))]
    now = draw(instants(0, 119))
    view = draw(ledgers(kinds, chasing))
    ids = [i.id for i in view.invoices]
    nodes = [n.id for n in flow.nodes]
    entered = now - timedelta(minutes=draw(SINCE))
    status = draw(statuses)
    hold = None
    if hold_always or draw(RARELY):
        minutes = draw(st.none() | st.integers(1 if hold_always else -3000, 3000))
        hold = Hold(until=None if minutes is None else now + timedelta(minutes=minutes))
    run = run_state(
        flow,
        nodes[draw(st.integers(0, len(nodes) - 1))],
        entered,
        record_id=CUSTOMER_ID if flow.level is Level.CUSTOMER else draw(records(ids)),
        invoice_ids=tuple(i for i in ids if draw(st.booleans())),
        enrolled_at=entered - timedelta(minutes=draw(st.integers(0, 30 * 1440))),
        status=status,
        ended_at=None if status is RunStatus.ACTIVE else entered,
        end_reason=None if status is RunStatus.ACTIVE else "stopped_by_user",
        hold=hold,
        run_now=draw(RARELY),
        retry_at=now + timedelta(minutes=draw(st.integers(-600, 600))) if draw(RARELY) else None,
        task_id="task-1" if draw(st.booleans()) else None,
        generation=draw(st.integers(0, 2)),
        history=tuple(
            StepRecord(node_id=nodes[draw(st.integers(0, len(nodes) - 1))], at=entered, outcome="acted")
            for _ in range(draw(st.integers(0, 3)))
        ),
    )
    midnight = datetime.combine(local_today(now) + timedelta(days=1), time(0), LONDON)
    probes = [now + (midnight - now) * share / 1000 for share in draw(LATER_TODAY)]
    probes += [now + timedelta(minutes=m) for m in draw(LATER)]
    return Scenario(flow, run, view, now, tuple(draw(OUTCOMES)), tuple(draw(DELAYS)), tuple(probes))


@dataclass(frozen=True)
class Step:
    decision: Decision
    run: RunState
    now: datetime


def trajectory(scenario: Scenario) -> list[Step]:
    """The run carried forward from the scenario: each ACT gets the drawn outcome at once, each WAIT or PAUSE is
    applied and the next tick comes at its ``at`` (or a drawn delay later); it ends on a STOP, a COMPLETE or a
    decision without a time."""
    run, now, steps = scenario.run, scenario.now, []
    for outcome, delay in zip(scenario.outcomes, scenario.delays, strict=True):
        decision = scenario.decide(run, now)
        steps.append(Step(decision, run, now))
        if decision.kind is DecisionKind.ACT:
            run = after_action(run, scenario.flow, decision, outcome, now)
            continue
        run = after_decision(run, decision, now)
        if decision.kind in (DecisionKind.STOP, DecisionKind.COMPLETE) or decision.at is None or decision.at <= now:
            break
        now = decision.at + timedelta(minutes=delay)
    return steps


def states(scenario: Scenario) -> list[Step]:
    """The trajectory, and the run as drawn evaluated again at each probe instant."""
    probed = [Step(scenario.decide(scenario.run, at), scenario.run, at) for at in scenario.probes]
    return trajectory(scenario) + probed


# -- properties ---------------------------------------------------------------------------------------------------


@PROPERTY
@given(scenarios(flows=CLEARABLE, kinds=SETTLED_KIND, chasing=CHASING_ON))
def test_a_nothing_is_sent_once_every_invoice_is_paid(scenario: Scenario) -> None:
    # GIVEN a workflow with balance_cleared and a customer whose every invoice is paid, zero or closed
    assert all(is_settled(bill) for bill in scenario.view.invoices)
    # WHEN the run is carried forward from any node, state and instant, and probed at later instants
    steps = states(scenario)
    # THEN no step sends a message
    assert not [step for step in steps if step.decision.sends]


@PROPERTY
@given(
    scenarios(kinds=OPEN_KIND, chasing=CHASING_ON, statuses=FINAL)
    | scenarios(kinds=OPEN_KIND, chasing=CHASING_ON, statuses=ACTIVE, hold_always=True)
)
def test_b_nothing_is_sent_for_an_ended_run_or_under_a_manual_hold(scenario: Scenario) -> None:
    # GIVEN a run that is stopped or completed, or held by a person (indefinitely or until a later instant)
    assert scenario.run.status.is_final or held(scenario.run, scenario.now)
    # WHEN the run is carried forward, and probed at later instants
    steps = states(scenario)
    # THEN no step that is ended or still held sends a message (an ended run does not even act)
    for step in steps:
        if step.run.status.is_final:
            assert step.decision.kind in (DecisionKind.STOP, DecisionKind.COMPLETE)
        if step.run.status.is_final or held(step.run, step.now):
            assert not step.decision.sends


@PROPERTY
@given(scenarios(kinds=OPEN_KIND, chasing=CHASING_OFF_OR_PAUSED))
def test_c_nothing_is_sent_while_chasing_is_off_or_paused(scenario: Scenario) -> None:
    # GIVEN a customer whose chasing is switched off, paused indefinitely, or paused until some date
    customer_record = scenario.view.customer
    # WHEN the run is carried forward, and probed at later instants
    steps = states(scenario)
    # THEN no step sends on a day chasing is off or paused (a pause until a date lifts on that date)
    assert not [s for s in steps if s.decision.sends and chasing_stopped(customer_record, s.now)]


@PROPERTY
@given(scenarios())
def test_d_messages_go_out_only_inside_the_send_window(scenario: Scenario) -> None:
    # GIVEN any scenario
    # WHEN the run is carried forward, and probed at later instants
    steps = states(scenario)
    # THEN every send happens inside the run hours, on a weekday unless weekends are allowed, and not on a GB
    # public holiday unless holidays are allowed, all in London time
    assert all(window_allows(scenario.flow, s.now) for s in steps if s.decision.sends)


@PROPERTY
@given(scenarios())
def test_e1_evaluation_is_deterministic(scenario: Scenario) -> None:
    # GIVEN any scenario, carried forward
    steps = states(scenario)
    # WHEN each step is evaluated again with the same inputs
    again = [scenario.decide(s.run, s.now) for s in steps]
    # THEN the decisions are equal, trace and action keys included
    assert again == [s.decision for s in steps]


@PROPERTY
@given(scenarios())
def test_e2_applying_a_wait_or_pause_does_not_change_it(scenario: Scenario) -> None:
    # GIVEN the WAIT and PAUSE decisions met while carrying a run forward
    waits = [s for s in states(scenario) if s.decision.kind in (DecisionKind.WAIT, DecisionKind.PAUSE)]
    for step in waits:
        # WHEN the decision is applied and the run evaluated again at the same instant
        moved = after_decision(step.run, step.decision, step.now)
        again = scenario.decide(moved, step.now)
        # THEN it is the same decision: same kind, same node, same time
        assert (again.kind, again.node_id, again.at) == (step.decision.kind, step.decision.node_id, step.decision.at)


@PROPERTY
@given(scenarios(flows=(DUNNING, DUNNING, REMINDERS, WEEKLY, CREATED)))
def test_f_actions_name_only_unsettled_and_unpromised_invoices(scenario: Scenario) -> None:
    # GIVEN any scenario
    unsettled = {bill.id for bill in scenario.view.invoices if not is_settled(bill)}
    mode = scenario.flow.settings.pause.promise_to_pay
    # WHEN the run is carried forward, and probed at later instants
    acts = [s for s in states(scenario) if s.decision.kind is DecisionKind.ACT]
    for step in acts:
        # THEN every action names unsettled invoices of the customer only
        assert set(step.decision.invoice_ids) <= unsettled
        # AND with promise_to_pay promised_invoices, no message names an invoice under an active promise
        # (tasks and actions do: see test_evaluator's test_a_task_leaves_out_promised_invoices)
        if mode == "promised_invoices" and step.decision.sends:
            assert not set(step.decision.invoice_ids) & actively_promised(scenario.view, step.now)


@PROPERTY
@given(scenarios(flows=(WEEKLY, WEEKLY, DUNNING, REMINDERS, CREATED), statuses=ACTIVE))
def test_g_action_keys_are_stable_and_new_on_every_visit(scenario: Scenario) -> None:
    # GIVEN the actions met while carrying a run forward (the weekly loop visits its statement again and again)
    acts = [s for s in trajectory(scenario) if s.decision.kind is DecisionKind.ACT]
    keys = [s.decision.action_key for s in acts]
    # WHEN each is evaluated again with the same inputs
    again = [scenario.decide(s.run, s.now).action_key for s in acts]
    # THEN its key is the same, and no two visits (of the same node or of different ones) share a key
    assert again == keys
    assert None not in keys and len(set(keys)) == len(keys)
