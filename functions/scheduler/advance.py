"""Step Functions task: one turn of an enrolment's loop, or (from the RecordFailure state) its failure."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import FailurePayload, StepPayload, to_output
from shared.usecases.advance import advance
from shared.usecases.recovery import record_failure


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
@event_parser(model=StepPayload | FailurePayload)  # a union: Powertools parses with a TypeAdapter
def handler(event: StepPayload | FailurePayload, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(tenant_id=event.tenant_id, run_id=event.run_id)
    if isinstance(event, FailurePayload):
        return to_output(record_failure(runtime(), event))
    return to_output(advance(runtime(), event))
