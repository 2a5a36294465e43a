"""Benchmark 4: the demo's wall time and peak memory. Runs ``chaseflow demo`` as a child process (the same command
``make demo`` runs, without the environment set-up), prints the figures and writes bench/results/demo.json.

``python -m bench.demo_time [--customers N] [--days N]`` (defaults: the demo's own size).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulation.dataset import DEMO_CUSTOMERS

BUDGET_S = 600  # the 10 minutes, set-up included (the set-up is not timed here)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=None)
    parser.add_argument("--days", type=int, default=None)
    args = parser.parse_args()
    command = [sys.executable, "-m", "cli.main", "demo"]
    command += ["--customers", str(args.customers)] if args.customers else []
    command += ["--days", str(args.days)] if args.days else []
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([*command, "--out", out], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        summary = json.loads((Path(out) / "summary.json").read_text())
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: kibibytes
    figures = {
        "wall_time_s": round(wall, 1),
        "peak_memory_mib": round(peak_kib / 1024, 1),
        "share_of_budget": round(wall / BUDGET_S, 2),
        "days": summary["days"],
        "customers": args.customers or DEMO_CUSTOMERS,
        "simulated_days_per_minute": round(summary["days"] / (wall / 60), 1),
        "enrolments": summary["counts"]["enrolments"],
        "emails": summary["counts"]["emails"],
        "sms": summary["counts"]["sms"],
        "duplicate_sends": summary["counts"]["duplicate_sends"],
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    print(f"demo: {figures['wall_time_s']} s wall ({figures['share_of_budget']:.0%} of the 10 minutes), "
          f"{figures['peak_memory_mib']} MiB peak (RSS) for {figures['customers']} customers over {summary['days']} "
          f"days: {figures['enrolments']} enrolments, {figures['emails']} emails, {figures['sms']} SMS")  # fmt: skip
    out_file = Path(__file__).parent / "results" / "demo.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
