"""Configuration of every function, read from the environment once per container (never at import)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # empty for a function that is given no such table (the outbox relay has the outbox alone)
    core_table: str = ""
    ledger_table: str = ""
    idempotency_table: str = ""
    outbox_table: str = ""
    state_machine_arn: str = ""
    sweep_function_arn: str = ""
    event_bus_name: str = ""
    ses_configuration_set: str = ""
    sms_configuration_set: str = ""
    sms_origination_identity: str = ""  # phone number, sender id or pool (id or ARN) SMS are sent from
    stage: str = ""  # names per-stage resources such as the tenants' webhook secrets


@cache
def settings() -> Settings:
    env = os.environ
    return Settings(
        core_table=env.get("CORE_TABLE", ""),
        ledger_table=env.get("LEDGER_TABLE", ""),
        idempotency_table=env.get("IDEMPOTENCY_TABLE", ""),
        outbox_table=env.get("OUTBOX_TABLE", ""),
        state_machine_arn=env.get("STATE_MACHINE_ARN", ""),
        sweep_function_arn=env.get("SWEEP_FUNCTION_ARN", ""),
        event_bus_name=env.get("EVENT_BUS_NAME", ""),
        ses_configuration_set=env.get("SES_CONFIGURATION_SET", ""),
        sms_configuration_set=env.get("SMS_CONFIGURATION_SET", ""),
        sms_origination_identity=env.get("SMS_ORIGINATION_IDENTITY", ""),
        stage=env.get("STAGE", ""),
    )
