"""Lint alerts follow the workflows saved through the admin API; the daily digest is sent once per tenant per
local day at the digest hour, through SES, and not at all when there is nothing to say."""

from datetime import timedelta

from functions import wiring
from shared.domain.alerts import AlertSettings
from shared.domain.tenant import TenantSettings
from tests.integration.alerts_support import alerts, api, invoke
from tests.integration.test_email_exactly_once import sent_messages
from tests.integration.test_runtime_flow import TENANT

REMINDER = {
    "id": "overdue-reminder",
    "name": "Overdue reminder",
    "status": "active",
    "trigger": {"type": "customer_follow_up", "filters": [["customer.balance_overdue", ">", 0]]},
    "nodes": [{"id": "remind", "type": "task", "title": "Call about the overdue balance"}],
}


def with_admins(tenant: TenantSettings = TENANT, hour: int = 8) -> None:
    settings = AlertSettings(
        admin_emails=("finance@acme.example",), digest_hour=hour, app_base_url="https://cf.example"
    )
    wiring.runtime().ledger.put_tenant(tenant.model_copy(update={"alerts": settings}))


def test_overlapping_workflows_saved_through_the_api_raise_lint_alerts_until_one_is_deactivated(stack):
    # GIVEN one active reminder workflow saved through the API
    with_admins()
    assert api(stack, "PUT", "/workflows/overdue-reminder", REMINDER)[0] == 200
    assert [a for a in alerts("workflow_lint") if a.title.startswith("W001")] == []
    # WHEN a second workflow with the same trigger and filters is saved active
    copy = REMINDER | {"id": "overdue-copy", "name": "Overdue copy"}
    assert api(stack, "PUT", "/workflows/overdue-copy", copy)[0] == 200
    # THEN both carry an overlap alert, listed with each workflow
    overlaps = [a for a in alerts("workflow_lint") if a.title.startswith("W001")]
    assert sorted(a.workflow_id for a in overlaps) == ["overdue-copy", "overdue-reminder"]
    status, body = api(stack, "GET", "/alerts", query={"workflow_id": "overdue-copy", "kind": "workflow_lint"})
    assert status == 200 and "W001 overlapping-filters" in [a["title"] for a in body["alerts"]]
    listed = api(stack, "GET", "/workflows")[1]["alerts"]
    assert "W001 overlapping-filters" in [a["title"] for a in listed["overdue-reminder"]]
    # WHEN the copy is deactivated
    assert api(stack, "POST", "/workflows/overdue-copy/deactivate")[0] == 200
    # THEN the overlap alerts are resolved
    assert [a for a in alerts("workflow_lint") if a.title.startswith("W001")] == []
    assert {a.status.value for a in alerts("workflow_lint", status=None) if a.title.startswith("W001")} == {"resolved"}


def test_the_digest_is_sent_once_a_day_at_the_local_hour(stack, clock):
    # GIVEN overlapping workflows (two open alerts) and an admin; 07:00 in London
    with_admins()
    api(stack, "PUT", "/workflows/overdue-reminder", REMINDER)
    api(stack, "PUT", "/workflows/overdue-copy", REMINDER | {"id": "overdue-copy", "name": "Overdue copy"})
    # WHEN the hourly digest runs at 07:00, then at 08:00 twice, then at 09:00
    early = invoke(stack, "digest")
    clock.set(clock.now().replace(hour=8))
    first, again = invoke(stack, "digest"), invoke(stack, "digest")
    clock.set(clock.now().replace(hour=9))
    later = invoke(stack, "digest")
    # THEN exactly one email went to the admin, at 08:00
    assert [r["sent"] for r in (early, first, again, later)] == [0, 1, 0, 0]
    (email,) = sent_messages()
    assert email.destinations["ToAddresses"] == ["finance@acme.example"]
    assert email.subject.startswith("Chaseflow: ") and "open alerts for acme-uk (2026-11-02)" in email.subject
    assert "Workflow overdue-copy" in email.body and "Recommended:" in email.body
    overlap = next(a for a in alerts("workflow_lint") if a.workflow_id == "overdue-copy" and "W001" in a.title)
    assert f"https://cf.example/tenants/acme-uk/alerts/{overlap.id}" in email.body
    # WHEN the next day's digest hour comes
    clock.set(clock.now().replace(hour=8) + timedelta(days=1))
    invoke(stack, "digest")
    # THEN a second digest goes out
    assert len(sent_messages()) == 2


def test_no_digest_when_there_is_nothing_to_say(stack, clock):
    # GIVEN an admin and one workflow without problems worth an alert except those a person ignored
    with_admins()
    api(stack, "PUT", "/workflows/overdue-reminder", REMINDER)
    for alert in alerts():
        api(stack, "POST", f"/alerts/{alert.id}/ignore", {"reason": "known"})
    # WHEN the digest runs at 08:00
    clock.set(clock.now().replace(hour=8))
    result = invoke(stack, "digest")
    # THEN nothing is sent
    assert result == {"sent": 0, "skipped": 1} and sent_messages() == []
