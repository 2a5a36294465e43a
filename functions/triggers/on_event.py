"""EventBridge rule target: a ledger or communication event enrols records and wakes running enrolments.

Powertools idempotency keyed on the domain event's id: EventBridge delivers at least once and the webhook
announces a version again when the ERP repeats a call, so a repeated event returns the first result without
running again (the enrolments would be refused by their markers anyway; this spares the reads).
"""

from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import idempotency_store, runtime
from shared.events.contracts import parse_detail
from shared.observability import logger, metrics
from shared.usecases.enrol import handle_event

EVENT_MEMORY_S = 24 * 3600  # a repeat within a day is answered from the record; later, the markers still hold


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True, correlation_id_path="id")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    config = IdempotencyConfig(
        event_key_jmespath="detail.event_id",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EVENT_MEMORY_S,
    )
    config.register_lambda_context(context)
    once = idempotent_function(data_keyword_argument="event", persistence_store=idempotency_store(), config=config)
    result: dict[str, Any] = once(_handle)(event=event)
    return result


def _handle(event: dict[str, Any]) -> dict[str, Any]:
    domain_event = parse_detail(event["detail-type"], event["detail"])
    logger.append_keys(tenant_id=domain_event.tenant_id, customer_id=domain_event.customer_id)
    outcome = handle_event(runtime(), domain_event)
    return {"enrolled": outcome.enrolled, "resumed": outcome.resumed, "not_enrolled": outcome.not_enrolled}
