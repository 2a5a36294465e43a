"""Prices (us-east-1 list prices, on-demand) and the figures of the cost benchmark: what was measured, what it costs
per 1,000 enrolments, and the floor no implementation of this sequence can go below."""

from __future__ import annotations

from typing import Any

from bench.meters import CallCounter, DynamoDBUnits, LambdaTimer, Session, Switch

# USD, us-east-1 on-demand list prices from AWS's pricing pages (docs/decisions.md, 2026-12-01: how the benchmarks
# measure cost and throughput)
PRICES = {
    "sfn_standard_transition": 0.025 / 1000,
    "lambda_arm64_request": 0.20 / 1_000_000,
    "lambda_arm64_gb_second": 0.0000133334,
    "ddb_on_demand_wru": 0.625 / 1_000_000,
    "ddb_on_demand_rru": 0.125 / 1_000_000,
    "eventbridge_custom_event": 1.00 / 1_000_000,
    "ses_message": 0.10 / 1000,
}
STEPS, EMAILS = 5, 3  # the benchmark's sequence: 5 acting steps over 30 days, 3 of them emails
FLOOR = {  # per enrolment
    "sfn_transitions": 1 + 3 * STEPS + 1,
    "lambda_invocations": 1 + STEPS,
    "ddb_wru": 4 + 3 * STEPS,
    "ddb_rru": 1 + STEPS,
    "eventbridge_events": 1,
    "ses_messages": EMAILS,
}
FLOOR_EXPLAINED = (
    "floor per enrolment: Step Functions 1 start + 5 steps x (act, park, resume) + 1 end = 17 transitions; "
    "Lambda 1 enrolment + 1 per step = 6 invocations; DynamoDB 4 WRU to enrol exactly once (run item + dedupe "
    "marker in one transaction: 2 items x 2) + 3 WRU per step (the action's exactly-once marker, the run's new "
    "state, the parked task token) = 19 WRU, 1 RRU to read the record at enrolment + 1 per step to read the run = "
    "6 RRU; EventBridge 1 event (the ERP's invoice); SES 3 messages. GB-seconds have no floor."
)


class Meters:
    def __init__(self, session: Session) -> None:
        self.switch = Switch()
        self.calls = CallCounter(session, self.switch)
        self.units = DynamoDBUnits(session, self.switch)
        self.lambdas: LambdaTimer | None = None

    def start(self) -> None:
        self.switch.on = True

    def stop(self) -> None:
        self.switch.on = False


def figures(meters: Meters, transitions: int, enrolments: int, ticks: int) -> dict[str, Any]:
    assert meters.lambdas is not None
    calls, units, lambdas = meters.calls.calls, meters.units, meters.lambdas
    invocations = sum(lambdas.invocations.values())
    per = {  # measured, per enrolment
        "sfn_transitions": transitions / enrolments,
        "lambda_invocations": invocations / enrolments,
        "lambda_gb_seconds": lambdas.billed_gb_s / enrolments,
        "ddb_wru": units.estimated["write"] / enrolments,
        "ddb_rru": units.estimated["read"] / enrolments,
        "eventbridge_events": meters.calls.events_put / enrolments,
        "ses_messages": calls["sesv2.SendEmail"] / enrolments,
    }
    cost = _cost(per)
    floor = _cost({**FLOOR, "lambda_gb_seconds": 0.0})
    return {
        "enrolments": enrolments,
        "ticks": ticks,
        "per_enrolment": {k: round(v, 3) for k, v in per.items()},
        "floor_per_enrolment": FLOOR,
        "ddb_units_reported_by_moto_per_enrolment": {k: round(v / enrolments, 2) for k, v in units.reported.items()},
        "lambda_invocations_by_function_per_enrolment": {
            k: round(v / enrolments, 2) for k, v in sorted(lambdas.invocations.items())
        },
        "lambda_mean_billed_ms": round(lambdas.billed_ms / max(invocations, 1), 1),
        "aws_calls_per_enrolment": round(sum(calls.values()) / enrolments, 1),
        "aws_calls_by_operation_per_enrolment": {k: round(v / enrolments, 2) for k, v in sorted(calls.items())},
        "cost_per_1000_enrolments_usd": {k: round(v * 1000, 4) for k, v in cost.items()},
        "cost_per_1000_enrolments_total_usd": round(sum(cost.values()) * 1000, 4),
        "floor_per_1000_enrolments_usd": {k: round(v * 1000, 4) for k, v in floor.items()},
        "floor_per_1000_enrolments_total_usd": round(sum(floor.values()) * 1000, 4),
        "ratio_to_floor": round(sum(cost.values()) / sum(floor.values()), 2),
        "prices_usd": PRICES,
        "floor_explained": FLOOR_EXPLAINED,
        "notes": "Lambda GB-s = FunctionSpec memory x in-process duration on moto (1 ms granularity), an estimate: "
        "AWS network latency is absent, moto's emulation is included. DynamoDB units follow on-demand billing rules "
        "on the bytes sent and received; moto's own ConsumedCapacity (a constant per call) is shown beside.",
    }


def _cost(per: dict[str, float]) -> dict[str, float]:
    return {
        "step_functions": per["sfn_transitions"] * PRICES["sfn_standard_transition"],
        "lambda": per["lambda_invocations"] * PRICES["lambda_arm64_request"]
        + per["lambda_gb_seconds"] * PRICES["lambda_arm64_gb_second"],
        "dynamodb": per["ddb_wru"] * PRICES["ddb_on_demand_wru"] + per["ddb_rru"] * PRICES["ddb_on_demand_rru"],
        "eventbridge": per["eventbridge_events"] * PRICES["eventbridge_custom_event"],
        "ses": per["ses_messages"] * PRICES["ses_message"],
    }
