"""The engine's decisions as its structured logs state them (``advance`` logs ``decided`` with the run, the kind
and the reason): what CloudWatch Logs Insights would query in production, captured in-process here, so that the
summary counts pauses by reason without a second source of truth."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict


class DecisionLog(logging.Handler):
    """Collects, per decision kind and reason, the runs that got it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self._lock_runs = threading.Lock()
        self.runs: dict[tuple[str, str], set[str]] = defaultdict(set)

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() != "decided":
            return
        kind, reason, run_id = (getattr(record, name, None) for name in ("kind", "reason", "run_id"))
        if isinstance(kind, str) and isinstance(reason, str) and isinstance(run_id, str):
            with self._lock_runs:
                self.runs[(kind, reason)].add(run_id)

    def count(self, kind: str, reason: str) -> int:
        with self._lock_runs:
            return len(self.runs.get((kind, reason), set()))


def capture(service: str = "chaseflow") -> DecisionLog:
    """Route the service's logs to a ``DecisionLog`` instead of stdout (a simulation prints its own progress)."""
    handler = DecisionLog()
    service_logger = logging.getLogger(service)
    service_logger.handlers = [handler]
    service_logger.setLevel(logging.INFO)
    service_logger.propagate = False
    return handler
