"""Scheduled every minute: resume the enrolments whose time has come, tenant by tenant."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.tick import tick


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return tick(runtime(), event.get("tenant_ids"))
