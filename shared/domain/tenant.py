"""Tenant-wide settings the engine reads: the company timezone drives schedules, its country the holidays."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.alerts.settings import AlertSettings
from shared.domain.ledger.models import CountryCode, CurrencyCode


class TenantSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = ""
    timezone: str = "UTC"
    country: CountryCode | None = None
    currency: CurrencyCode = "EUR"
    locale: str = "en_GB"
    blocked_contact_policy: Literal["block_message", "drop_recipient"] = Field(
        default="block_message",
        description="a contact with BOUNCE/COMPLAINT status blocks the whole workflow message (Kolleno), or is "
        "only left out",
    )

    sender_email: str = Field(default="collections@chaseflow.example", description="From address of messages")
    reply_to: str | None = None
    list_unsubscribe: bool = Field(default=False, description="add List-Unsubscribe headers to emails")
    max_emails_per_day: int | None = Field(default=None, ge=1, description="per customer, across all workflows")
    max_emails_per_week: int | None = Field(default=None, ge=1)
    alerts: AlertSettings = Field(default_factory=AlertSettings, description="digest recipients, alert thresholds")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone '{value}'") from None
        return value
