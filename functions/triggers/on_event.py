"""EventBridge rule target: a ledger or communication event enrols records and wakes running enrolments."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.events.contracts import parse_detail
from shared.observability import logger
from shared.usecases.enrol import handle_event


@logger.inject_lambda_context(log_event=False, clear_state=True, correlation_id_path="id")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    domain_event = parse_detail(event["detail-type"], event["detail"])
    logger.append_keys(tenant_id=domain_event.tenant_id, customer_id=domain_event.customer_id)
    outcome = handle_event(runtime(), domain_event)
    return {"enrolled": outcome.enrolled, "resumed": outcome.resumed, "not_enrolled": outcome.not_enrolled}
