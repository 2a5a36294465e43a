"""``chaseflow dead-letters``: what landed in a dead-letter queue, and its replay once the cause is fixed."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime

import click

from shared.adapters.redrive import Redrive
from shared.adapters.sqs import PeekedQueue
from shared.usecases import dead_letters as use_case

_queue_option = click.option("--queue", "queue_url", required=True, help="the dead-letter queue's URL")


@click.group(name="dead-letters")
def dead_letters() -> None:
    """List and replay the messages of a dead-letter queue (EventBridge targets' and Lambda destinations')."""


@dead_letters.command(name="list")
@_queue_option
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def list_command(queue_url: str, as_json: bool) -> None:
    """Every message in the queue, oldest first, without consuming any."""
    letters = use_case.list_letters(PeekedQueue(queue_url), queue_url)
    if as_json:
        click.echo(json.dumps([_letter(x) for x in letters], indent=2, default=str))
        return
    if not letters:
        click.echo(f"{queue_url}: empty")
    for letter in letters:
        click.echo(
            f"{letter.id}  {letter.kind}  arrived {_when(letter.arrived_at)}  received {letter.receive_count}x\n"
            f"  {letter.subject}\n"
            f"  failed: {letter.error_code}: {letter.error_message}"
            + (f" ({letter.condition}, {letter.attempts} attempts)" if letter.condition else "")
            + f"\n  source: {letter.rule_arn or letter.function_arn or 'unknown'}"
            + f"\n  replay: {letter.replay_target or 'not replayable'}"
        )


@dead_letters.command(name="replay")
@_queue_option
@click.option("--id", "ids", multiple=True, help="a message id to replay (repeat the option for several)")
@click.option("--all", "replay_all", is_flag=True, help="replay every message in the queue")
@click.option("--dry-run", is_flag=True, help="show what would be replayed; send and delete nothing")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def replay_command(queue_url: str, ids: tuple[str, ...], replay_all: bool, dry_run: bool, as_json: bool) -> None:
    """Put EventBridge letters back on their bus, re-invoke Lambda letters' functions (asynchronously), and delete
    each letter once its replay is accepted. Exit 1 when any was refused, unknown or not replayable."""
    if bool(ids) == replay_all:
        raise click.UsageError("give --id (one or more) or --all")
    outcomes = use_case.replay(
        PeekedQueue(queue_url), Redrive(), queue_url, None if replay_all else ids, dry_run=dry_run
    )
    if as_json:
        click.echo(json.dumps([asdict(o) for o in outcomes], indent=2))
    else:
        for outcome in outcomes:
            click.echo(f"{outcome.status:<14} {outcome.letter_id}  {outcome.target or ''}  {outcome.detail}".rstrip())
        click.echo(_summary(outcomes, dry_run))
    sys.exit(1 if any(o.status not in ("replayed", "would_replay") for o in outcomes) else 0)


def _summary(outcomes: list[use_case.ReplayOutcome], dry_run: bool) -> str:
    done = sum(o.status in ("replayed", "would_replay") for o in outcomes)
    if dry_run:
        return f"dry run: {done} of {len(outcomes)} would be replayed; nothing sent or deleted"
    return f"{done} of {len(outcomes)} replayed and deleted from the queue"


def _letter(letter: use_case.DeadLetter) -> dict[str, object]:
    return letter.model_dump(mode="json") | {"subject": letter.subject, "replay_target": letter.replay_target}


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "?"
