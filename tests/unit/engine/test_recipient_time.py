"""Sending in the recipient's own timezone: the run hours, the send time and the weekend are the customer's."""

from datetime import UTC, datetime

from shared.domain.engine.decision import DecisionKind
from shared.domain.engine.evaluator import evaluate
from tests.unit.engine import builders


def test_a_new_york_customer_gets_the_message_at_nine_in_new_york():
    # GIVEN a London tenant, a customer in New York, an overdue invoice, and a 09:00 recipient-time send
    flow = builders.workflow("recipient_time")
    customer = builders.customer(timezone="America/New_York", country="US")
    view = builders.ledger(builders.invoice(), the_customer=customer)
    entered = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # Tuesday 08:00 London = 03:00 New York
    run = builders.run_state(flow, "remind", entered)
    # WHEN evaluated at 09:00 London
    decision = evaluate(flow, run, view, datetime(2026, 11, 3, 9, 0, tzinfo=UTC), builders.tenant())
    # THEN it waits until 09:00 New York (14:00 UTC), not 09:00 London
    assert decision.kind is DecisionKind.WAIT
    assert decision.at == datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def test_a_customer_without_a_timezone_gets_the_tenant_time():
    # GIVEN the same workflow, the customer's timezone unknown
    flow = builders.workflow("recipient_time")
    view = builders.ledger(builders.invoice())
    run = builders.run_state(flow, "remind", datetime(2026, 11, 3, 7, 0, tzinfo=UTC))
    # WHEN evaluated at 07:30 London
    decision = evaluate(flow, run, view, datetime(2026, 11, 3, 7, 30, tzinfo=UTC), builders.tenant())
    # THEN the slot is 09:00 London
    assert decision.at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
