"""The HTTP API as API Gateway (HTTP API, payload format 2.0) would run it locally: match the request to a route key
of the platform's function list, build the event the function receives, invoke the function through Lambda, and
turn its proxy response back into HTTP.

Route matching follows API Gateway's rule: the route with the most literal path segments wins; ``{name}`` matches
one segment. Bodies of text media types arrive as text, others base64-encoded (``isBase64Encoded``), as HTTP APIs
infer from ``Content-Type``.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict
from urllib.parse import parse_qsl, urlsplit

import boto3

from emulator.stack import ACCOUNT, REGION
from shared.platform.functions import FUNCTIONS

API_ID = "local"
_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|xml|javascript|x-www-form-urlencoded|yaml|.*\+json|.*\+xml))$")


@dataclass(frozen=True)
class Route:
    route_key: str  # "POST /v1/tenants/{tenant_id}/records"
    function_key: str
    method: str = field(init=False)
    segments: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        method, _, path = self.route_key.partition(" ")
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "segments", tuple(path.strip("/").split("/")))

    @property
    def literals(self) -> int:
        return sum(not s.startswith("{") for s in self.segments)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when the request matches this route, else None."""
        parts = path.strip("/").split("/")
        if method != self.method or len(parts) != len(self.segments):
            return None
        parameters: dict[str, str] = {}
        for pattern, part in zip(self.segments, parts, strict=True):
            if pattern.startswith("{"):
                if not part:
                    return None
                parameters[pattern.strip("{}")] = part
            elif pattern != part:
                return None
        return parameters


def routes() -> list[Route]:
    """Every route of every function, most specific first."""
    found = [Route(key, spec.key) for spec in FUNCTIONS for key in spec.api_routes]
    return sorted(found, key=lambda r: -r.literals)


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string, as in the request line
    headers: Sequence[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


class HttpContext(TypedDict):
    method: str
    path: str
    protocol: str
    sourceIp: str
    userAgent: NotRequired[str]


class RequestContext(TypedDict):
    accountId: str
    apiId: str
    domainName: NotRequired[str]
    domainPrefix: NotRequired[str]
    http: HttpContext
    requestId: str
    routeKey: str
    stage: str
    time: str  # 12/Nov/2026:09:00:00 +0000
    timeEpoch: int  # milliseconds


class HttpApiEvent(TypedDict):
    """The event an HTTP API (payload format 2.0) sends to its function."""

    version: str
    routeKey: str
    rawPath: str
    rawQueryString: str
    headers: dict[str, str]
    requestContext: RequestContext
    isBase64Encoded: bool
    cookies: NotRequired[list[str]]
    queryStringParameters: NotRequired[dict[str, str]]
    pathParameters: NotRequired[dict[str, str]]
    body: NotRequired[str]


def event_for(request: HttpRequest, route: Route, parameters: dict[str, str], now: datetime) -> HttpApiEvent:
    """The payload-2.0 event API Gateway sends for ``request`` (headers lower-cased, repeated ones comma-joined)."""
    url = urlsplit(request.target)
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        key = name.lower()
        if key == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
            continue
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    as_text = _TEXT_TYPES.match(content_type) is not None and "content-encoding" not in headers
    try:
        body, encoded = (request.body.decode("utf-8"), False) if as_text else (None, True)
    except UnicodeDecodeError:
        body, encoded = None, True
    if body is None:
        body = base64.b64encode(request.body).decode("ascii")
    host = headers.get("host", "localhost")
    event: HttpApiEvent = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method,
                "path": url.path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if parameters:
        event["pathParameters"] = parameters
    if request.body:
        event["body"] = body
    return event


class HttpApi:
    """Route requests to the functions of a provisioned local stack (``function_arns``: key → ARN)."""

    def __init__(self, function_arns: Mapping[str, str]) -> None:
        self._arns = dict(function_arns)
        self._routes = routes()
        self._lambda = boto3.client("lambda", region_name=REGION)  # clients are thread-safe: one for all requests

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.target).path
        for route in self._routes:
            parameters = route.match(request.method, path)
            if parameters is not None:
                event = event_for(request, route, parameters, datetime.now(UTC))
                return invoke(self._lambda, self._arns[route.function_key], event)
        return _json(404, {"message": "Not Found"})


def invoke(client: Any, arn: str, event: HttpApiEvent) -> HttpResponse:
    """Invoke the integration's function synchronously, as API Gateway does."""
    answer = client.invoke(FunctionName=arn, Payload=json.dumps(event).encode())
    payload = answer["Payload"].read()
    if "FunctionError" in answer:  # API Gateway hides the function's error from the caller
        return _json(500, {"message": "Internal Server Error"})
    return proxy_response(json.loads(payload or b"null"))


def proxy_response(result: object) -> HttpResponse:
    """Payload 2.0's response rules: a dict with ``statusCode`` is a proxy response; anything else is a 200 JSON
    body (API Gateway infers it)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return _json(200, result)
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[str(name)] = ",".join(str(v) for v in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    headers.setdefault("content-type", "application/json")
    headers["apigw-requestid"] = uuid.uuid4().hex[:16]
    return HttpResponse(int(result["statusCode"]), headers, body)


def _json(status: int, body: object) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(body).encode())
