"""Tenants' webhook secrets in Secrets Manager, cached per container for a short while.

Name: ``chaseflow/<stage>/tenants/<tenant_id>/webhook``. The value is the secret itself, or during a rotation a
JSON array of the secrets accepted (newest first). Misses are cached more briefly than hits, so a tenant created a
moment ago is not kept waiting, while a flood of requests for unknown tenants does not reach Secrets Manager.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from shared.errors import SecretsUnavailable
from shared.platform.functions import webhook_secret_name

TTL_SECONDS = 300.0
MISS_TTL_SECONDS = 30.0
PASSING = {"ThrottlingException", "InternalServiceError", "DecryptionFailure", "RequestTimeout"}


class WebhookSecrets:
    def __init__(
        self, stage: str, *, ttl_seconds: float = TTL_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._stage = stage
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}

    @cached_property
    def _client(self) -> Any:
        return boto3.client("secretsmanager")

    def for_tenant(self, tenant_id: str) -> tuple[str, ...]:
        """The secrets a request of ``tenant_id`` may be signed with; empty when the tenant has none."""
        now = self._monotonic()
        cached = self._cache.get(tenant_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        secrets = self._fetch(tenant_id)
        self._cache[tenant_id] = (now + (self._ttl if secrets else min(self._ttl, MISS_TTL_SECONDS)), secrets)
        return secrets

    def _fetch(self, tenant_id: str) -> tuple[str, ...]:
        if not self._stage:
            raise RuntimeError("STAGE is not set: the webhook secrets cannot be named")
        try:
            value = self._client.get_secret_value(SecretId=webhook_secret_name(self._stage, tenant_id))
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "ResourceNotFoundException":
                return ()
            if code in PASSING:
                raise SecretsUnavailable(code) from error
            raise
        return parse_secret(str(value.get("SecretString") or ""))


def parse_secret(text: str) -> tuple[str, ...]:
    """A plain secret, or a JSON array of secrets (a rotation in progress)."""
    text = text.strip()
    if text.startswith("["):
        values = json.loads(text)
        return tuple(v for v in values if isinstance(v, str) and v)
    return (text,) if text else ()
