"""SES configuration-set events (EventBridge, forwarded from the default bus, or SNS) and End User Messaging SMS
delivery events (EventBridge, forwarded likewise): mark the message and the contact, and announce bounces,
complaints and undelivered texts."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.events.ses import ses_events
from shared.events.sms import sms_events
from shared.observability import logger, metrics
from shared.usecases.deliverability import on_ses_events, on_sms_events


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    texts = sms_events(event)
    if texts:
        outcome = on_sms_events(rt, texts, rt.publisher.publish)
    else:
        outcome = on_ses_events(rt, ses_events(event), rt.publisher.publish)
    return {
        "messages": outcome.messages,
        "contacts_marked": outcome.contacts_marked,
        "events": len(outcome.events),
        "ignored": outcome.ignored,
    }
