"""HTTP API routes of the alerts (included by the admin function): list with filters, read one, acknowledge
(for an unusual-volume alert: confirm the volume, releasing the workflow's circuit breaker), ignore with a reason."""

import json
from typing import Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict, Field

from functions.api.responses import ALERT_CHANGE, ALERT_NOT_FOUND, BAD_REQUEST, AlertList, answer
from functions.wiring import runtime
from shared.domain.alerts import Alert, AlertKind, TransitionRefused
from shared.usecases import alert_controls as alerts
from shared.usecases.runtime import Runtime

router = Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is not annotated
PREFIX = "/v1/tenants/<tenant_id>"


class AcknowledgeBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    by: str = Field(default="", max_length=200)


class IgnoreBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


@router.get(
    f"{PREFIX}/alerts",
    summary="List alerts",
    description=(
        "The tenant's alerts, last seen first; filtered by status (`active`: open, acknowledged or ignored; "
        "without it, every status), workflow and kind."
    ),
    tags=["alerts"],
    responses={200: answer("the alerts", AlertList), 422: BAD_REQUEST},
)
def get_alerts(
    tenant_id: str,
    status: Literal["active", "open", "acknowledged", "ignored", "resolved"] | None = None,
    workflow_id: str | None = None,
    kind: AlertKind | None = None,
) -> Response[str]:
    found = alerts.list_alerts(
        runtime(), tenant_id, status=status, workflow_id=workflow_id, kind=kind.value if kind else None
    )
    return _json(200, {"alerts": [_alert(a) for a in found]})


@router.get(
    f"{PREFIX}/alerts/<alert_id>",
    summary="Read an alert",
    tags=["alerts"],
    responses={200: answer("the alert", Alert), 404: ALERT_NOT_FOUND},
)
def get_alert(tenant_id: str, alert_id: str) -> Response[str]:
    return _json(200, _alert(alerts.get_alert(runtime(), tenant_id, alert_id)))


@router.post(
    f"{PREFIX}/alerts/<alert_id>/acknowledge",
    summary="Acknowledge an alert",
    description="For an unusual-volume alert, this confirms the volume and releases the workflow's held sends.",
    tags=["alerts"],
    responses=ALERT_CHANGE,
)
def post_acknowledge(tenant_id: str, alert_id: str, body: AcknowledgeBody | None = None) -> Response[str]:
    by = body.by if body else ""
    return _json(200, _alert(alerts.acknowledge_alert(runtime(), tenant_id, alert_id, by)))


@router.post(
    f"{PREFIX}/alerts/<alert_id>/ignore",
    summary="Ignore an alert",
    description="The reason is kept on the alert.",
    tags=["alerts"],
    responses=ALERT_CHANGE,
)
def post_ignore(tenant_id: str, alert_id: str, body: IgnoreBody) -> Response[str]:
    return _json(200, _alert(alerts.ignore_alert(runtime(), tenant_id, alert_id, body.reason)))


def by_workflow(rt: Runtime, tenant_id: str) -> dict[str, list[dict[str, str]]]:
    """The active alerts listed with the workflows: workflow id → its alerts (id, kind, level, title)."""
    listed: dict[str, list[dict[str, str]]] = {}
    for alert in alerts.list_alerts(rt, tenant_id, status="active"):
        summary = {"id": alert.id, "kind": alert.kind.value, "level": alert.level.value, "title": alert.title}
        listed.setdefault(alert.workflow_id or "*", []).append(summary)
    return listed


def refused(error: Exception) -> Response[str]:
    """The admin app's answer to the alerts' typed errors."""
    if isinstance(error, alerts.AlertNotFound):
        return _json(404, {"message": f"not found: alert {error}"})
    return _json(409, {"message": str(error)})


REFUSALS = (alerts.AlertNotFound, TransitionRefused, alerts.ConcurrentChange)


def _alert(alert: Alert) -> dict[str, Any]:
    return alert.model_dump(mode="json")


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status, "application/json", json.dumps(body))
