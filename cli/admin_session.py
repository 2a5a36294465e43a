"""What every ``chaseflow admin`` command shares: the connection options, the API client, the output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

import click

from cli.api_client import AdminClient, ApiError


class Connection(TypedDict):
    """The connection options of the running admin command, kept in click's context."""

    api: str
    tenant: str
    json: bool


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


INSTANT = _Instant()
_client_factory: Callable[[str, str], AdminClient] = AdminClient


def use_client_factory(factory: Callable[[str, str], AdminClient]) -> None:
    """Replace how the commands build their client (tests hand the requests to the admin handler)."""
    global _client_factory
    _client_factory = factory


def connection(command: Callable[..., None]) -> Callable[..., None]:
    """Every admin command takes ``--api``, ``--tenant`` and ``--json``; they are kept in the context."""

    @functools.wraps(command)
    def with_connection(api: str, tenant: str, as_json: bool, **arguments: object) -> None:
        chosen: Connection = {"api": api, "tenant": tenant, "json": as_json}
        click.get_current_context().meta["chaseflow.admin"] = chosen
        command(**arguments)

    options = (
        click.option(
            "--api", envvar="CHASEFLOW_API_URL", required=True, help="the HTTP API's URL [env CHASEFLOW_API_URL]"
        ),
        click.option("--tenant", envvar="CHASEFLOW_TENANT", required=True, help="the tenant id [env CHASEFLOW_TENANT]"),
        click.option("--json", "as_json", is_flag=True, help="print the API's JSON answer"),
    )
    return functools.reduce(lambda wrapped, option: option(wrapped), options, with_connection)


def _options() -> Connection:
    chosen: Connection = click.get_current_context().meta["chaseflow.admin"]
    return chosen.copy()


def call(method: str, path: str, body: object = None, query: dict[str, str] | None = None) -> Any:
    """The API's JSON answer (its shape is the route's); on a refusal, print why and exit 1."""
    options = _options()
    try:
        return _client_factory(options["api"], options["tenant"]).call(method, path, body, query)
    except ApiError as error:
        click.echo("\n".join(error.lines()), err=True)
        sys.exit(1)


def show(answer: object, lines: list[str]) -> None:
    click.echo(json.dumps(answer, indent=2) if _options()["json"] else "\n".join(lines))
