"""The admin API client: SigV4 for execute-api in the API's region, nothing signed on localhost, refusals
turned into readable errors. Sockets are blocked: every request goes to a recording transport."""

import json
import re

import pytest
from botocore.credentials import Credentials

from cli.api_client import AdminClient, ApiError, HttpRequest, HttpResponse, SigV4Signer, region_of

FAKE = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token="session-token")
API = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com"


class Recorder:
    def __init__(self, status: int = 200, body: object = None) -> None:
        self.sent: list[HttpRequest] = []
        self._answer = HttpResponse(status, json.dumps(body if body is not None else {"runs": []}).encode())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        return self._answer


def test_the_signer_adds_a_sigv4_authorization_for_execute_api_in_the_region():
    # GIVEN fixed fake credentials and a request to the API
    signer = SigV4Signer(FAKE, "eu-west-2")
    request = HttpRequest("POST", f"{API}/v1/tenants/acme-uk/runs/r1/stop", {"content-type": "application/json"}, b"{}")
    # WHEN it is signed
    signed = signer.sign(request)
    # THEN it carries the SigV4 headers scoped to execute-api in eu-west-2, and the original is unchanged
    authorization = signed.headers["Authorization"]
    assert re.fullmatch(
        r"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-2/execute-api/aws4_request, "
        r"SignedHeaders=[a-z0-9;-]*host;x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}",
        authorization,
    )
    assert re.fullmatch(r"\d{8}T\d{6}Z", signed.headers["X-Amz-Date"])
    assert signed.headers["X-Amz-Security-Token"] == "session-token"
    assert "Authorization" not in request.headers and signed.body == request.body


def test_a_different_body_gets_a_different_signature():
    # GIVEN one signer
    signer = SigV4Signer(Credentials("AKIDEXAMPLE", "secret"), "eu-west-2")
    # WHEN two requests differing only by their body are signed
    first = signer.sign(HttpRequest("PUT", f"{API}/v1/tenants/t/workflows/w", {}, b'{"a": 1}'))
    second = signer.sign(HttpRequest("PUT", f"{API}/v1/tenants/t/workflows/w", {}, b'{"a": 2}'))
    # THEN the signatures differ (the payload hash is signed)
    assert (
        first.headers["Authorization"].split("Signature=")[1] != second.headers["Authorization"].split("Signature=")[1]
    )


def test_the_client_signs_remote_calls_with_the_region_of_the_url():
    # GIVEN a client for the deployed API whose signer factory is handed the URL
    transport, asked = Recorder(), []

    def signer(url: str) -> SigV4Signer:
        asked.append(url)
        return SigV4Signer(FAKE, region_of(url, fallback=None))

    client = AdminClient(API, "acme-uk", transport=transport, signer=signer)
    # WHEN a customer's enrolments are asked for
    answer = client.call("GET", "/customers/cus-1/enrolments")
    # THEN the request went out signed for eu-west-2 to the tenant's path
    sent = transport.sent[0]
    assert answer == {"runs": []} and asked == [API]
    assert sent.url == f"{API}/v1/tenants/acme-uk/customers/cus-1/enrolments"
    assert "/eu-west-2/execute-api/aws4_request" in sent.headers["Authorization"]


@pytest.mark.parametrize("url", ["http://localhost:8080", "http://127.0.0.1:3000/"])
def test_localhost_is_not_signed(url):
    # GIVEN a client for the local server, with a signer factory that must not be used
    def no_signer(_: str) -> SigV4Signer:
        raise AssertionError("a local request was signed")

    transport = Recorder()
    client = AdminClient(url, "acme-uk", transport=transport, signer=no_signer)
    # WHEN a run is paused
    client.call("POST", "/runs/r1/pause", {"until": None, "note": ""})
    # THEN it goes out unsigned, with its JSON body
    sent = transport.sent[0]
    assert "Authorization" not in sent.headers and "X-Amz-Date" not in sent.headers
    assert sent.url == url.rstrip("/") + "/v1/tenants/acme-uk/runs/r1/pause"
    assert json.loads(sent.body) == {"until": None, "note": ""}
    assert sent.headers["content-type"] == "application/json"


def test_region_of_reads_the_host_or_falls_back():
    # GIVEN execute-api and custom-domain URLs
    # WHEN their region is asked / THEN it comes from the host, else the configured one, else an error
    assert region_of("https://x.execute-api.ap-southeast-2.amazonaws.com/", None) == "ap-southeast-2"
    assert region_of("https://chaseflow.example.com", "eu-central-1") == "eu-central-1"
    with pytest.raises(ApiError, match="no AWS region"):
        region_of("https://chaseflow.example.com", None)


def test_a_refusal_is_an_api_error_naming_each_problem():
    # GIVEN the API refusing a workflow (422 with field problems)
    body = {"message": "invalid workflow", "problems": [{"path": "trigger.type", "reason": "unknown trigger"}]}
    client = AdminClient("http://localhost:8080", "acme-uk", transport=Recorder(422, body))
    # WHEN it is saved
    with pytest.raises(ApiError) as refused:
        client.call("PUT", "/workflows/w", {"id": "w"})
    # THEN the error carries the status and reads line by line
    assert refused.value.status == 422
    assert refused.value.lines() == ["error: HTTP 422: invalid workflow", "  trigger.type: unknown trigger"]


def test_a_validation_refusal_of_the_event_handler_reads_too():
    # GIVEN Powertools' request validation answer (detail with loc/msg)
    body = {"statusCode": 422, "detail": [{"loc": ["body", "until"], "msg": "Input should have timezone info"}]}
    client = AdminClient("http://localhost:8080", "acme-uk", transport=Recorder(422, body))
    # WHEN a pause is refused
    with pytest.raises(ApiError) as refused:
        client.call("POST", "/runs/r1/pause", {"until": "2026-11-12T09:00:00"})
    # THEN the field's location and message are shown
    assert refused.value.lines()[1] == "  body.until: Input should have timezone info"
