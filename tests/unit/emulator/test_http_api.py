"""The local HTTP API builds the payload-2.0 events API Gateway sends, from the platform's route keys."""

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emulator.http_api import HttpRequest, event_for, proxy_response, routes

SAMPLE = json.loads((Path(__file__).resolve().parents[2] / "events" / "apigw" / "signed_batch.json").read_text())
AT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)


def matched(method: str, path: str) -> tuple[str, str, dict[str, str]]:
    for route in routes():
        parameters = route.match(method, path)
        if parameters is not None:
            return route.function_key, route.route_key, parameters
    raise AssertionError(f"no route for {method} {path}")


@pytest.mark.parametrize(
    ("method", "path", "function", "parameters"),
    [
        ("POST", "/v1/tenants/acme-uk/records", "webhooks", {"tenant_id": "acme-uk"}),
        ("GET", "/v1/tenants/acme-uk/runs/r1/explain", "admin", {"tenant_id": "acme-uk", "run_id": "r1"}),
        (
            "POST",
            "/v1/tenants/acme-uk/runs/r1/pause",
            "admin",
            {"tenant_id": "acme-uk", "run_id": "r1", "control": "pause"},
        ),
        ("PUT", "/v1/tenants/acme-uk/workflows/dunning", "admin", {"tenant_id": "acme-uk", "workflow_id": "dunning"}),
    ],
)
def test_requests_reach_the_function_and_parameters_of_their_route(method, path, function, parameters):
    # GIVEN the route keys of the platform's functions
    # WHEN a request is matched
    found = matched(method, path)
    # THEN it reaches the function with the path parameters API Gateway would extract
    assert (found[0], found[2]) == (function, parameters)


def test_no_route_matches_another_method_or_a_longer_path():
    # GIVEN the routes
    # WHEN requests with a method or a shape no route has are matched
    misses = [r.match("GET", "/v1/tenants/acme-uk/records") for r in routes()]
    misses += [r.match("POST", "/v1/tenants/acme-uk/records/extra") for r in routes()]
    # THEN none matches
    assert misses == [None] * len(misses)


def test_the_event_is_the_one_api_gateway_sends_for_a_signed_batch():
    # GIVEN the ERP's request, as the sample event was recorded from it
    headers = [("Host", "r4nd0m1d.execute-api.us-east-1.amazonaws.com")] + [
        (name.title(), value) for name, value in SAMPLE["headers"].items() if name != "host"
    ]
    request = HttpRequest("POST", SAMPLE["rawPath"], headers, SAMPLE["body"].encode(), "203.0.113.25")
    route = next(r for r in routes() if r.route_key == SAMPLE["routeKey"])
    # WHEN the local API builds the function's event
    event = event_for(request, route, route.match("POST", SAMPLE["rawPath"]), AT)
    # THEN it has the sample's route, path, parameters, lower-cased headers and text body
    keys = ("version", "routeKey", "rawPath", "rawQueryString", "headers", "pathParameters", "body", "isBase64Encoded")
    assert {k: event[k] for k in keys} == {k: SAMPLE[k] for k in keys}
    context = {k: event["requestContext"][k] for k in ("routeKey", "stage", "time", "timeEpoch", "accountId")}
    assert context == {k: SAMPLE["requestContext"][k] for k in context}
    assert event["requestContext"]["http"] == SAMPLE["requestContext"]["http"]


def test_a_binary_body_arrives_base64_encoded_and_the_query_string_is_parsed():
    # GIVEN a request with an octet-stream body and a repeated query parameter
    request = HttpRequest(
        "GET", "/v1/tenants/t/runs/r1/explain?at=1&at=2", [("Content-Type", "application/octet-stream")], b"\xff\x00"
    )
    route = next(r for r in routes() if r.route_key.endswith("/explain"))
    # WHEN its event is built
    event = event_for(request, route, {"tenant_id": "t", "run_id": "r1"}, AT)
    # THEN the body is base64-encoded and repeated parameters are comma-joined, as HTTP APIs do
    assert (event["isBase64Encoded"], base64.b64decode(event["body"])) == (True, b"\xff\x00")
    assert (event["rawQueryString"], event["queryStringParameters"]) == ("at=1&at=2", {"at": "1,2"})


def test_a_proxy_response_becomes_http_and_a_bare_value_is_a_200_json_body():
    # GIVEN a function's proxy response, and a function returning a bare value
    proxy = {
        "statusCode": 207,
        "headers": {"Content-Type": "application/json"},
        "body": '{"ok": 1}',
        "isBase64Encoded": False,
    }
    # WHEN they are turned into HTTP responses
    answered, bare = proxy_response(proxy), proxy_response({"ok": 2})
    # THEN the status, headers and body are the function's; a bare value is a 200 with JSON, as API Gateway infers
    assert (answered.status, answered.headers["Content-Type"], answered.body) == (207, "application/json", b'{"ok": 1}')
    assert (bare.status, json.loads(bare.body)) == (200, {"ok": 2})
