"""``chaseflow demo`` and ``chaseflow simulate``: the whole system on a local emulation of AWS (moto), on the
demo's generated data set or on a ledger export, with a summary and a report. Nothing leaves the machine."""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.files import load_template_settings, load_templates, load_workflows
from shared.domain.ledger.dataset import FILES, ledger_from_data
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings

if TYPE_CHECKING:  # the simulations load moto: the commands import them when they run
    from simulation.summary import Summary

ROOT = Path(__file__).resolve().parents[1]
SIMULATION_FILE = "simulation.json"


def read_ledger_export(folder: Path) -> tuple[TenantSettings, Ledger, frozenset[str]]:
    """A ledger export: ``tenant.json`` and, per kind, ``<kind>.json`` (an array of records) or ``<kind>.csv``
    (a header row of field names; lists and objects as JSON text in their cell; empty cells left out). The
    optional ``simulation.json`` names the mailboxes that bounce (``{"bouncing_addresses": [...]}``)."""
    tenant = TenantSettings.model_validate_json((folder / "tenant.json").read_text(encoding="utf-8"))
    data: dict[str, list[dict[str, Any]]] = {}
    for name in FILES:
        as_json, as_csv = folder / f"{name}.json", folder / f"{name}.csv"
        if as_json.exists():
            data[name] = json.loads(as_json.read_text(encoding="utf-8"))
        elif as_csv.exists():
            with as_csv.open(encoding="utf-8", newline="") as rows:
                data[name] = [_csv_record(row) for row in csv.DictReader(rows)]
    extra = folder / SIMULATION_FILE
    bouncing = json.loads(extra.read_text(encoding="utf-8")).get("bouncing_addresses", []) if extra.exists() else []
    return tenant, ledger_from_data(tenant, data), frozenset(a.lower() for a in bouncing)


def _csv_record(row: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for field, text in row.items():
        if text is None or text == "":
            continue
        record[field] = json.loads(text) if text[:1] in "[{" or text in ("true", "false") else text
    return record


def _simulate(
    tenant: TenantSettings,
    ledger: Ledger,
    bouncing: frozenset[str],
    workflows_dir: Path,
    templates_dir: Path,
    start: date,
    days: int,
    out: Path,
) -> Summary:
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "chaseflow")  # before the handlers' loggers exist
    import shared.observability  # noqa: F401  (its logger is the one the decision log replaces)
    from simulation.decisions import capture
    from simulation.report import render, report_data
    from simulation.runner import Scenario, simulate
    from simulation.summary import summary

    workflows, invalid = load_workflows([workflows_dir])
    if invalid:
        raise click.ClickException("; ".join(str(e) for e in invalid))
    templates, bad = load_templates(templates_dir)
    if bad:
        raise click.ClickException("; ".join(str(e) for e in bad))
    scenario = Scenario(
        tenant, ledger, workflows, templates, load_template_settings(None, templates_dir), start, days, bouncing
    )
    decisions = capture()
    with click.progressbar(length=days, label="Simulating days", show_pos=True) as bar:
        outcome = simulate(scenario, decisions, lambda _: bar.update(1))
    figures = summary(outcome)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (out / "report.html").write_text(render(report_data(outcome, figures)), encoding="utf-8")
    _print(figures, out)
    return figures


def _print(figures: Summary, out: Path) -> None:
    counts = figures["counts"]
    click.echo(f"\n{figures['days']} days simulated, {figures['from']} to {figures['to']}:")
    for name, value in counts.items():
        shown = ", ".join(f"{k} {v}" for k, v in value.items()) or "none" if isinstance(value, dict) else value
        click.echo(f"  {name.replace('_', ' '):<38} {shown}")
    for currency, money in figures["money"].items():
        click.echo(
            f"  {currency}: overdue {money['overdue_at_start']} → {money['overdue_at_end']}, "
            f"collected {money['collected']}"
        )
    click.echo(f"Wrote {out / 'summary.json'} and {out / 'report.html'}")


@click.command()
@click.option("--customers", type=int, default=None, help="size of the generated data set")
@click.option("--days", type=int, default=None, help="days to simulate (at least 60 for the full demo)")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-output"), show_default=True)
def demo(customers: int | None, days: int | None, seed: int, out: Path) -> None:
    """Run Chaseflow end to end on emulated AWS with a generated ledger; write summary.json and report.html.

    The data set is written to OUT/ledger, so that `chaseflow simulate --ledger OUT/ledger` replays it.
    """
    from simulation.dataset import DEMO_CUSTOMERS, DEMO_DAYS, DEMO_START, demo_data, write

    days = days or DEMO_DAYS
    ledger_dir = out / "ledger"
    write(demo_data(customers or DEMO_CUSTOMERS, DEMO_START, days, seed), ledger_dir)
    tenant, ledger, bouncing = read_ledger_export(ledger_dir)
    click.echo(f"Data set: {len(ledger.customers)} customers, written to {ledger_dir}")
    _simulate(tenant, ledger, bouncing, ROOT / "examples/workflows", ROOT / "examples/templates", DEMO_START, days, out)


@click.command()
@click.option("--ledger", "ledger_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True)
@click.option("--workflows", "workflows_dir", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--templates", "templates_dir", type=click.Path(exists=True, path_type=Path), default=None,
              help="message templates (default: the templates folder beside the workflows)")  # fmt: skip
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="first simulated day")
@click.option("--days", type=click.IntRange(1, 366), required=True)
@click.option("--out", type=click.Path(path_type=Path), default=Path("simulation-output"), show_default=True)
def simulate(
    ledger_dir: Path, workflows_dir: Path, templates_dir: Path | None, start: datetime, days: int, out: Path
) -> None:
    """Replay a ledger export day by day through the engine on emulated AWS; write summary.json and report.html."""
    tenant, ledger, bouncing = read_ledger_export(ledger_dir)
    templates = (
        templates_dir or (workflows_dir if workflows_dir.is_dir() else workflows_dir.parent).parent / "templates"
    )
    if not templates.exists():
        raise click.UsageError(f"no templates at {templates}: pass --templates")
    _simulate(tenant, ledger, bouncing, workflows_dir, templates, start.date(), days, out)
