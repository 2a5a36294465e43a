"""Generate the example ledger (``examples/ledger/``): ``python -m examples.generate_ledger --out examples/ledger
--customers 40 --as-of 2026-11-02``. The generator itself is ``simulation.generator`` (the demo uses it
for its bigger data set)."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from simulation.generator import TENANT, generate

__all__ = ["TENANT", "generate", "main"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("examples/ledger"))
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 2))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data = generate(args.customers, args.as_of, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in {"tenant": TENANT, **data}.items():
        (args.out / f"{name}.json").write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in data["invoices"]:
        if invoice["due_on"] < args.as_of.isoformat():
            overdue[invoice["currency"]] += Decimal(invoice["balance"])
    print(", ".join(f"{len(rows)} {name}" for name, rows in data.items()))
    print("overdue on", args.as_of, ", ".join(f"{cur} {amount:,}" for cur, amount in sorted(overdue.items())))


if __name__ == "__main__":
    main()
