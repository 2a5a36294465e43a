"""Scheduled every minute: resume the enrolments whose time has come, tenant by tenant."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import Scheduled
from shared.usecases.tick import tick


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
@event_parser
def handler(event: Scheduled, context: LambdaContext) -> dict[str, Any]:
    return tick(runtime(), event.tenant_ids)
