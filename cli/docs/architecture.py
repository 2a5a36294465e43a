"""The parts of ``docs/architecture.md`` that are facts of the code, written between markers so that the prose
around them stays hand-written: the state machine's diagram (from the ASL file), the tables and indexes and the
functions (from ``shared/platform``), the metric names (from ``shared/adapters/metrics.py``). A block that no
longer matches the code fails the freshness test."""

from __future__ import annotations

import json
import re
from typing import Any

from shared.adapters.metrics import COUNTS
from shared.platform.functions import FUNCTIONS, FunctionSpec
from shared.platform.statemachine import ASL_FILE
from shared.platform.tables import TABLES

BLOCK = re.compile(r"(<!-- generated: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def refresh(text: str) -> str:
    """``text`` with every generated block written afresh; an unknown or missing block is an error."""
    makers = {"state-machine": state_machine, "tables": tables, "functions": functions, "metrics": metrics}
    seen = set()

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in makers:
            raise ValueError(f"docs/architecture.md: unknown generated block {name!r}")
        seen.add(name)
        return match.group(1) + makers[name]() + match.group(4)

    refreshed = BLOCK.sub(fill, text)
    if seen != set(makers):
        raise ValueError(f"docs/architecture.md: missing generated blocks {sorted(set(makers) - seen)}")
    return refreshed


# --- the state machine ------------------------------------------------------------------------------------------


def _condition(rule: dict[str, Any]) -> str:
    """A Choice rule in words (the operators the definition uses; anything else is shown as it is written)."""
    if "And" in rule:
        return " and ".join(_condition(r) for r in rule["And"])
    variable = rule.get("Variable", "").removeprefix("$.")
    for key, word in (("StringEquals", "="), ("NumericGreaterThanEqualsPath", "≥"), ("NumericEquals", "=")):
        if key in rule:
            value = rule[key]
            return f"{variable} {word} {value.removeprefix('$.') if key.endswith('Path') else value}"
    return json.dumps(rule, sort_keys=True)


def _errors(names: list[str]) -> str:
    # DynamoDb.X and DynamoDB.X are the same error as two SDK versions spell it
    return "error: " + ", ".join(sorted({name.rsplit(".", 1)[-1] for name in names}))


def transitions(definition: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(from, to, label) of every transition of the definition, in the file's order; ``[*]`` starts and ends."""
    found = [("[*]", definition["StartAt"], "")]
    for name, state in definition["States"].items():
        for rule in state.get("Choices", []):
            found.append((name, rule["Next"], _condition(rule)))
        if "Default" in state:
            found.append((name, state["Default"], "otherwise"))
        if "Next" in state:
            found.append((name, state["Next"], "resumed" if "waitForTaskToken" in state.get("Resource", "") else ""))
        for catch in state.get("Catch", []):
            found.append((name, catch["Next"], _errors(catch["ErrorEquals"])))
        if state["Type"] in ("Succeed", "Fail"):
            found.append((name, "[*]", state["Type"].lower()))
    return found


def state_machine() -> str:
    definition = json.loads(ASL_FILE.read_text(encoding="utf-8"))
    lines = ["```mermaid", "stateDiagram-v2"]
    for name, state in definition["States"].items():
        resource = state.get("Resource", "").rsplit(":::", 1)[-1]
        if resource:
            lines.append(f"    {name} : {name} — {resource}")
    for source, target, label in transitions(definition):
        lines.append(f"    {source} --> {target}" + (f" : {label}" if label else ""))
    return "\n".join([*lines, "```", ""])


# --- tables and functions ---------------------------------------------------------------------------------------


def tables() -> str:
    rows = ["| Table | Keys | Indexes | TTL attribute |", "|---|---|---|---|"]
    for table in TABLES:
        keys = " / ".join(f"`{k}`" for k in (table.partition_key, table.sort_key) if k)
        indexes = "<br>".join(
            f"`{i.name}`: `{i.partition_key}`" + (f" / `{i.sort_key}`" if i.sort_key else "") + f" ({i.projection})"
            for i in table.indexes
        )
        ttl = f"`{table.ttl_attribute}`" if table.ttl_attribute else "—"
        rows.append(f"| `chaseflow-<stage>-{table.key}` | {keys} | {indexes or '—'} | {ttl} |")
    return "\n".join(rows) + "\n"


def _invoked_by(spec: FunctionSpec) -> str:
    ways = []
    if spec.rule_pattern is not None:
        ways.append("a rule on the custom bus: " + ", ".join(f"`{t}`" for t in spec.rule_pattern["detail-type"]))
    if spec.schedule:
        ways.append(f"EventBridge Scheduler, `{spec.schedule}`")
    if spec.state_machine_task:
        ways.append("the enrolment state machine")
    if spec.api_routes:
        ways.append(f"the HTTP API ({len(spec.api_routes)} route{'s' if len(spec.api_routes) > 1 else ''})")
    callers = [f"`{other.key}`" for other in FUNCTIONS if f"invoke_{spec.key}" in other.needs]
    if callers:  # the need ``invoke_<key>`` grants lambda:InvokeFunction on that function
        ways.append(f"{', '.join(callers)}, asynchronously")
    return "; ".join(ways)


def functions() -> str:
    rows = ["| Function | Handler | Invoked by | What it does |", "|---|---|---|---|"]
    for spec in FUNCTIONS:
        rows.append(f"| `{spec.key}` | `{spec.handler}` | {_invoked_by(spec)} | {spec.description} |")
    return "\n".join(rows) + "\n"


def metrics() -> str:
    return "".join(f"- `{name}`\n" for name in sorted(COUNTS))
