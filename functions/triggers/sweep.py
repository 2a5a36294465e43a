"""Invoked by the tick, one shard at a time: enrol the records of the continuous workflows due together."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.usecases.sweep import SweepShard, sweep


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    shard = SweepShard(**{**event, "workflow_ids": tuple(event["workflow_ids"])})
    logger.append_keys(tenant_id=shard.tenant_id, workflow_ids=shard.workflow_ids, shard=shard.shard)
    return {"enrolled": sweep(runtime(), shard)}
