"""Invoked by the tick, one shard at a time: enrol the records of a continuous workflow."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.sweep import SweepShard, sweep


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    shard = SweepShard(**event)
    logger.append_keys(tenant_id=shard.tenant_id, workflow_id=shard.workflow_id, shard=shard.shard)
    return {"enrolled": sweep(runtime(), shard)}
