"""The daily digest: the tenant's active alerts by workflow, with counts, the recommended action and links.
Rendered in the templates' jinja2 sandbox; ``None`` when there is nothing to say."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.domain.alerts.models import LEVEL_ORDER, Alert, AlertStatus
from shared.domain.templates.environment import compiled

SUBJECT = "Chaseflow: {{ total }} open alert{{ 's' if total != 1 }} for {{ tenant }} ({{ day }})"
TEXT = """Open alerts for {{ tenant }} on {{ day }}: {{ total }}.
{% for group in groups %}
{{ group.title }} ({{ group.alerts|length }})
{% for a in group.alerts %}- [{{ a.level }}] {{ a.title }}{% if a.status != 'open' %} ({{ a.status }}){% endif %}
  {{ a.detail }}
  Recommended: {{ a.action }}
  Explain: {{ a.link }}
{% endfor %}{% endfor %}
All alerts: {{ base }}/alerts
"""
HTML = """<h1>Open alerts for {{ tenant }} on {{ day }}: {{ total }}</h1>
{% for group in groups %}<h2>{{ group.title }} ({{ group.alerts|length }})</h2>
<ul>{% for a in group.alerts %}
<li><strong>[{{ a.level }}] {{ a.title }}</strong>{% if a.status != 'open' %} ({{ a.status }}){% endif %}<br>
{{ a.detail }}<br>Recommended: {{ a.action }}<br><a href="{{ a.link }}">Explain</a></li>{% endfor %}
</ul>{% endfor %}
<p><a href="{{ base }}/alerts">All alerts</a></p>
"""


@dataclass(frozen=True)
class DigestEmail:
    subject: str
    text: str
    html: str
    alert_ids: tuple[str, ...]


def build_digest(
    tenant_id: str, tenant_name: str, alerts: Sequence[Alert], day: date, base_url: str, locale: str = "en_GB"
) -> DigestEmail | None:
    """Open and acknowledged alerts, grouped by workflow (tenant-wide ones first), most severe first. Ignored and
    resolved alerts are left out; with nothing left there is no digest."""
    shown = [a for a in alerts if a.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)]
    if not shown:
        return None
    base = base_url.rstrip("/") + f"/tenants/{tenant_id}"
    grouped: dict[str, list[Alert]] = defaultdict(list)
    for alert in shown:
        grouped[alert.workflow_id or ""].append(alert)
    groups = [
        {
            "title": f"Workflow {workflow_id}" if workflow_id else "All workflows",
            "alerts": [_view(a, base) for a in sorted(found, key=lambda a: (LEVEL_ORDER[a.level], a.title, a.id))],
        }
        for workflow_id, found in sorted(grouped.items())
    ]
    context = {"tenant": tenant_name or tenant_id, "day": day.isoformat(), "total": len(shown), "groups": groups}
    context["base"] = base
    return DigestEmail(
        subject=compiled(SUBJECT, locale, html=False).render(context),
        text=compiled(TEXT, locale, html=False).render(context),
        html=compiled(HTML, locale, html=True).render(context),
        alert_ids=tuple(sorted(a.id for a in shown)),
    )


def _view(alert: Alert, base: str) -> dict[str, Any]:
    return {
        "level": alert.level.value,
        "title": alert.title,
        "detail": alert.detail,
        "action": alert.action,
        "status": alert.status.value,
        "link": f"{base}/alerts/{alert.id}",
    }
