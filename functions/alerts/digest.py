"""Scheduled hourly: send the daily digest to the tenants whose local digest hour it is (once per local day)."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import Scheduled
from shared.usecases.digest import send_digests


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
@event_parser
def handler(event: Scheduled, context: LambdaContext) -> dict[str, Any]:
    return send_digests(runtime(), event.tenant_ids)
