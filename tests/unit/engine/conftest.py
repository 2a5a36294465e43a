"""Shared fixtures for engine tests: the London tenant and the fixture workflows."""

from __future__ import annotations

import pytest

from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow

from .builders import tenant, workflow


@pytest.fixture
def london_tenant() -> TenantSettings:
    return tenant()


@pytest.fixture
def dunning() -> Workflow:
    return workflow("customer_dunning")


@pytest.fixture
def reminders() -> Workflow:
    return workflow("invoice_reminders")


@pytest.fixture
def weekly() -> Workflow:
    return workflow("weekly_statement")


@pytest.fixture
def waits() -> Workflow:
    return workflow("waits")
