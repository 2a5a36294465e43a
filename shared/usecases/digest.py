"""The daily digest: at the tenant's digest hour (local time), one email to its admins with the open alerts.

Exactly once per tenant per local day: a conditional marker is claimed before sending (released if SES fails, so
the next hourly run retries); nothing is sent, and no marker written, when there is nothing to say.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from shared.domain.alerts.digest import build_digest
from shared.domain.calendar import local_date
from shared.domain.tenant import TenantSettings
from shared.ports import OutgoingEmail
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def send_digests(rt: Runtime, tenant_ids: list[str] | None = None) -> dict[str, int]:
    """Every tenant whose local hour is its digest hour gets today's digest (once)."""
    sent = skipped = 0
    for tenant_id in tenant_ids if tenant_ids is not None else rt.ledger.tenant_ids():
        tenant: TenantSettings | None = rt.ledger.tenant(tenant_id)
        if tenant is not None and send_digest(rt, tenant):
            sent += 1
        else:
            skipped += 1
    return {"sent": sent, "skipped": skipped}


def send_digest(rt: Runtime, tenant: TenantSettings) -> bool:
    now, settings, ports = rt.clock.now(), tenant.alerts, rt.alerts
    if now.astimezone(ZoneInfo(tenant.timezone)).hour != settings.digest_hour or not settings.admin_emails:
        return False
    day = local_date(now, tenant.timezone)
    digest = build_digest(
        tenant.tenant_id, tenant.name, ports.alerts.all(tenant.tenant_id), day, settings.app_base_url, tenant.locale
    )
    if digest is None:
        logger.info("no digest: nothing to say", extra={"tenant_id": tenant.tenant_id})
        return False
    if not ports.alerts.mark_digest(tenant.tenant_id, day.isoformat(), now):
        return False  # sent already today
    email = OutgoingEmail(
        sender=tenant.sender_email,
        to=tuple(settings.admin_emails),
        subject=digest.subject,
        html=digest.html,
        text=digest.text,
        tags={"tenant": tenant.tenant_id, "kind": "digest"},
    )
    try:
        ports.mailer.send(email)
    except Exception:
        ports.alerts.release_digest(tenant.tenant_id, day.isoformat())
        raise
    logger.info("digest sent", extra={"tenant_id": tenant.tenant_id, "alerts": len(digest.alert_ids)})
    return True
