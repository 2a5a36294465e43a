"""``chaseflow admin``: the run controls and workflow administration, through the admin HTTP API (flow 6)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import yaml

from shared.cli.api_client import AdminClient, ApiError


class _Instant(click.ParamType[datetime]):
    """An ISO 8601 date-time with its offset (``2026-11-12T09:00:00Z``, ``2026-11-12T10:00+01:00``)."""

    name = "DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            instant = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date-time, e.g. 2026-11-12T09:00:00Z", param, ctx)
        if instant.tzinfo is None:
            self.fail(f"{value!r} has no timezone: add Z or an offset such as +01:00", param, ctx)
        return instant


_DATETIME = _Instant()
_client_factory: Callable[[str, str], AdminClient] = AdminClient


def use_client_factory(factory: Callable[[str, str], AdminClient]) -> None:
    """Replace how the commands build their client (tests hand the requests to the admin handler)."""
    global _client_factory
    _client_factory = factory


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _segment(value: str) -> str:
    return quote(value, safe="")


def _connection(command: Callable[..., None]) -> Callable[..., None]:
    """Every admin command takes ``--api``, ``--tenant`` and ``--json``; they are kept in the context."""

    @functools.wraps(command)
    def with_connection(api: str, tenant: str, as_json: bool, **arguments: Any) -> None:
        click.get_current_context().meta["chaseflow.admin"] = {"api": api, "tenant": tenant, "json": as_json}
        command(**arguments)

    options = (
        click.option(
            "--api", envvar="CHASEFLOW_API_URL", required=True, help="the HTTP API's URL [env CHASEFLOW_API_URL]"
        ),
        click.option("--tenant", envvar="CHASEFLOW_TENANT", required=True, help="the tenant id [env CHASEFLOW_TENANT]"),
        click.option("--json", "as_json", is_flag=True, help="print the API's JSON answer"),
    )
    return functools.reduce(lambda wrapped, option: option(wrapped), options, with_connection)


def _options() -> dict[str, Any]:
    return dict(click.get_current_context().meta["chaseflow.admin"])


@click.group()
def admin() -> None:
    """Run controls and workflow administration of a deployed (or local) Chaseflow, through its HTTP API.

    Every command takes --api URL (env CHASEFLOW_API_URL), --tenant (env CHASEFLOW_TENANT) and --json. Requests
    are signed with SigV4 (the default AWS credential chain) unless the API is on http://localhost."""


