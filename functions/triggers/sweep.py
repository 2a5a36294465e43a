"""Invoked by the tick, one shard at a time: enrol the records of the continuous workflows due together."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import SweepShard
from shared.usecases.sweep import sweep


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
@event_parser
def handler(event: SweepShard, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(tenant_id=event.tenant_id, workflow_ids=event.workflow_ids, shard=event.shard)
    return {"enrolled": sweep(runtime(), event)}
