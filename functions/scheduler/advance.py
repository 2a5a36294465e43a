"""Step Functions task: one turn of an enrolment's loop, or (from the RecordFailure state) its failure."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.advance import advance
from shared.usecases.recovery import record_failure


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(tenant_id=event.get("tenant_id"), run_id=event.get("run_id"))
    if "failure" in event:
        return record_failure(runtime(), event)
    return advance(runtime(), event)
