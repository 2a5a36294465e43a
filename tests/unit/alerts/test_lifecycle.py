"""Alert lifecycle and reconciliation: one alert per cause; resolved when the cause is gone."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.alerts import (
    Alert,
    AlertKind,
    AlertLevel,
    AlertStatus,
    Candidate,
    TransitionRefused,
    acknowledge,
    ignore,
    reconcile,
    resolve,
)

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def candidate(cause: str, kind: AlertKind = AlertKind.STUCK_RUNS) -> Candidate:
    return Candidate(kind=kind, cause=cause, workflow_id="wf", level=AlertLevel.RED, title=f"stuck {cause}")


def stored(cause: str, status: AlertStatus = AlertStatus.OPEN, kind: AlertKind = AlertKind.STUCK_RUNS) -> Alert:
    return Alert.raised("acme-uk", candidate(cause, kind), NOW).model_copy(update={"status": status})


def test_the_alert_id_is_the_cause():
    # GIVEN the same cause found twice, and another cause
    # THEN the same id for the same cause, another for the other, and per tenant
    assert candidate("a").alert_id("t1") == candidate("a").alert_id("t1")
    assert candidate("a").alert_id("t1") not in (candidate("b").alert_id("t1"), candidate("a").alert_id("t2"))


def test_a_person_acknowledges_then_the_condition_clears():
    # GIVEN an open alert
    alert = stored("a")
    # WHEN acknowledged (twice), then resolved
    seen = acknowledge(alert, "ops@acme", NOW + timedelta(minutes=1))
    again = acknowledge(seen, "ops@acme", NOW + timedelta(minutes=2))
    done = resolve(again, NOW + timedelta(hours=1))
    # THEN each step is recorded and the second acknowledgement changes nothing
    assert (seen.status, seen.note, again is seen) == (AlertStatus.ACKNOWLEDGED, "acknowledged by ops@acme", True)
    assert (done.status, done.resolved_at, done.revision) == (AlertStatus.RESOLVED, NOW + timedelta(hours=1), 2)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda a: acknowledge(a, "", NOW), AlertStatus.RESOLVED),
        (lambda a: acknowledge(a, "", NOW), AlertStatus.IGNORED),
        (lambda a: ignore(a, "expected: year-end run", NOW), AlertStatus.RESOLVED),
        (lambda a: ignore(a, "  ", NOW), AlertStatus.OPEN),
    ],
)
def test_refused_transitions(change, status):
    # GIVEN an alert in ``status``
    # WHEN a person asks for a change it does not allow (or ignores without a reason)
    # THEN it is refused
    with pytest.raises(TransitionRefused):
        change(stored("a", status))


def test_reconcile_raises_refreshes_and_resolves_within_its_scope():
    # GIVEN an open alert still found, an ignored one no longer found, a resolved one found again, and a lint
    # alert out of this scan's scope
    alerts = [
        stored("still"),
        stored("gone", AlertStatus.IGNORED),
        stored("back", AlertStatus.RESOLVED),
        stored("lint", kind=AlertKind.WORKFLOW_LINT),
    ]
    found = [candidate("still"), candidate("back"), candidate("new"), candidate("new")]
    # WHEN reconciled for the stuck-run scope
    plan = reconcile("acme-uk", alerts, found, lambda a: a.kind is AlertKind.STUCK_RUNS)
    # THEN the new and returning causes are raised once, the open one refreshed, the gone one resolved
    assert [(c.cause, prev.status if prev else None) for c, prev in plan.raise_] == [
        ("back", AlertStatus.RESOLVED),
        ("new", None),
    ]
    assert [a.cause for a, _ in plan.refresh] == ["still"]
    assert [a.cause for a in plan.resolve] == ["gone"]
    # AND a returning cause counts its occurrence
    assert Alert.raised("acme-uk", candidate("back"), NOW, alerts[2]).occurrences == 2


causes = st.sampled_from(["a", "b", "c", "d"])


@given(
    st.lists(st.tuples(causes, st.sampled_from(list(AlertStatus))), unique_by=lambda x: x[0]),
    st.lists(causes),
)
def test_reconcile_leaves_exactly_one_active_alert_per_found_cause(existing, found_causes):
    # GIVEN any stored alerts and any causes found now
    alerts = [stored(c, s) for c, s in existing]
    # WHEN reconciled and the plan applied
    plan = reconcile("acme-uk", alerts, [candidate(c) for c in found_causes], lambda a: True)
    active = {a.cause for a in alerts if a.status.is_active}
    after = (active - {a.cause for a in plan.resolve}) | {c.cause for c, _ in plan.raise_}
    # THEN the active causes are exactly those found, each raised or refreshed once, none resolved that is found
    assert after == set(found_causes)
    touched = [c.cause for c, _ in plan.raise_] + [a.cause for a, _ in plan.refresh]
    assert sorted(touched) == sorted(set(found_causes))
    assert not {a.cause for a in plan.resolve} & set(found_causes)
