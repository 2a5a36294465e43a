"""boto3 handles, built lazily (never at import time) so tests and the local runtime can point them at moto."""

from __future__ import annotations

from collections.abc import Callable
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


def every_item(read: Callable[..., dict[str, Any]], **request: Any) -> list[dict[str, Any]]:
    """Every item of a Query or Scan (``read`` is the table's ``query`` or ``scan``), page after page: a page
    stops at 1 MB, so one call is never the whole answer."""
    items: list[dict[str, Any]] = []
    while True:
        response = read(**request)
        items += response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return items
        request = {**request, "ExclusiveStartKey": response["LastEvaluatedKey"]}
