"""What a deployment's settings decide: resource names, log retention, removal policies, deletion protection, the
functions' log level and the SMS set-up. The stage name gives the defaults; a team embedding the construct
(``infra.construct.ChaseflowCollectionsProps``) may set retention and removal itself.

For the app, everything comes from context (``-c stage=prod``): never from the OS user, the git branch or an
account lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

STAGE_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")  # short: it goes into every resource name
PRODUCTION_STAGES = frozenset({"prod"})
# Powertools' level names (POWERTOOLS_LOG_LEVEL); each function also gets the matching Lambda application log level
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[str, ...] = get_args(LogLevel)
# what a resource may do when it leaves the stack; SNAPSHOT is not valid for log groups and queues
REMOVAL_POLICIES = (cdk.RemovalPolicy.RETAIN, cdk.RemovalPolicy.DESTROY)
# context keys the app no longer reads, and why: a stale key in someone's cdk.json must not be silently ignored
RETIRED_CONTEXT = {
    "powertools_layer_version": "Powertools is built into the dependencies layer from uv.lock (no managed layer)",
}


@dataclass(frozen=True, kw_only=True)
class Stage:
    name: str
    sms_configuration_set: str = ""  # the account's End User Messaging SMS configuration set, if it has one
    sms_origination_identity: str = ""  # its phone number, sender id or pool (id or ARN)
    ops_email: str = ""  # subscribed to the alarm topic when given
    retention: logs.RetentionDays | None = None  # None: by the stage name (see log_retention)
    removal: cdk.RemovalPolicy | None = None  # None: by the stage name (see removal_policy)
    log_level: LogLevel = "INFO"

    def __post_init__(self) -> None:
        if not STAGE_NAME.match(self.name):
            raise ValueError(f"stage must match {STAGE_NAME.pattern} (e.g. dev, prod), got {self.name!r}")
        if self.removal is not None and self.removal not in REMOVAL_POLICIES:
            raise ValueError(f"removal policy must be RETAIN or DESTROY, got {self.removal}")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}")

    @classmethod
    def from_context(cls, node: Any) -> Stage:
        for key, reason in RETIRED_CONTEXT.items():
            if node.try_get_context(key) is not None:
                raise ValueError(f"context '{key}' is no longer used: {reason}")
        name = str(node.try_get_context("stage") or "")
        if not STAGE_NAME.match(name):
            raise ValueError(f"context 'stage' must match {STAGE_NAME.pattern} (e.g. -c stage=dev), got {name!r}")
        return cls(
            name=name,
            sms_configuration_set=str(node.try_get_context("sms_configuration_set") or ""),
            sms_origination_identity=str(node.try_get_context("sms_origination_identity") or ""),
            ops_email=str(node.try_get_context("ops_email") or ""),
            # any text: __post_init__ refuses what is not one of LOG_LEVELS
            log_level=cast(LogLevel, str(node.try_get_context("log_level") or "INFO").upper()),
        )

    @property
    def is_production(self) -> bool:
        return self.name in PRODUCTION_STAGES

    @property
    def prefix(self) -> str:
        return f"chaseflow-{self.name}"

    def resource_name(self, key: str) -> str:
        return f"{self.prefix}-{key.replace('_', '-')}"

    @property
    def has_sms(self) -> bool:
        return bool(self.sms_configuration_set and self.sms_origination_identity)

    @property
    def log_retention(self) -> logs.RetentionDays:
        if self.retention is not None:
            return self.retention
        return logs.RetentionDays.THREE_MONTHS if self.is_production else logs.RetentionDays.TWO_WEEKS

    @property
    def data_removal_policy(self) -> cdk.RemovalPolicy:
        """Business data (tables) outlives a production stack; a dev stack leaves nothing behind."""
        if self.removal is not None:
            return self.removal
        return cdk.RemovalPolicy.RETAIN if self.is_production else cdk.RemovalPolicy.DESTROY

    @property
    def removal_policy(self) -> cdk.RemovalPolicy:
        """Logs, queues and other operational resources: kept in production for investigation."""
        if self.removal is not None:
            return self.removal
        return cdk.RemovalPolicy.RETAIN if self.is_production else cdk.RemovalPolicy.DESTROY

    @property
    def deletion_protection(self) -> bool:
        """Tables of business data that are retained are also protected from deletion outside the stack."""
        return self.data_removal_policy == cdk.RemovalPolicy.RETAIN
