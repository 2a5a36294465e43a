"""boto3 handles, built lazily (never at import time) so tests and the local runtime can point them at moto."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3


@cache
def resource(region: str | None = None) -> Any:
    return boto3.resource("dynamodb", region_name=region)


def table(name: str, region: str | None = None) -> Any:
    return resource(region).Table(name)


def reset() -> None:
    """Forget cached handles (a new moto context in tests starts from scratch)."""
    resource.cache_clear()
