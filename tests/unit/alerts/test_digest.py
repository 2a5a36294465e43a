"""The daily digest renders open alerts by workflow, most severe first, with actions and links; or nothing."""

from datetime import UTC, date, datetime

from shared.domain.alerts import Alert, AlertKind, AlertLevel, AlertStatus, Candidate
from shared.domain.alerts.digest import build_digest

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def alert(cause: str, level: AlertLevel, workflow: str | None, status=AlertStatus.OPEN) -> Alert:
    found = Candidate(
        kind=AlertKind.DELIVERABILITY,
        cause=cause,
        workflow_id=workflow,
        level=level,
        title=f"Problem <{cause}>",
        detail="2 of 4 emails bounced",
        action="Fix the addresses",
    )
    return Alert.raised("acme-uk", found, NOW).model_copy(update={"status": status})


def test_the_digest_groups_and_links_the_active_alerts():
    # GIVEN a blue and a red alert on one workflow, a tenant-wide one, an ignored and a resolved one
    alerts = [
        alert("blue", AlertLevel.BLUE, "wf-a"),
        alert("red", AlertLevel.RED, "wf-a", AlertStatus.ACKNOWLEDGED),
        alert("tenant", AlertLevel.YELLOW, None),
        alert("ignored", AlertLevel.RED, "wf-b", AlertStatus.IGNORED),
        alert("resolved", AlertLevel.RED, "wf-b", AlertStatus.RESOLVED),
    ]
    # WHEN the digest is built
    digest = build_digest("acme-uk", "Acme UK", alerts, date(2026, 11, 2), "https://app.example/")
    # THEN three alerts, tenant-wide first, red before blue, with the action and a link to each
    assert digest is not None
    assert digest.subject == "Chaseflow: 3 open alerts for Acme UK (2026-11-02)"
    text = digest.text
    assert text.index("All workflows (1)") < text.index("Workflow wf-a (2)")
    assert text.index("[red] Problem <red> (acknowledged)") < text.index("[blue] Problem <blue>")
    assert "Recommended: Fix the addresses" in text and "ignored" not in text and "resolved" not in text
    assert f"https://app.example/tenants/acme-uk/alerts/{alerts[0].id}" in text
    # AND the HTML is escaped by the sandbox
    assert "Problem &lt;red&gt;" in digest.html and "<red>" not in digest.html


def test_nothing_to_say_means_no_digest():
    # GIVEN only ignored and resolved alerts
    alerts = [
        alert("a", AlertLevel.RED, "wf", AlertStatus.IGNORED),
        alert("b", AlertLevel.RED, "wf", AlertStatus.RESOLVED),
    ]
    # WHEN the digest is built
    # THEN there is none
    assert build_digest("acme-uk", "", alerts, date(2026, 11, 2), "https://app.example") is None
