"""The ``chaseflow`` command. Every command prints for people, or JSON with ``--json``."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import click

from cli.admin import admin
from cli.alerts import alerts_group
from cli.dead_letters import dead_letters
from cli.demo import demo, simulate
from cli.files import load_ledger, load_template_settings, load_templates, load_workflows
from cli.local import local
from shared.domain.explain import explain
from shared.domain.filters.catalogue import CATALOGUE
from shared.domain.forecast.simulation import forecast
from shared.domain.lints import Severity, lint_all
from shared.domain.templates import RenderFailed, TemplateInvalid, sample_context, template_problems
from shared.domain.templates.preview import PreviewRequestInvalid, preview
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.schema import workflow_schema

existing = click.Path(exists=True, path_type=Path)


def _emit(as_json: bool, data: object, lines: list[str]) -> None:
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


@main.group()
def templates() -> None:
    """Validate and preview email and SMS templates (smart fields rendered in a sandbox)."""


_settings_option = click.option(
    "--settings",
    "settings_file",
    type=existing,
    help="tenant template settings JSON (links, users); default: settings.json beside the templates",
)


@templates.command(name="validate")
@click.argument("paths", nargs=-1, required=True, type=existing)
@_settings_option
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def validate_templates(paths: tuple[Path, ...], settings_file: Path | None, as_json: bool) -> None:
    """Render every part and language against a sample holding every smart field. Exit 1 when any is invalid."""
    loaded, invalid = load_templates(list(paths))
    settings = load_template_settings(settings_file, paths[0])
    sample = sample_context(links=settings.links if settings else None)
    for template in loaded:
        problems = template_problems(template, sample)
        if problems:
            invalid.append(TemplateInvalid(template.id, problems))
    bad = {e.template_id for e in invalid}
    valid = [t for t in loaded if t.id not in bad]
    data = {"valid": [t.id for t in valid], "invalid": [_invalid(e) for e in invalid]}
    lines = [f"ok       {t.id} (v{t.version}, {t.channel}, {_languages(t.translations)})" for t in valid]
    for error in invalid:
        lines += [f"invalid  {error.template_id}", *(f"  {p}" for p in error.problems)]
    _emit(as_json, data, lines)
    sys.exit(1 if invalid else 0)


@templates.command(name="preview")
@click.argument("template_file", type=existing)
@click.option("--ledger", "ledger_dir", required=True, type=existing, help="ledger folder (tenant.json, …)")
@click.option("--customer", "customer_id", required=True, help="the customer the message is for")
@click.option("--invoices", "invoice_ids", help="comma-separated invoice ids (default: the unsettled overdue ones)")
@click.option("--contact", "contact_id", help="the contact greeted (default: the primary active contact)")
@click.option("--payment", "payment_id", help="the payment a payment message is about")
@click.option("--language", help="the recipient's language (default: the contact's, else the customer's)")
@click.option(
    "--at",
    "at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"]),
    help="default: the ledger's latest invoice date at 09:00 tenant time",
)
@_settings_option
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def preview_template(
    template_file: Path,
    ledger_dir: Path,
    customer_id: str,
    invoice_ids: str | None,
    contact_id: str | None,
    payment_id: str | None,
    language: str | None,
    at: datetime | None,
    settings_file: Path | None,
    as_json: bool,
) -> None:
    """Render a template for one customer of a ledger, as it would be sent. Sends nothing."""
    loaded, invalid = load_templates([template_file])
    if invalid:
        raise click.ClickException(str(invalid[0]))
    if at is not None and at.tzinfo is None:
        raise click.BadParameter("give a timezone, e.g. 2026-11-02T09:00:00Z", param_hint="--at")
    tenant, ledger = load_ledger(ledger_dir)
    ids = [i.strip() for i in invoice_ids.split(",") if i.strip()] if invoice_ids is not None else None
    try:
        result = preview(
            loaded[0],
            ledger,
            tenant,
            customer_id,
            at=at,
            invoice_ids=ids,
            contact_id=contact_id,
            payment_id=payment_id,
            language=language,
            settings=load_template_settings(settings_file, template_file),
        )
    except (PreviewRequestInvalid, TemplateInvalid, RenderFailed) as error:
        raise click.ClickException(str(error)) from None
    message = result.message
    contact = result.contact
    data = {
        "at": result.at.isoformat(),
        "customer": result.customer_id,
        "invoices": list(result.invoice_ids),
        "contact": contact.id if contact else None,
        "message": asdict(message),
    }
    lines = [
        f"Preview of {message.template_id} v{message.version} ({message.channel}) for {result.customer_id} at "
        f"{result.at.isoformat()}: nothing sent",
        f"Language: {message.language} ({message.locale})",
        f"Greeting: {f'{contact.name} <{contact.email or contact.phone}>' if contact else 'no contact'}",
        f"Invoices: {', '.join(result.invoice_ids) or 'none'}",
    ]
    if message.channel == "sms":
        lines += [f"SMS: {message.characters} characters, {message.encoding}, {message.segments} segment(s)"]
    else:
        lines.append(f"Subject: {message.subject}")
    for part in ("text", "html"):
        content = getattr(message, part)
        if content is not None:
            lines += [f"--- {part} ---", content]
    _emit(as_json, data, lines)


def _invalid(error: TemplateInvalid) -> dict[str, object]:
    return {"template": error.template_id, "problems": [{**asdict(p), "text": str(p)} for p in error.problems]}


def _languages(translations: Mapping[str, object]) -> str:
    return f"translations: {', '.join(sorted(translations))}" if translations else "no translations"


def _one_workflow(path: Path) -> Workflow:
    loaded, invalid = load_workflows([path])
    if invalid:
        raise click.ClickException(str(invalid[0]))
    if len(loaded) != 1:
        raise click.BadParameter("give one workflow file", param_hint="WORKFLOW_FILE")
    return loaded[0]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"


@main.command(name="docs")
@click.option("--check", is_flag=True, help="write nothing; exit 1 when a generated document is out of date")
def docs_command(check: bool) -> None:
    """Write the documents generated from the code (make docs): the event catalogue and schemas, openapi.json,
    the workflow schema and the generated blocks of docs/architecture.md. Run it from a checkout."""
    from cli import docs  # the HTTP API's handlers load only for this command

    if check:
        stale = docs.out_of_date()
        for path in stale:
            click.echo(f"out of date: {path} (run make docs)")
        sys.exit(1 if stale else 0)
    for path in docs.write():
        click.echo(f"wrote {path}")


main.add_command(admin)
main.add_command(dead_letters)
main.add_command(alerts_group)
main.add_command(local)
main.add_command(demo)
main.add_command(simulate)


if __name__ == "__main__":
    main()
