"""The ``chaseflow`` command. Every command prints for people, or JSON with ``--json``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from shared.cli.files import load_ledger, load_workflows
from shared.domain.explain import explain
from shared.domain.filters.catalogue import CATALOGUE
from shared.domain.forecast.simulation import forecast
from shared.domain.lints import Severity, lint_all
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.schema import workflow_schema

existing = click.Path(exists=True, path_type=Path)


def _emit(as_json: bool, data: Any, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        click.echo("\n".join(lines))


@click.group()
@click.version_option(package_name="chaseflow")
def main() -> None:
    """Chaseflow: accounts-receivable collection workflows, explained and dry-run before they go live."""


@main.group()
def workflows() -> None:
    """Validate, lint, explain and forecast workflow definitions."""


@workflows.command()
@click.argument("paths", nargs=-1, required=True, type=existing)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check workflow files: schema, filters and graph. Exit 1 when any is invalid."""
    loaded, invalid = load_workflows(list(paths))
    data = {
        "valid": [w.id for w in loaded],
        "invalid": [
            {"file": e.source, "problems": [{"path": p.path, "message": p.message} for p in e.problems]}
            for e in invalid
        ],
    }
    lines = [f"ok       {w.id} (v{w.version}, {w.level.value}, {len(w.nodes)} nodes)" for w in loaded]
    for error in invalid:
        lines += [f"invalid  {error.source}", *(f"  {p}" for p in error.problems)]
    _emit(as_json, data, lines)
    sys.exit(1 if invalid else 0)


@workflows.command()
@click.argument("paths", nargs=-1, required=True, type=existing)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def lint(paths: tuple[Path, ...], as_json: bool) -> None:
    """The static workflow alerts (overlaps, contradictions, risky settings). Exit 1 on any error-level lint."""
    loaded, invalid = load_workflows(list(paths))
    if invalid:
        raise click.ClickException("; ".join(str(e) for e in invalid))
    found = lint_all(loaded)
    data = {
        wf: [
            {
                "code": x.code,
                "severity": x.severity.value,
                "message": x.message,
                "fix": x.fix,
                "path": x.path,
                "related": list(x.related),
            }
            for x in lints
        ]
        for wf, lints in found.items()
    }
    lines = []
    for wf, lints in found.items():
        lines.append(f"{wf}: {'clean' if not lints else f'{len(lints)} finding(s)'}")
        lines += [f"  {x.severity.value:<7} {x.code} {x.message}\n          fix: {x.fix}" for x in lints]
    _emit(as_json, data, lines)
    sys.exit(1 if any(x.severity is Severity.ERROR for lints in found.values() for x in lints) else 0)


@workflows.command(name="explain")
@click.argument("workflow_file", type=existing)
@click.option("--ledger", "ledger_dir", required=True, type=existing, help="ledger folder (tenant.json, …)")
@click.option("--record", "record_id", required=True, help="id of the customer, invoice, contact … to explain")
@click.option("--at", "at", required=True, type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"]))
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def explain_command(workflow_file: Path, ledger_dir: Path, record_id: str, at: datetime, as_json: bool) -> None:
    """Why a record is or is not enrolled, where its run is, and what happens next."""
    workflow = _one_workflow(workflow_file)
    tenant, ledger = load_ledger(ledger_dir)
    if at.tzinfo is None:
        raise click.BadParameter("give a timezone, e.g. 2026-11-02T09:00:00Z", param_hint="--at")
    result = explain(workflow, record_id, ledger, at, tenant)
    _emit(as_json, result.to_dict(), result.lines())


@workflows.command(name="forecast")
@click.argument("paths", nargs=-1, required=True, type=existing)
@click.option("--ledger", "ledger_dir", required=True, type=existing, help="ledger folder (tenant.json, …)")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="first day (tenant-local)")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 400))
@click.option("--events/--no-events", default=False, help="list every event, not only the totals")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def forecast_command(
    paths: tuple[Path, ...], ledger_dir: Path, start: datetime, days: int, events: bool, as_json: bool
) -> None:
    """Dry-run: what every workflow would do, record by record and day by day. Sends nothing."""
    loaded, invalid = load_workflows(list(paths))
    if invalid:
        raise click.ClickException("; ".join(str(e) for e in invalid))
    tenant, ledger = load_ledger(ledger_dir)
    result = forecast(loaded, ledger, tenant, start.date(), days)
    lines = [
        f"Forecast for {tenant.tenant_id}: {days} days from {start.date()} ({tenant.timezone}), nothing sent",
        f"Totals: {_counts(result.totals())}",
        "By workflow:",
    ]
    lines += [f"  {wf}: {_counts(counts)}" for wf, counts in result.by_workflow().items()]
    lines += [f"Stopped: {_counts(result.reasons('stopped'))}", f"Paused: {_counts(result.reasons('paused'))}"]
    if events:
        lines += ["Events:", *(f"  {e.line()}" for e in result.events)]
    _emit(as_json, result.to_dict(), lines)


@workflows.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def fields(as_json: bool) -> None:
    """The filter field catalogue."""
    specs = sorted(CATALOGUE.values(), key=lambda f: f.name)
    data = [
        {"field": f.name, "type": f.type.value, "description": f.description, "choices": list(f.choices)} for f in specs
    ]
    lines = [f"{f.name:<42} {f.type.value:<8} {f.description}" for f in specs]
    lines.append("customer.custom.<name>, invoice.custom.<name>  text  ERP custom fields")
    _emit(as_json, data, lines)


@workflows.command()
def schema() -> None:
    """Print the workflow definition's JSON Schema (docs/workflow.schema.json is generated from it)."""
    click.echo(json.dumps(workflow_schema(), indent=2))


def _one_workflow(path: Path) -> Workflow:
    loaded, invalid = load_workflows([path])
    if invalid:
        raise click.ClickException(str(invalid[0]))
    if len(loaded) != 1:
        raise click.BadParameter("give one workflow file", param_hint="WORKFLOW_FILE")
    return loaded[0]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


if __name__ == "__main__":
    main()
