"""A transport for the CLI's API client that plays API Gateway (HTTP API, payload v2) on the moto stack: the
request is matched against the admin function's declared route keys (an undeclared route is the gateway's
404), turned into the payload v2 event and handed to the real admin function through ``lambda.invoke``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3

from cli.api_client import HttpRequest, HttpResponse
from shared.platform.functions import ADMIN

SAMPLE = Path(__file__).resolve().parents[1] / "events" / "apigw" / "admin_pause.json"


def _pattern(route_key: str) -> tuple[str, re.Pattern[str]]:
    method, _, template = route_key.partition(" ")
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return method, re.compile(f"^{regex}$")


ROUTES = [(key, *_pattern(key)) for key in ADMIN.api_routes]


class ApiGatewayTransport:
    """Records every request it forwards (``sent``), so tests can see what the CLI asked for."""

    def __init__(self, function_arn: str) -> None:
        self._function = function_arn
        self.sent: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        url = urlsplit(request.url)
        for route_key, method, pattern in ROUTES:
            found = pattern.match(url.path)
            if found and method == request.method:
                return self._invoke(request, route_key, {k: unquote(v) for k, v in found.groupdict().items()})
        return HttpResponse(404, b'{"message":"Not Found"}')  # what API Gateway answers for no route

    def _invoke(self, request: HttpRequest, route_key: str, parameters: dict[str, str]) -> HttpResponse:
        url = urlsplit(request.url)
        event = copy.deepcopy(json.loads(SAMPLE.read_text()))
        body = request.body.decode()
        headers = {name.lower(): value for name, value in request.headers.items()}
        event |= {
            "routeKey": route_key,
            "rawPath": url.path,
            "rawQueryString": url.query,
            "headers": {"host": url.hostname or "", "content-length": str(len(request.body)), **headers},
            "pathParameters": parameters,
            "body": body or None,
        }
        if url.query:
            event["queryStringParameters"] = dict(parse_qsl(url.query))
        event["requestContext"] |= {"routeKey": route_key, "domainName": url.hostname}
        event["requestContext"]["http"] |= {"method": request.method, "path": url.path}
        # IAM authorisation: the gateway checked the signature and names the caller; no JWT claims
        event["requestContext"]["authorizer"] = {"iam": {"accountId": "123456789012", "userId": "AIDACLI"}}
        answer = boto3.client("lambda").invoke(FunctionName=self._function, Payload=json.dumps(event))
        payload = json.loads(answer["Payload"].read())
        if "FunctionError" in answer:  # the gateway hides a crashed integration behind a bare 500
            return HttpResponse(500, b'{"message":"Internal Server Error"}')
        return HttpResponse(payload["statusCode"], payload.get("body", "").encode())
