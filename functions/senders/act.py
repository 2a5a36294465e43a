"""Step Functions task: perform one node's action exactly once."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import StepPayload, to_output
from shared.usecases.act import act


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
@event_parser
def handler(event: StepPayload, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(tenant_id=event.tenant_id, run_id=event.run_id)
    return to_output(act(runtime(), event))
