"""``chaseflow local``: serve the HTTP API on localhost over emulated AWS, with the scheduler on the real clock and
the data kept across restarts in a state directory."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from cli.files import load_template_settings, load_templates, load_workflows
from shared.domain.tenant import TenantSettings
from shared.platform.functions import FUNCTIONS

existing = click.Path(exists=True, path_type=Path)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0: any free port")
@click.option(
    "--state-dir",
    default=Path(".chaseflow/local"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="where the data is kept between runs",
)
@click.option("--tenant", "tenant_id", help="register (or update) this tenant")
@click.option("--secret", help="the tenant's webhook secret (default: the one kept, else a new one)")
@click.option("--timezone", help="the tenant's timezone (default: kept, else UTC)")
@click.option("--country", help="the tenant's country, ISO 3166 alpha-2 (holidays)")
@click.option("--currency", help="the tenant's currency, ISO 4217")
@click.option("--workflows", "workflow_paths", multiple=True, type=existing, help="workflow files or folders to load")
@click.option("--templates", "template_paths", multiple=True, type=existing, help="template files or folders to load")
@click.option("--verbose", is_flag=True, help="show the functions' logs")
def local(
    host: str,
    port: int,
    state_dir: Path,
    tenant_id: str | None,
    secret: str | None,
    timezone: str | None,
    country: str | None,
    currency: str | None,
    workflow_paths: tuple[Path, ...],
    template_paths: tuple[Path, ...],
    verbose: bool,
) -> None:
    """Serve the webhooks and admin API on localhost (emulated AWS; nothing leaves the machine). Ctrl-C stops;
    the data stays in --state-dir for the next start."""
    if (workflow_paths or template_paths) and not tenant_id:
        raise click.BadParameter("give the --tenant the workflows and templates are for", param_hint="--tenant")
    workflows, invalid = load_workflows(list(workflow_paths))
    templates, bad_templates = load_templates(list(template_paths)) if template_paths else ([], [])
    if invalid or bad_templates:
        raise click.ClickException("; ".join(str(e) for e in [*invalid, *bad_templates]))
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("chaseflow-local").setLevel(logging.INFO)
    # the functions' log level: Powertools reads it from the environment when they are imported
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO" if verbose else "WARNING")
    from emulator.server import LocalRuntime  # moto is imported only by this command
    from emulator.state import StateDirBusy

    runtime = LocalRuntime(state_dir, host=host, port=port)
    click.echo(f"Starting on emulated AWS; state in {state_dir} …")
    try:
        runtime.start()
    except StateDirBusy as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # the port is taken, or the address is not this machine's
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        if runtime.restored_items:
            restarted = len(runtime.restarted)
            click.echo(f"Restored {runtime.restored_items} items; restarted {restarted} unfinished run(s).")
        if tenant_id:
            given = {"timezone": timezone, "country": country, "currency": currency}
            settings = runtime.tenant_settings(tenant_id, {k: v for k, v in given.items() if v})
            chosen, secret_file = runtime.register_tenant(settings, secret)
            settings_file = template_paths[0] if template_paths else None
            runtime.load_definitions(
                tenant_id,
                workflows,
                templates,
                load_template_settings(None, settings_file) if settings_file else None,
            )
            click.echo(_banner(runtime.url, settings, chosen, secret_file, len(workflows), len(templates)))
        else:
            click.echo(f"Serving {runtime.url} (no --tenant given: tenants registered before keep their secrets)")
        _wait_for_signal()
    finally:
        click.echo("Stopping: letting executions settle and saving the state …")
        runtime.stop()


def _wait_for_signal() -> None:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    while not stop.wait(1.0):
        pass


def _banner(url: str, tenant: TenantSettings, secret: str, secret_file: Path, workflows: int, templates: int) -> str:
    routes = [f"    {key.replace(' ', ' ' + url, 1)}" for spec in FUNCTIONS for key in spec.api_routes]
    records = f"{url}/v1/tenants/{tenant.tenant_id}/records"
    return "\n".join(
        [
            f"Serving {url} for tenant {tenant.tenant_id} ({tenant.timezone}); {workflows} workflow(s), "
            f"{templates} template(s) loaded. The scheduler ticks every minute. Ctrl-C stops.",
            "Routes:",
            *routes,
            f"Webhook secret: {secret} (kept in {secret_file}).",
            "Sign each request: v1= and the hex HMAC-SHA256 of '<timestamp>.<body>', e.g.",
            f"    SECRET=$(cat {secret_file}); TS=$(date +%s); BODY='{{\"records\": []}}'",
            '    SIG=$(printf \'%s.%s\' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed \'s/^.*= //\')',
            f"    curl -sS {records} -H 'content-type: application/json' \\",
            '      -H "x-chaseflow-timestamp: $TS" -H "x-chaseflow-signature: v1=$SIG" --data-binary "$BODY"',
        ]
    )
