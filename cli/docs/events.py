"""The event catalogue (``docs/events.md``) and one JSON Schema per contract (``docs/events/*.schema.json``).

Everything comes from the code: the contracts of ``shared/events/`` (source, detail-type, version, model and its
docstrings), the functions whose imports name a contract (its publishers), and the functions whose rule on the
custom bus matches it (``shared/platform/functions.py``, its consumers).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from cli.docs.code import publishers
from cli.docs.schema_text import fields_table
from shared.events import contracts, ses, sms
from shared.events.contracts import CONTRACTS, DomainEvent
from shared.platform.functions import FUNCTIONS, ON_DELIVERY_EVENT, SES_EVENT_TYPES, FunctionSpec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "docs/events"

# AWS publishes these to the default bus only; the CDK app's default-bus rules forward ours to the custom bus
# (infra/components/events.py). No code of ours publishes them, so the words are written here.
AWS_PUBLISHERS = {
    ses.__name__: "Amazon SES, through the stage's configuration set (`chaseflow-<stage>-email`), to the default "
    "bus; a default-bus rule forwards the events of that configuration set to the custom bus. The same records "
    "may arrive through SNS instead (`Records[].Sns.Message`); `shared.events.ses.ses_events` reads both forms.",
    sms.__name__: "AWS End User Messaging SMS, to the default bus; a default-bus rule forwards the events whose "
    "`context` names a tenant (texts we sent) to the custom bus.",
}


@dataclass(frozen=True)
class Contract:
    name: str  # the model's class name: the schema's file name and the section's title
    model: type[BaseModel]
    source: str
    detail_types: tuple[str, ...]
    version: str | None  # None: AWS's own event, versioned by AWS

    @property
    def schema_path(self) -> str:
        return f"{SCHEMA_DIR}/{self.name}.schema.json"


def all_contracts() -> list[Contract]:
    """The domain events in their declaration order, then the AWS events the delivery function reads."""
    found = [Contract(name, cls, cls.SOURCE, (name,), cls.VERSION) for name, cls in CONTRACTS.items()]
    found.append(Contract("SesEvent", ses.SesEvent, "aws.ses", tuple(SES_EVENT_TYPES), None))
    found.append(Contract("SmsDeliveryEvent", sms.SmsDeliveryEvent, sms.SMS_SOURCE, (sms.SMS_EVENT_TYPE,), None))
    return found


def json_schema(contract: Contract) -> dict[str, Any]:
    """The detail's JSON Schema (draft 2020-12, validation mode, by alias: what arrives on the wire)."""
    schema = contract.model.model_json_schema()
    eventbridge: dict[str, Any] = {"source": contract.source, "detail-types": list(contract.detail_types)}
    if contract.version is not None:
        eventbridge["version"] = contract.version
    return {"$schema": DRAFT, "$id": f"{contract.name}.schema.json", **schema, "x-eventbridge": eventbridge}


def consumers(contract: Contract) -> list[FunctionSpec]:
    """The functions whose rule on the custom bus matches the contract's source and one of its detail-types."""
    found = []
    for spec in FUNCTIONS:
        pattern = spec.rule_pattern
        if pattern is None:
            continue
        if set(pattern) - {"source", "detail-type"}:  # a richer pattern needs matching rules written here
            raise ValueError(f"{spec.key}: the catalogue matches only source and detail-type, not {sorted(pattern)}")
        if contract.source in pattern["source"] and set(contract.detail_types) & set(pattern["detail-type"]):
            found.append(spec)
    return found


def _publisher_lines(contract: Contract) -> list[str]:
    if contract.model.__module__ in AWS_PUBLISHERS:
        return [AWS_PUBLISHERS[contract.model.__module__]]
    return [
        f"`{spec.key}` (`{spec.handler}`), through {', '.join(f'`{m}`' for m in modules)}"
        for spec, modules in publishers(contract.name)
    ] or ["no function publishes it yet"]


def _consumer_lines(contract: Contract) -> list[str]:
    lines = []
    for spec in consumers(contract):
        effects = []
        model = contract.model
        if issubclass(model, DomainEvent) and model.TRIGGER is not None:
            effects.append(f"enrols records in the active workflows triggered by `{model.TRIGGER.value}`")
        if issubclass(model, DomainEvent) and model.REEVALUATES_RUNS:
            effects.append("wakes the customer's parked runs, which evaluate again at once")
        if not effects:
            effects.append(spec.description[0].lower() + spec.description[1:])
        lines.append(f"`{spec.key}` (`{spec.handler}`, rule on the custom bus): {'; '.join(effects)}")
    return lines or ["no rule of ours: published for other consumers"]


