"""Step Functions task: hand a long-running enrolment to a fresh execution (the history limit)."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.platform.payloads import StepPayload, to_output
from shared.usecases.continue_as_new import continue_as_new


@logger.inject_lambda_context(log_event=False, clear_state=True)
@event_parser
def handler(event: StepPayload, context: LambdaContext) -> dict[str, Any]:
    return to_output(continue_as_new(runtime(), event))
