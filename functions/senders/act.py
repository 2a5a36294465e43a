"""Step Functions task: perform one node's action exactly once."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.act import act


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(tenant_id=event.get("tenant_id"), run_id=event.get("run_id"))
    return act(runtime(), event)