def _section(contract: Contract) -> list[str]:
    schema = json_schema(contract)
    types = ", ".join(f"`{t}`" for t in contract.detail_types)
    facts = [
        "| | |",
        "|---|---|",
        f"| Source | `{contract.source}` |",
        f"| Detail-type | {types} |",
        f"| Version | {contract.version if contract.version is not None else 'as AWS publishes it'} |",
        f"| Model | `{contract.model.__module__}.{contract.model.__qualname__}` |",
        f"| JSON Schema | [{contract.name}.schema.json](events/{contract.name}.schema.json) |",
    ]
    lines = [f"### {contract.name}", "", inspect.cleandoc(contract.model.__doc__ or ""), "", *facts, ""]
    lines += ["Published by:", "", *(f"- {line}" for line in _publisher_lines(contract)), ""]
    lines += ["Consumed by:", "", *(f"- {line}" for line in _consumer_lines(contract)), ""]
    lines += ["Fields of `detail`:", "", *fields_table(schema), ""]
    for name, definition in sorted(schema.get("$defs", {}).items()):
        if "properties" in definition:
            lines += [f"`{name}`:", "", *fields_table(definition), ""]
    return lines


INTRO = f"""# Event catalogue

<!-- Generated by `make docs` from shared/events/ and shared/platform/functions.py: edit those, not this file. -->

Chaseflow announces what happens to the ledger and to its messages as events on its own EventBridge bus
(`chaseflow-<stage>-bus`, archived). They are a public API: an ERP connector or another team may put its own rule
on the bus. Each event's `source` and `detail-type` are those below, and its `detail` is the JSON of the contract's
pydantic model; the JSON Schema of every `detail` is in `docs/events/`. The version is the contract's
(`{DomainEvent.VERSION}` today); the event does not carry it.

Every domain event has a deterministic `event_id`: an announcement repeated (the ERP retried a webhook call, a
delivery event came twice) carries the same id. Consumers should be idempotent on it, as ours is: `on_event`
remembers the ids it handled for 24 hours (Powertools idempotency on `detail.event_id`), and enrolment markers
hold after that. docs/architecture.md shows where each event comes from and what it sets off.

*Published by* lists the deployed functions whose code (the handler and what it imports) names the contract;
*consumed by*, the functions whose rule on the custom bus matches its source and detail-type
(`shared/platform/functions.py`). The delivery function (`{ON_DELIVERY_EVENT.key}`) also reads the AWS events at the
end of this page, forwarded to the custom bus from the default bus.
"""


def _summary(found: list[Contract]) -> list[str]:
    rows = ["| Detail-type | Source | Published by | Consumed by |", "|---|---|---|---|"]
    for contract in found:
        published = ", ".join(f"`{s.key}`" for s, _ in publishers(contract.name))
        if contract.model.__module__ in AWS_PUBLISHERS:
            published = "AWS"
        consumed = ", ".join(f"`{s.key}`" for s in consumers(contract)) or "—"
        for detail_type in contract.detail_types:
            link = f"[{detail_type}](#{contract.name.lower()})"
            rows.append(f"| {link} | `{contract.source}` | {published or '—'} | {consumed} |")
    return rows


def markdown() -> str:
    found = all_contracts()
    lines = [INTRO, *_summary(found), ""]
    titles = {contracts.LEDGER_SOURCE: "Ledger events", contracts.COMMS_SOURCE: "Communication events"}
    sources = dict.fromkeys(c.source for c in found if c.version is not None)  # in declaration order
    for source in sources:
        lines += [f"## {titles.get(source, 'Events')} (`{source}`)", ""]
        for contract in found:
            if contract.source == source and contract.version is not None:
                lines += _section(contract)
    lines += ["## AWS events we consume", ""]
    for contract in found:
        if contract.version is None:
            lines += _section(contract)
    return "\n".join(lines).rstrip("\n") + "\n"


def documents(dump_json: Any) -> dict[str, str]:
    """``docs/events.md`` and every contract's schema file, by path from the repository's root."""
    found = {"docs/events.md": markdown()}
    for contract in all_contracts():
        found[contract.schema_path] = dump_json(json_schema(contract))
    return found
