"""Step Functions task: hand a long-running enrolment to a fresh execution (the history limit)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.continue_as_new import continue_as_new


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return continue_as_new(runtime(), event)
