"""docs/openapi.json against the platform facts: every API Gateway route is documented, every documented operation
is one the gateway routes to its function, with that function's authentication, and the webhook's signature
headers and body are there."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cli.docs.openapi import gateway_matches, operations, route_function
from shared.domain.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER
from shared.platform.functions import ADMIN, FUNCTIONS, WEBHOOKS

DOCS = Path(__file__).resolve().parents[3] / "docs"
API_FUNCTIONS = [spec for spec in FUNCTIONS if spec.api_routes]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads((DOCS / "openapi.json").read_text(encoding="utf-8"))


def test_admin_and_webhook_are_the_functions_with_routes():
    # GIVEN the platform's functions THEN the two resolvers of functions/api/ serve every API route
    assert {spec.key for spec in API_FUNCTIONS} == {ADMIN.key, WEBHOOKS.key}


@pytest.mark.parametrize(
    "route_key", [key for spec in API_FUNCTIONS for key in spec.api_routes], ids=lambda key: str(key)
)
def test_every_platform_route_is_documented(document, route_key):
    # GIVEN a route key the HTTP API is deployed with (shared/platform/functions.py)
    # WHEN the documented operations are matched against it as API Gateway matches requests
    served = [(m, p) for p, m, _ in operations(document) if gateway_matches(route_key, m, p)]
    # THEN at least one documented operation is reached through it
    assert served, f"{route_key} is not in docs/openapi.json (run make docs)"


def test_every_documented_operation_is_routed_to_its_function_with_its_authentication(document):
    for path, method, operation in operations(document):
        # GIVEN a documented operation
        # WHEN it is matched against the platform's route keys
        spec = route_function(method, path)
        # THEN it is authenticated as its function is: IAM at the gateway, or the tenant's HMAC in the function
        assert operation["security"] == [{spec.api_auth: []}], (method, path)
        assert spec.api_auth in document["components"]["securitySchemes"]


def test_the_gateway_match_follows_api_gateway():
    # GIVEN route keys with a parameter in the last segment
    key = "POST /v1/tenants/{tenant_id}/runs/{run_id}/{control}"
    # THEN a literal segment and a parameter both match it, a longer path, a shorter one or another method not
    assert gateway_matches(key, "post", "/v1/tenants/{tenant_id}/runs/{run_id}/pause")
    assert gateway_matches(key, "post", "/v1/tenants/{tenant_id}/runs/{run_id}/{control}")
    assert not gateway_matches(key, "get", "/v1/tenants/{tenant_id}/runs/{run_id}/pause")
    assert not gateway_matches(key, "post", "/v1/tenants/{tenant_id}/runs/{run_id}")
    assert not gateway_matches(key, "post", "/v1/tenants/{tenant_id}/runs/{run_id}/pause/now")
    # AND a literal segment of the route key matches only itself
    assert not gateway_matches("GET /v1/tenants/{tenant_id}/alerts", "get", "/v1/tenants/{tenant_id}/runs")


def test_no_operation_is_reached_by_no_route():
    # GIVEN a path the platform does not route THEN the generator refuses to document it
    with pytest.raises(ValueError, match="no API route"):
        route_function("delete", "/v1/tenants/{tenant_id}/workflows/{workflow_id}")


def test_the_webhook_documents_its_signature_headers_and_body(document):
    # GIVEN the webhook operation
    operation = document["paths"]["/v1/tenants/{tenant_id}/records"]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    # THEN both signature headers are required, under the names the function reads
    assert set(headers) == {TIMESTAMP_HEADER, SIGNATURE_HEADER}
    assert all(h["required"] for h in headers.values())
    assert "HMAC-SHA256" in headers[SIGNATURE_HEADER]["description"]
    # AND the body is the batch, whose records are the ledger kinds with updated_at required
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookBatch"
    }
    invoice = document["components"]["schemas"]["Invoice"]
    assert "updated_at" in invoice["required"] and "tenant_id" not in invoice["required"]


def test_every_status_has_a_description_and_a_json_body(document):
    for path, method, operation in operations(document):
        # GIVEN a documented operation THEN every answer says what it means and what its body is
        assert operation["responses"], (method, path)
        for status, answer in operation["responses"].items():
            assert re.fullmatch(r"[1-5][0-9][0-9]", status)
            assert answer["description"], (method, path, status)
            assert answer["content"]["application/json"]["schema"], (method, path, status)
        # AND Powertools' default validation answer, whose schema promises a field it never sends, is gone
        assert "HTTPValidationError" not in json.dumps(operation), (method, path)


def test_every_reference_resolves(document):
    # GIVEN every $ref of the document
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    schemas = document["components"]["schemas"]
    for ref in refs:
        # THEN an internal one names a schema of the document, an external one a file beside it
        if ref.startswith("#/components/schemas/"):
            assert ref.removeprefix("#/components/schemas/") in schemas, ref
        else:
            assert (DOCS / ref).is_file(), ref


def test_the_document_says_what_it_is(document):
    # THEN it is OpenAPI 3.1 with a title, a version and server placeholders
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Chaseflow HTTP API" and document["info"]["version"]
    assert any("{api_id}" in server["url"] for server in document["servers"])
