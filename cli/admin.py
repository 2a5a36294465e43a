"""``chaseflow admin``: the run controls and workflow administration, through the admin HTTP API (flow 6)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import yaml

from cli.admin_session import INSTANT, call, connection, show


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _segment(value: str) -> str:
    return quote(value, safe="")


@click.group()
def admin() -> None:
    """Run controls and workflow administration of a deployed (or local) Chaseflow, through its HTTP API.

    Every command takes --api URL (env CHASEFLOW_API_URL), --tenant (env CHASEFLOW_TENANT) and --json. Requests
    are signed with SigV4 (the default AWS credential chain) unless the API is on http://localhost."""


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
    show(answer, [_run_line(r) for r in runs] or ["no runs"])


@admin.command()
@click.argument("customer_id")
@connection
def enrolments(customer_id: str) -> None:
    """A customer's current and previous enrolments."""
    _runs(call("GET", f"/customers/{_segment(customer_id)}/enrolments"))


@admin.command()
@click.argument("workflow_id")
@click.argument("node_id")
@connection
def waiting(workflow_id: str, node_id: str) -> None:
    """The runs waiting in a node of a workflow."""
    _runs(call("GET", f"/workflows/{_segment(workflow_id)}/nodes/{_segment(node_id)}/runs"))


@admin.command()
@click.argument("run_id")
@click.option("--until", type=INSTANT, help="resume by itself then (default: paused until resumed)")
@click.option("--note", default="", help="why (kept with the pause)")
@connection
def pause(run_id: str, until: datetime | None, note: str) -> None:
    """Pause a run until a date, or until resumed."""
    run = call("POST", f"/runs/{_segment(run_id)}/pause", {"until": _iso(until), "note": note})
    show(run, [_run_line(run)])


def _control(name: str, summary: str) -> None:
    @admin.command(name=name, help=summary)
    @click.argument("run_id")
    @connection
    def command(run_id: str) -> None:
        run = call("POST", f"/runs/{_segment(run_id)}/{name}")
        show(run, [_run_line(run)])


_control("resume", "Resume a paused run.")
_control("stop", "Stop a run for good (it never acts again).")
_control("run-now", "Run a waiting run's next step now.")
_control("skip", "Skip the node the run is in.")
_control("retry", "Start a failed run again where it stood, once the cause is fixed.")


@admin.command()
@click.argument("workflow_id")
@click.option("--start", required=True, type=INSTANT, help="moves sends due from this instant …")
@click.option("--end", required=True, type=INSTANT, help="… up to this one (excluded)")
@click.option("--to", "new_time", required=True, type=INSTANT, help="the new due time")
@click.option("--node", "node_id", help="only the runs waiting in this node")
@connection
def reschedule(workflow_id: str, start: datetime, end: datetime, new_time: datetime, node_id: str | None) -> None:
    """Move the waiting sends of a workflow due in a time range to a new time."""
    body = {
        "node_id": node_id,
        "start": _iso(start),
        "end": _iso(end),
        "new_time": _iso(new_time),
    }
    answer = call("POST", f"/workflows/{_segment(workflow_id)}/reschedule", body)
    show(answer, [f"moved {len(answer['moved'])} run(s) to {body['new_time']}", *answer["moved"]])


@admin.command()
@click.argument("run_id")
@click.option("--at", type=INSTANT, help="explain as of this instant (default: now)")
@connection
def explain(run_id: str, at: datetime | None) -> None:
    """Why a run is where it is, and what it does next."""
    moment = _iso(at)
    answer = call("GET", f"/runs/{_segment(run_id)}/explain", query={"at": moment} if moment else None)
    lines = [answer.get("summary") or f"{answer['workflow_id']} for {answer['record_id']}"]
    decision = answer.get("decision")
    if decision:
        lines.append(f"next: {decision['kind']} at {decision.get('at') or 'now'}: {decision.get('message') or ''}")
        lines += [f"  {line}" for line in decision.get("trace") or []]
    lines += [f"  {'ok ' if c['passed'] else 'no '} {c['condition']} (is {c['actual']})" for c in answer["conditions"]]
    lines += [f"upcoming: {e['at']} {e['kind']} at {e['node_id']}: {e['detail']}" for e in answer.get("upcoming") or []]
    show(answer, lines)


@admin.group()
def workflows() -> None:
    """List, save, duplicate, activate and deactivate the tenant's workflows."""


@workflows.command(name="list")
@connection
def list_workflows() -> None:
    """The tenant's workflows, current versions."""
    answer = call("GET", "/workflows")
    lines = [f"{w['id']:<32} v{w['version']:<4} {w['status']:<9} {w['name']}" for w in answer["workflows"]]
    show(answer, lines or ["no workflows"])


def _saved(answer: dict[str, Any]) -> None:
    workflow, lints = answer["workflow"], answer["lints"]
    lines = [f"saved {workflow['id']} v{workflow['version']} ({workflow['status']})"]
    lines += [f"  {x['severity']:<7} {x['code']} {x['message']}\n          fix: {x['fix']}" for x in lints]
    lines.append("lints: clean" if not lints else f"lints: {len(lints)} finding(s)")
    show(answer, lines)


@workflows.command()
@click.argument("workflow_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@connection
def save(workflow_file: Path) -> None:
    """Create or update (as a new version) a workflow from a YAML or JSON file; print its lints."""
    try:
        definition = yaml.safe_load(workflow_file.read_text(encoding="utf-8"))  # JSON is YAML
    except yaml.YAMLError as error:
        raise click.ClickException(f"{workflow_file}: not YAML or JSON: {error}") from None
    if not isinstance(definition, dict) or not isinstance(definition.get("id"), str):
        raise click.ClickException(f"{workflow_file}: a workflow is a mapping with an 'id'")
    _saved(call("PUT", f"/workflows/{_segment(definition['id'])}", definition))


@workflows.command()
@click.argument("workflow_id")
@click.argument("new_id")
@click.option("--name", help="the copy's name (default: the original's)")
@connection
def duplicate(workflow_id: str, new_id: str, name: str | None) -> None:
    """Copy a workflow as a new draft."""
    _saved(call("POST", f"/workflows/{_segment(workflow_id)}/duplicate", {"new_id": new_id, "name": name}))


@workflows.command()
@click.argument("workflow_id")
@connection
def activate(workflow_id: str) -> None:
    """Make a workflow active (it enrols)."""
    _saved(call("POST", f"/workflows/{_segment(workflow_id)}/activate"))


@workflows.command()
@click.argument("workflow_id")
@connection
def deactivate(workflow_id: str) -> None:
    """Make a workflow inactive (its running enrolments stop at their next step)."""
    _saved(call("POST", f"/workflows/{_segment(workflow_id)}/deactivate"))
