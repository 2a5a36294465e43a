"""A tenant's alert and digest settings (``TenantSettings.alerts``); every threshold has a documented default
(docs/decisions.md, 2026-12-01 — alerts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class AlertSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    admin_emails: tuple[Email, ...] = Field(default=(), description="who receives the daily digest")
    digest_hour: int = Field(default=8, ge=0, le=23, description="local hour the daily digest is sent at")
    app_base_url: str = Field(
        default="https://app.chaseflow.example", description="links in the digest point below this URL"
    )
    duplicate_span_hours: int = Field(default=72, ge=1, le=168, description="same email again within this span")
    volume_multiplier: Decimal = Field(default=Decimal(3), gt=1, description="sends above baseline × this")
    volume_min_daily: int = Field(default=50, ge=1, description="a day is unusual only from this many sends")
    volume_min_hourly: int = Field(default=20, ge=1, description="an hour is unusual only from this many sends")
    circuit_breaker: bool = Field(
        default=False, description="hold a workflow's further sends when its volume is unusual, until confirmed"
    )
    deliverability_window_days: int = Field(default=7, ge=1, le=30)
    stuck_after_minutes: int = Field(default=60, ge=5, description="a due run not resumed after this is stuck")
