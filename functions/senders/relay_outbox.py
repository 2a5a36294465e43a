"""DynamoDB stream of the outbox table: publish each new event on the bus. A record that fails is reported alone
(partial batch response), so the stream retries it without publishing the others again."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord, DynamoDBRecordEventName
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.wiring import runtime
from shared.observability import logger
from shared.usecases.relay import relay

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def _record(record: DynamoDBRecord) -> None:
    if record.event_name is not DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return  # a put again of the same event (MODIFY), or its expiry (REMOVE): nothing new to publish
    item = record.dynamodb.new_image
    relay(runtime(), str(item["detail_type"]), str(item["detail"]))


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    failures = process_partial_response(event=event, record_handler=_record, processor=processor, context=context)
    return dict(failures)