def _call(method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> Any:
    options = _options()
    try:
        return _client_factory(options["api"], options["tenant"]).call(method, path, body, query)
    except ApiError as error:
        click.echo("\n".join(error.lines()), err=True)
        sys.exit(1)


def _show(answer: Any, lines: list[str]) -> None:
    click.echo(json.dumps(answer, indent=2) if _options()["json"] else "\n".join(lines))


def _run_line(run: dict[str, Any]) -> str:
    hold = run.get("hold")
    held = f" held until {hold.get('until') or 'resumed'}" if hold else ""
    ended = f" ({run.get('end_reason')})" if run.get("end_reason") else ""
    return (
        f"{run['run_id']}  {run['workflow_id']} v{run['workflow_version']}  {run['record_id']}  "
        f"{run['status']}{ended}  at {run['node_id']} since {run['node_entered_at']}{held}"
        + ("  run-now" if run.get("run_now") else "")
    )


def _runs(answer: dict[str, Any]) -> None:
    runs = answer["runs"]
    _show(answer, [_run_line(r) for r in runs] or ["no runs"])


@admin.command()
@click.argument("customer_id")
@_connection
def enrolments(customer_id: str) -> None:
    """A customer's current and previous enrolments."""
    _runs(_call("GET", f"/customers/{_segment(customer_id)}/enrolments"))


@admin.command()
@click.argument("workflow_id")
@click.argument("node_id")
@_connection
def waiting(workflow_id: str, node_id: str) -> None:
    """The runs waiting in a node of a workflow."""
    _runs(_call("GET", f"/workflows/{_segment(workflow_id)}/nodes/{_segment(node_id)}/runs"))


@admin.command()
@click.argument("run_id")
@click.option("--until", type=_DATETIME, help="resume by itself then (default: paused until resumed)")
@click.option("--note", default="", help="why (kept with the pause)")
@_connection
def pause(run_id: str, until: datetime | None, note: str) -> None:
    """Pause a run until a date, or until resumed."""
    run = _call("POST", f"/runs/{_segment(run_id)}/pause", {"until": _iso(until), "note": note})
    _show(run, [_run_line(run)])


def _control(name: str, summary: str) -> None:
    @admin.command(name=name, help=summary)
    @click.argument("run_id")
    @_connection
    def command(run_id: str) -> None:
        run = _call("POST", f"/runs/{_segment(run_id)}/{name}")
        _show(run, [_run_line(run)])


_control("resume", "Resume a paused run.")
_control("stop", "Stop a run for good (it never acts again).")
_control("run-now", "Run a waiting run's next step now.")
_control("skip", "Skip the node the run is in.")


@admin.command()
@click.argument("workflow_id")
@click.option("--start", required=True, type=_DATETIME, help="moves sends due from this instant …")
@click.option("--end", required=True, type=_DATETIME, help="… up to this one (excluded)")
@click.option("--to", "new_time", required=True, type=_DATETIME, help="the new due time")
@click.option("--node", "node_id", help="only the runs waiting in this node")
@_connection
def reschedule(workflow_id: str, start: datetime, end: datetime, new_time: datetime, node_id: str | None) -> None:
    """Move the waiting sends of a workflow due in a time range to a new time."""
    body = {
        "node_id": node_id,
        "start": _iso(start),
        "end": _iso(end),
        "new_time": _iso(new_time),
    }
    answer = _call("POST", f"/workflows/{_segment(workflow_id)}/reschedule", body)
    _show(answer, [f"moved {len(answer['moved'])} run(s) to {body['new_time']}", *answer["moved"]])


@admin.command()
@click.argument("run_id")
@click.option("--at", type=_DATETIME, help="explain as of this instant (default: now)")
@_connection
def explain(run_id: str, at: datetime | None) -> None:
    """Why a run is where it is, and what it does next."""
    moment = _iso(at)
    answer = _call("GET", f"/runs/{_segment(run_id)}/explain", query={"at": moment} if moment else None)
    lines = [answer.get("summary") or f"{answer['workflow_id']} for {answer['record_id']}"]
    decision = answer.get("decision")
    if decision:
        lines.append(f"next: {decision['kind']} at {decision.get('at') or 'now'}: {decision.get('message') or ''}")
        lines += [f"  {line}" for line in decision.get("trace") or []]
    lines += [f"  {'ok ' if c['passed'] else 'no '} {c['condition']} (is {c['actual']})" for c in answer["conditions"]]
    lines += [f"upcoming: {e['at']} {e['kind']} at {e['node_id']}: {e['detail']}" for e in answer.get("upcoming") or []]
    _show(answer, lines)


@admin.group()
def workflows() -> None:
    """List, save, duplicate, activate and deactivate the tenant's workflows."""


@workflows.command(name="list")
@_connection
def list_workflows() -> None:
    """The tenant's workflows, current versions."""
    answer = _call("GET", "/workflows")
    lines = [f"{w['id']:<32} v{w['version']:<4} {w['status']:<9} {w['name']}" for w in answer["workflows"]]
    _show(answer, lines or ["no workflows"])


def _saved(answer: dict[str, Any]) -> None:
    workflow, lints = answer["workflow"], answer["lints"]
    lines = [f"saved {workflow['id']} v{workflow['version']} ({workflow['status']})"]
    lines += [f"  {x['severity']:<7} {x['code']} {x['message']}\n          fix: {x['fix']}" for x in lints]
    lines.append("lints: clean" if not lints else f"lints: {len(lints)} finding(s)")
    _show(answer, lines)


@workflows.command()
@click.argument("workflow_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_connection
def save(workflow_file: Path) -> None:
    """Create or update (as a new version) a workflow from a YAML or JSON file; print its lints."""
    try:
        definition = yaml.safe_load(workflow_file.read_text(encoding="utf-8"))  # JSON is YAML
    except yaml.YAMLError as error:
        raise click.ClickException(f"{workflow_file}: not YAML or JSON: {error}") from None
    if not isinstance(definition, dict) or not isinstance(definition.get("id"), str):
        raise click.ClickException(f"{workflow_file}: a workflow is a mapping with an 'id'")
    _saved(_call("PUT", f"/workflows/{_segment(definition['id'])}", definition))


@workflows.command()
@click.argument("workflow_id")
@click.argument("new_id")
@click.option("--name", help="the copy's name (default: the original's)")
@_connection
def duplicate(workflow_id: str, new_id: str, name: str | None) -> None:
    """Copy a workflow as a new draft."""
    _saved(_call("POST", f"/workflows/{_segment(workflow_id)}/duplicate", {"new_id": new_id, "name": name}))


@workflows.command()
@click.argument("workflow_id")
@_connection
def activate(workflow_id: str) -> None:
    """Make a workflow active (it enrols)."""
    _saved(_call("POST", f"/workflows/{_segment(workflow_id)}/activate"))


@workflows.command()
@click.argument("workflow_id")
@_connection
def deactivate(workflow_id: str) -> None:
    """Make a workflow inactive (its running enrolments stop at their next step)."""
    _saved(_call("POST", f"/workflows/{_segment(workflow_id)}/deactivate"))
