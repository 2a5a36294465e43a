"""The admin HTTP API's client for the command line: one request model, SigV4 signing, a pluggable transport.

The deployed API authorises its admin routes with IAM, so requests are signed with SigV4 for ``execute-api``
using the default credential chain (environment, profile, SSO, instance role …). ``chaseflow local`` serves the
same routes unsigned on ``http://localhost``, so those requests go out as they are. Tests swap the transport
for one that hands the request to the real admin handler.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import Session

SERVICE = "execute-api"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_REGION_IN_HOST = re.compile(r"\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except json.JSONDecodeError:
            return {"message": self.body.decode(errors="replace")}


Transport = Callable[[HttpRequest], HttpResponse]


class ApiError(Exception):
    """The API refused the request (4xx/5xx): the status and its JSON body (``message``, ``problems``)."""

    def __init__(self, status: int, body: object) -> None:
        self.status, self.body = status, body if isinstance(body, dict) else {"message": str(body)}
        super().__init__(f"HTTP {status}: {self.body.get('message', '')}")

    def lines(self) -> list[str]:
        """What a person reads: the status, the message and each field problem with its path."""
        lines = [f"error: HTTP {self.status}: {self.body.get('message') or 'no message'}"]
        for problem in self.body.get("problems") or self.body.get("detail") or []:
            if isinstance(problem, dict):
                where = problem.get("path") or ".".join(str(p) for p in problem.get("loc", []))
                lines.append(f"  {where or '(document)'}: {problem.get('reason') or problem.get('msg')}")
        return lines


def urllib_transport(request: HttpRequest, timeout_s: float = 30.0) -> HttpResponse:
    """Send with the standard library (no extra dependency); an HTTP error status is an answer, not a raise."""
    sent = urllib.request.Request(request.url, request.body or None, request.headers, method=request.method)
    try:
        with urllib.request.urlopen(sent, timeout=timeout_s) as answer:
            return HttpResponse(answer.status, answer.read())
    except urllib.error.HTTPError as refused:
        return HttpResponse(refused.code, refused.read())


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and (parts.hostname or "") in LOCAL_HOSTS


def region_of(url: str, fallback: str | None) -> str:
    """The region in an ``execute-api`` host name; else the configured one (a custom domain name)."""
    found = _REGION_IN_HOST.search(urlsplit(url).hostname or "")
    region = found.group(1) if found else fallback
    if not region:
        raise ApiError(0, {"message": "no AWS region: set AWS_REGION, or use the execute-api URL"})
    return region


class SigV4Signer:
    """Adds ``Authorization``, ``X-Amz-Date`` (and ``X-Amz-Security-Token``) for ``execute-api`` in a region."""

    def __init__(self, credentials: Credentials, region: str) -> None:
        self._auth = SigV4Auth(credentials, SERVICE, region)

    def sign(self, request: HttpRequest) -> HttpRequest:
        unsigned = AWSRequest(method=request.method, url=request.url, data=request.body, headers=request.headers)
        self._auth.add_auth(unsigned)
        return HttpRequest(request.method, request.url, dict(unsigned.headers.items()), request.body)


def default_signer(url: str) -> SigV4Signer:
    session = Session()
    credentials = session.get_credentials()
    if credentials is None:
        raise ApiError(0, {"message": "no AWS credentials found (environment, profile, SSO or instance role)"})
    return SigV4Signer(credentials.get_frozen_credentials(), region_of(url, session.get_config_variable("region")))


class AdminClient:
    """One tenant's admin API: ``call`` returns the JSON answer or raises ``ApiError``."""

    def __init__(
        self,
        base_url: str,
        tenant_id: str,
        *,
        transport: Transport = urllib_transport,
        signer: Callable[[str], SigV4Signer] | None = default_signer,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._tenant = tenant_id
        self._transport = transport
        self._signer = None if is_local(base_url) or signer is None else signer(base_url)

    def call(self, method: str, path: str, body: object = None, query: dict[str, str] | None = None) -> Any:
        url = f"{self._base}/v1/tenants/{self._tenant}{path}"
        if query:
            url += "?" + urlencode(query)
        data = b"" if body is None else json.dumps(body, default=str).encode()
        headers = {"accept": "application/json", "user-agent": "chaseflow-cli"}
        if body is not None:
            headers["content-type"] = "application/json"
        request = HttpRequest(method, url, headers, data)
        if self._signer is not None:
            request = self._signer.sign(request)
        response = self._transport(request)
        answer = response.json()
        if response.status >= 400:
            raise ApiError(response.status, answer)
        return answer
