"""The enrolment state machine: one ASL file with placeholders, filled in by the CDK app and the local runtime."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.platform.payloads import StepPayload

ASL_FILE = Path(__file__).resolve().parents[2] / "infra" / "statemachines" / "enrolment.asl.json"
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
MAX_LOOPS_PER_EXECUTION = 200  # ~10 history events per loop: 2,000 events, far below 25,000


def placeholders() -> set[str]:
    return set(PLACEHOLDER.findall(ASL_FILE.read_text(encoding="utf-8")))


def definition(substitutions: Mapping[str, str]) -> dict[str, Any]:
    """The definition with every placeholder substituted; a missing substitution is an error."""
    values = dict(substitutions)
    missing = placeholders() - set(values)
    if missing:
        raise KeyError(f"no value for placeholder(s) {sorted(missing)}")
    text = PLACEHOLDER.sub(lambda m: values[m.group(1)], ASL_FILE.read_text(encoding="utf-8"))
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def execution_name(run_id: str, generation: int) -> str:
    """Execution names make starts idempotent: the same run and generation never start twice."""
    return f"{run_id}-g{generation}"


def execution_input(tenant_id: str, run_id: str, generation: int) -> dict[str, object]:
    first = StepPayload(
        tenant_id=tenant_id,
        run_id=run_id,
        run_pk=run_pk(tenant_id, run_id),
        generation=generation,
        max_loops=MAX_LOOPS_PER_EXECUTION,
    )
    return first.model_dump(mode="json", exclude_none=True)


def run_pk(tenant_id: str, run_id: str) -> str:
    return f"T#{tenant_id}#RUN#{run_id}"
