"""``chaseflow alerts list|ack|ignore``: a tenant's workflow alerts, read and changed directly in its tables.

The command talks to the deployment's DynamoDB tables with the caller's AWS credentials (the same use cases as the
HTTP API, so the same rules: one alert per cause, acknowledging an unusual-volume alert releases the workflow's
circuit breaker). Tables come from ``--core-table``/``--ledger-table`` or the functions' own variables
``CORE_TABLE``/``LEDGER_TABLE`` (``chaseflow local`` and the CDK outputs name them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import click

from functions import wiring
from functions.env import Settings
from shared.domain.alerts import Alert, AlertKind, TransitionRefused
from shared.usecases import alert_controls as usecases
from shared.usecases.runtime import Runtime

Command = TypeVar("Command", bound=Callable[..., None])
_tables = [
    click.option("--core-table", envvar="CORE_TABLE", required=True, help="core table name (env CORE_TABLE)"),
    click.option("--ledger-table", envvar="LEDGER_TABLE", required=True, help="ledger table name (env LEDGER_TABLE)"),
    click.option("--tenant", "tenant_id", required=True, help="tenant id"),
    click.option("--json", "as_json", is_flag=True, help="print JSON"),
]


def _with_tables(command: Command) -> Command:
    for option in reversed(_tables):
        command = option(command)
    return command


def _runtime(core_table: str, ledger_table: str) -> Runtime:
    return wiring.build(Settings(core_table=core_table, ledger_table=ledger_table))


def _line(alert: Alert) -> str:
    where = alert.workflow_id or "all workflows"
    return f"{alert.id}  {alert.status.value:<12} {alert.level.value:<6} {where:<24} {alert.title}"


def _print(as_json: bool, found: list[Alert]) -> None:
    if as_json:
        click.echo(json.dumps([a.model_dump(mode="json") for a in found], indent=2))
    else:
        click.echo("\n".join(_line(a) for a in found) or "no alerts")


@click.group(name="alerts")
def alerts_group() -> None:
    """List, acknowledge and ignore a tenant's workflow alerts."""


@alerts_group.command(name="list")
@_with_tables
@click.option(
    "--status",
    type=click.Choice(["active", "open", "acknowledged", "ignored", "resolved", "all"]),
    default="active",
    show_default=True,
)
@click.option("--workflow", "workflow_id", help="only this workflow's alerts")
@click.option("--kind", type=click.Choice([k.value for k in AlertKind]))
def list_command(
    core_table: str,
    ledger_table: str,
    tenant_id: str,
    as_json: bool,
    status: str,
    workflow_id: str | None,
    kind: str | None,
) -> None:
    """The tenant's alerts, newest first (active ones by default)."""
    rt = _runtime(core_table, ledger_table)
    found = usecases.list_alerts(
        rt, tenant_id, status=None if status == "all" else status, workflow_id=workflow_id, kind=kind
    )
    _print(as_json, found)


@alerts_group.command(name="ack")
@_with_tables
@click.argument("alert_id")
@click.option("--by", default="cli", show_default=True, help="who acknowledges")
def ack_command(core_table: str, ledger_table: str, tenant_id: str, as_json: bool, alert_id: str, by: str) -> None:
    """Acknowledge an alert (for unusual volume: confirm it, releasing the workflow's held sends)."""
    _change(as_json, lambda: usecases.acknowledge_alert(_runtime(core_table, ledger_table), tenant_id, alert_id, by))


@alerts_group.command(name="ignore")
@_with_tables
@click.argument("alert_id")
@click.option("--reason", required=True, help="why the condition is expected")
def ignore_command(
    core_table: str, ledger_table: str, tenant_id: str, as_json: bool, alert_id: str, reason: str
) -> None:
    """Ignore an alert, with the reason; it resolves when its condition clears."""
    _change(as_json, lambda: usecases.ignore_alert(_runtime(core_table, ledger_table), tenant_id, alert_id, reason))


def _change(as_json: bool, change: Callable[[], Alert]) -> None:
    try:
        alert = change()
    except usecases.AlertNotFound as error:
        raise click.ClickException(f"no alert {error}") from None
    except (TransitionRefused, usecases.ConcurrentChange) as error:
        raise click.ClickException(str(error)) from None
    _print(as_json, [alert])
