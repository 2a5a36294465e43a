"""Scheduled every 15 minutes: run the alert detectors for every tenant and reconcile its alerts."""

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger, metrics
from shared.platform.payloads import Scheduled
from shared.usecases.alerts import scan


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False)
@event_parser
def handler(event: Scheduled, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    tenants = event.tenant_ids or rt.ledger.tenant_ids()
    return {tenant_id: scan(rt, tenant_id) for tenant_id in tenants}
