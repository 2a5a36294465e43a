"""Alert detectors over a week of a busy tenant's messages: how long a scan's pure part takes, and how many
alerts it finds. Prints figures and writes bench/results/alert_detectors.json (never asserted).

    .venv/bin/python -m bench.alert_detectors --messages 50000
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared.domain.alerts.messages import deliverability, duplicate_emails, send_failures
from shared.domain.alerts.models import Candidate
from shared.domain.alerts.volume import VolumeThresholds, unusual_volume
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
STATUSES = [CommunicationStatus.DELIVERED] * 90 + [CommunicationStatus.SENT] * 6 + [CommunicationStatus.BOUNCED] * 3
STATUSES += [CommunicationStatus.BLOCKED]


def messages(count: int, workflows: int, seed: int = 7) -> list[Communication]:
    rng = random.Random(seed)
    return [
        Communication(
            tenant_id="bench",
            id=f"m{n}",
            customer_id=f"c{(customer := rng.randrange(count // 3))}",
            direction=Direction.SENT,
            channel=Channel.EMAIL,
            at=NOW - timedelta(minutes=rng.randrange(7 * 24 * 60)),
            status=rng.choice(STATUSES),
            addresses=(f"ap@c{customer}.example",),
            template_id=f"t{rng.randrange(5)}",
            invoice_ids=(f"i{rng.randrange(count)}",),
            workflow_id=f"wf{rng.randrange(workflows)}",
            node_id="email",
            automated=True,
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--workflows", type=int, default=20)
    args = parser.parse_args()
    data = messages(args.messages, args.workflows)
    figures: dict[str, float | int] = {"messages": len(data), "workflows": args.workflows}
    detectors: list[tuple[str, Callable[[], list[Candidate]]]] = [
        ("duplicates", lambda: duplicate_emails(data, NOW, timedelta(hours=72))),
        ("deliverability", lambda: deliverability(data, NOW, timedelta(days=7))),
        ("send_failures", lambda: send_failures(data, NOW, timedelta(days=7))),
    ]
    for name, detect in detectors:
        start = time.perf_counter()
        found = detect()
        figures[f"{name}_seconds"] = round(time.perf_counter() - start, 3)
        figures[f"{name}_alerts"] = len(found)
    hours = {f"wf{w}": {NOW - timedelta(hours=h): 3 for h in range(15 * 24)} for w in range(args.workflows)}
    start = time.perf_counter()
    unusual_volume(hours, NOW, "Europe/London", VolumeThresholds())
    figures["volume_seconds"] = round(time.perf_counter() - start, 4)
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    out = Path(__file__).parent / "results" / "alert_detectors.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
