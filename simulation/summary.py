"""The figures a simulation reports, read from what the emulated services hold at the end: moto's SES messages,
the fake SMS outbox, the run items and alerts of the core table, the communications and tasks of the mirror."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict

from shared.domain.alerts.models import Alert
from shared.domain.calendar import local_date
from simulation.harness import PlainItem
from simulation.runner import Outcome


class Counts(TypedDict):
    enrolments: int
    emails: int
    sms: int
    tasks: int
    runs_stopped_on_payment: int
    runs_paused_by_promise: int
    runs_paused_by_recent_communication: int
    bounces: int
    alerts_by_code: dict[str, int]
    duplicate_sends: int
    unlogged_sends: int


class Money(TypedDict):
    """Amounts of one currency, as decimal text."""

    overdue_at_start: str
    overdue_at_end: str
    collected: str


# ``summary.json`` ("from" is a keyword: the functional form)
Summary = TypedDict(
    "Summary",
    {
        "tenant": str,
        "from": str,  # ISO dates
        "to": str,
        "days": int,
        "counts": Counts,
        "enrolments_by_workflow": dict[str, int],
        "money": dict[str, Money],  # by currency
        "erp_records_posted": int,
        "erp_records_rejected": int,
        "runs_not_settled": int,
    },
)


class Duplicates(TypedDict):
    duplicates: int
    unlogged: int


def alerts_by_code(core_items: Iterable[PlainItem]) -> dict[str, int]:
    """Alerts raised, by kind (the alerts' own storage: ``shared.adapters.dynamodb.alerts``), resolved ones
    included: the demo reports what fired over the period."""
    counts: Counter[str] = Counter()
    for item in core_items:
        if str(item.get("pk", "")).endswith("#ALERTS") and "body" in item:
            counts[Alert.model_validate_json(item["body"]).kind.value] += 1
    return dict(sorted(counts.items()))


def communications(outcome: Outcome) -> list[dict[str, Any]]:
    return [json.loads(i["body"]) for i in outcome.ledger_items if str(i.get("sk", "")).startswith("communication#")]


def tasks(outcome: Outcome) -> list[dict[str, Any]]:
    return [json.loads(i["body"]) for i in outcome.ledger_items if str(i.get("sk", "")).startswith("task#")]


def run_states(outcome: Outcome) -> list[dict[str, Any]]:
    return [json.loads(i["state"]) for i in outcome.core if i.get("sk") == "RUN" and "state" in i]


def duplicate_sends(outcome: Outcome) -> Duplicates:
    """Messages that went out twice: the same recipient, template and invoices on the same local day, read from
    moto's SES messages and the fake SMS outbox (template and invoices come from the communication each message
    was logged as). A message sent but logged under no communication is counted apart (``unlogged``): a second
    send of one action overwrites the first one's log entry."""
    by_source = {c["source_id"]: c for c in communications(outcome) if c.get("source_id")}
    seen: Counter[tuple[str, str, str, tuple[str, ...], date]] = Counter()  # channel, to, template, invoices, day
    unlogged = 0
    for message, day in zip(outcome.emails, outcome.email_days, strict=True):
        logged = by_source.get(message.id)
        if logged is None:
            unlogged += 1
            continue
        for to in message.destinations.get("ToAddresses", []):
            seen[("email", to, logged["template_id"], tuple(sorted(logged["invoice_ids"])), day)] += 1
    for sms, day in zip(outcome.sms, outcome.sms_days, strict=True):
        logged = by_source.get(sms.message_id)
        if logged is None:
            unlogged += 1
            continue
        seen[("sms", sms.sms.to_e164, logged["template_id"], tuple(sorted(logged["invoice_ids"])), day)] += 1
    return {"duplicates": sum(n - 1 for n in seen.values() if n > 1), "unlogged": unlogged}


def summary(outcome: Outcome) -> Summary:
    """``summary.json``: counts by kind, money per currency, and what could not be simulated."""
    scenario = outcome.scenario
    runs = run_states(outcome)
    created = [t for t in tasks(outcome) if _day(t["created_at"], scenario.tenant.timezone) >= scenario.start]
    duplicates = duplicate_sends(outcome)
    end = outcome.days[-1]
    currencies = sorted(
        set(outcome.opening_overdue) | set(end.overdue) | {c for d in outcome.days for c in d.collected}
    )
    money: dict[str, Money] = {
        currency: {
            "overdue_at_start": str(outcome.opening_overdue.get(currency, Decimal(0))),
            "overdue_at_end": str(end.overdue.get(currency, Decimal(0))),
            "collected": str(sum((d.collected.get(currency, Decimal(0)) for d in outcome.days), Decimal(0))),
        }
        for currency in currencies
    }
    return {
        "tenant": scenario.tenant.tenant_id,
        "from": scenario.start.isoformat(),
        "to": scenario.end.isoformat(),
        "days": scenario.days,
        "counts": {
            "enrolments": len(runs),
            "emails": len(outcome.emails),
            "sms": len(outcome.sms),
            "tasks": len(created),
            "runs_stopped_on_payment": sum(
                1 for r in runs if r["status"] == "stopped" and r.get("end_reason") == "balance_cleared"
            ),
            "runs_paused_by_promise": outcome.decisions.count("pause", "promise_to_pay"),
            "runs_paused_by_recent_communication": outcome.decisions.count("pause", "recent_communication"),
            "bounces": len(outcome.bounced),
            "alerts_by_code": alerts_by_code(outcome.core),
            "duplicate_sends": duplicates["duplicates"],
            "unlogged_sends": duplicates["unlogged"],
        },
        "enrolments_by_workflow": dict(sorted(Counter(r["workflow_id"] for r in runs).items())),
        "money": money,
        "erp_records_posted": sum(d.posted for d in outcome.days),
        "erp_records_rejected": len(outcome.rejected),
        "runs_not_settled": len(outcome.stuck),
    }


def enrolments_by_node(outcome: Outcome) -> dict[str, dict[str, int]]:
    """Where the runs stand at the end: per workflow, live runs per node, and ended runs per outcome."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for run in run_states(outcome):
        where = run["node_id"] if run["status"] == "active" else f"{run['status']}: {run.get('end_reason') or '-'}"
        table[run["workflow_id"]][where] += 1
    return {wf: dict(sorted(c.items())) for wf, c in sorted(table.items())}


def _day(instant: str, zone: str) -> date:
    return local_date(datetime.fromisoformat(instant.replace("Z", "+00:00")), zone)
