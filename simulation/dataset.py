"""The demo's data set: the generator's ledger history up to the last simulated day, as the ERP would export it,
plus the mailboxes that do not exist (SES bounces what is sent to them). Deterministic from the seed."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from simulation.generator import TENANT, generate

SIMULATION_FILE = "simulation.json"  # beside the ledger files: what a simulation needs that an ERP does not export
DEMO_START = date(2026, 9, 7)  # a Monday
DEMO_DAYS = 60
DEMO_CUSTOMERS = 200  # about 2,900 invoices over 60 days, within the 10-minute budget (docs/decisions.md)
BOUNCING_SHARE = 0.03  # of the deliverable contacts: addresses that look fine and bounce when mailed


def demo_data(customers: int, start: date, days: int, seed: int = 7) -> dict[str, Any]:
    """Every file of the demo's ledger folder, by name (``tenant``, ``customers`` … and ``simulation``)."""
    end = start + timedelta(days=days - 1)
    data: dict[str, Any] = {"tenant": dict(TENANT), **generate(customers, end, seed)}
    # The engine sends the reminders of the simulated period itself: keep the generated history of sent messages
    # before it, and every received reply (an ERP or mailbox fact).
    data["communications"] = [
        c for c in data["communications"] if c["direction"] == "received" or c["at"][:10] < start.isoformat()
    ]
    rng = random.Random(seed)
    deliverable = sorted(c["email"] for c in data["contacts"] if c["deliverability"] == "OK" and c["email"])
    bouncing = sorted(rng.sample(deliverable, max(1, round(len(deliverable) * BOUNCING_SHARE))))
    data[SIMULATION_FILE.removesuffix(".json")] = {"bouncing_addresses": bouncing}
    return data


def write(data: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in data.items():
        (folder / f"{name}.json").write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", "utf-8")
