"""What a forecast reports: one event per thing a workflow would do, and totals by day and workflow."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

EventKind = Literal["enrolled", "email", "sms", "task", "action", "paused", "stopped", "completed"]


@dataclass(frozen=True, slots=True)
class ForecastEvent:
    at: datetime
    day: date
    kind: EventKind
    workflow_id: str
    run_id: str
    record_id: str
    customer_id: str
    node_id: str | None = None
    detail: str = ""
    invoice_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"], data["day"] = self.at.isoformat(), self.day.isoformat()
        data["invoice_ids"] = list(self.invoice_ids)
        return data

    def line(self) -> str:
        what = f"{self.kind:<9} {self.workflow_id} · {self.record_id}"
        where = f" @ {self.node_id}" if self.node_id else ""
        return f"{self.at.strftime('%Y-%m-%d %H:%M')}Z  {what}{where}" + (f" — {self.detail}" if self.detail else "")


@dataclass
class Forecast:
    start: date
    days: int
    events: list[ForecastEvent] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return dict(sorted(Counter(e.kind for e in self.events).items()))

    def by_workflow(self) -> dict[str, dict[str, int]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for event in self.events:
            table[event.workflow_id][event.kind] += 1
        return {wf: dict(sorted(counts.items())) for wf, counts in sorted(table.items())}

    def by_day(self) -> dict[str, dict[str, int]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for event in self.events:
            table[event.day.isoformat()][event.kind] += 1
        return {day: dict(sorted(counts.items())) for day, counts in sorted(table.items())}

    def reasons(self, kind: EventKind) -> dict[str, int]:
        return dict(sorted(Counter(e.detail.split(":")[0] for e in self.events if e.kind == kind).items()))

    def for_record(self, record_id: str) -> list[ForecastEvent]:
        return [e for e in self.events if e.record_id == record_id or e.customer_id == record_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "totals": self.totals(),
            "by_workflow": self.by_workflow(),
            "by_day": self.by_day(),
            "stopped": self.reasons("stopped"),
            "paused": self.reasons("paused"),
            "events": [e.to_dict() for e in self.events],
        }
