"""HTTP API (payload v2): an ERP posts a signed batch of ledger records for one tenant."""

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.responses import BatchRefused, BatchReport, BodyRefused, Refusal, answer
from functions.wiring import runtime
from shared.domain.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    BatchTooLarge,
    BodyInvalid,
    RequestExpired,
    SignatureInvalid,
)
from shared.errors import RetryableError
from shared.observability import logger
from shared.usecases.ingest import SignedRequest, TenantUnknown, receive_records

app = APIGatewayHttpResolver()


@app.post(
    "/v1/tenants/<tenant_id>/records",
    summary="Post a signed batch of ledger records",
    description=(
        "The ERP's new and changed records for one tenant, at most 500 a call, each applied on its own: valid "
        "records are stored unless a newer version is held, invalid ones come back with field-level errors. "
        f'Signed with the tenant\'s secret: `{SIGNATURE_HEADER}: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`'
        f" with `{TIMESTAMP_HEADER}` in unix seconds, within five minutes of the server's clock. The domain "
        "events the changes imply are published after the whole batch is stored (docs/events.md)."
    ),
    tags=["webhooks"],
    responses={
        200: answer("every record was applied, or was already held (stale)", BatchReport),
        207: answer("some records were rejected, the others applied or stale: read the body", BatchReport),
        400: answer('the body is not UTF-8 JSON, or not exactly {"records": [...]}', BodyRefused),
        401: answer("a signature header is missing or wrong, or the timestamp is outside the window", Refusal),
        404: answer("unknown tenant (no webhook secret, or no settings)", Refusal),
        413: answer("more than 500 records in one call: page them", BatchRefused),
        422: answer("every record was rejected; nothing was stored", BatchReport),
        503: answer(
            "Secrets Manager or EventBridge failed for now: retry the same call later",
            Refusal,
            {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}},
        ),
    },
)
def post_records(tenant_id: str) -> Response[str]:
    event = app.current_event
    logger.append_keys(tenant_id=tenant_id, source_ip=event.request_context.http.source_ip)
    raw = event.body or ""  # the signature covers the bytes as sent
    body = base64.b64decode(raw) if event.is_base64_encoded else raw.encode("utf-8")
    request = SignedRequest(event.headers.get(TIMESTAMP_HEADER), event.headers.get(SIGNATURE_HEADER), body)
    report = receive_records(runtime(), tenant_id, request)
    return _json(report.status_code, report.body())


@app.exception_handler(  # type: ignore[untyped-decorator]  # Powertools does not annotate this decorator
    [SignatureInvalid, RequestExpired, TenantUnknown, BodyInvalid, BatchTooLarge, RetryableError]
)
def _refused(error: Exception) -> Response[str]:
    """The request as a whole is refused (the use case logged why, never the body), or must be retried."""
    if isinstance(error, SignatureInvalid):
        return _json(401, {"message": "invalid signature"})
    if isinstance(error, RequestExpired):
        return _json(401, {"message": "request expired: the timestamp must be within five minutes of now"})
    if isinstance(error, TenantUnknown):
        return _json(404, {"message": "unknown tenant"})
    if isinstance(error, BodyInvalid):
        return _json(400, {"message": "invalid body", "errors": [e.model_dump() for e in error.errors]})
    if isinstance(error, BatchTooLarge):
        return _json(413, {"message": str(error), "records": error.count})
    logger.warning("webhook not applied; the ERP should retry", extra={"error": type(error).__name__})
    return _json(503, {"message": "temporarily unavailable, retry later"}, {"Retry-After": "30"})


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status, "application/json", json.dumps(body), headers)


@logger.inject_lambda_context(log_event=False, clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
