"""The tenant's portal and statement links: URL templates such as ``https://pay.example/{customer_id}``."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict

from shared.domain.ledger.models import Customer

LINK_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LINK_PLACEHOLDERS = frozenset({"customer_id", "customer_reference", "customer_source_id", "tenant_id"})


def _url_template(value: str) -> str:
    if not value.startswith("https://"):
        raise ValueError("a link template starts with https://")
    unknown = set(LINK_PLACEHOLDER.findall(value)) - LINK_PLACEHOLDERS
    if unknown:
        raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; use {sorted(LINK_PLACEHOLDERS)}")
    return value


UrlTemplate = Annotated[str, AfterValidator(_url_template)]


class Links(BaseModel):
    """The tenant's link templates, e.g. ``https://pay.example/{customer_id}``; values are URL-quoted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    portal: UrlTemplate | None = None
    statement: UrlTemplate | None = None


def link_url(url_template: str | None, tenant_id: str, customer: Customer) -> str | None:
    """The link for ``customer``; None when not configured or when a placeholder has no value (a customer
    without a reference gets no link by reference rather than a broken one)."""
    if url_template is None:
        return None
    values = {
        "customer_id": customer.id,
        "customer_reference": customer.reference,
        "customer_source_id": customer.source_id,
        "tenant_id": tenant_id,
    }
    if any(values[name] is None for name in LINK_PLACEHOLDER.findall(url_template)):
        return None
    return LINK_PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), url_template)
