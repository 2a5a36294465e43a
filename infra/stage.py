"""What a stage name decides: resource names, log retention, removal policies, deletion protection.

The stage comes from context only (``-c stage=prod``): never from the OS user, the git branch or an account lookup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

STAGE_NAME = re.compile(r"^[a-z][a-z0-9]{1,11}$")  # short: it goes into every resource name
PRODUCTION_STAGES = frozenset({"prod"})
# AWS-managed layer AWSLambdaPowertoolsPythonV3-python312-arm64: version 27 is Powertools 3.23.0 (the newest whose
# number is published in the Powertools docs we can read offline); override with -c powertools_layer_version=N
POWERTOOLS_LAYER_VERSION = 27


@dataclass(frozen=True)
class Stage:
    name: str
    sms_configuration_set: str = ""  # the account's End User Messaging SMS configuration set, if it has one
    sms_origination_identity: str = ""  # its phone number, sender id or pool (id or ARN)
    ops_email: str = ""  # subscribed to the ops topic when given
    powertools_layer_version: int = POWERTOOLS_LAYER_VERSION

    @classmethod
    def from_context(cls, node: Any) -> Stage:
        name = str(node.try_get_context("stage") or "")
        if not STAGE_NAME.match(name):
            raise ValueError(f"context 'stage' must match {STAGE_NAME.pattern} (e.g. -c stage=dev), got {name!r}")
        return cls(
            name=name,
            sms_configuration_set=str(node.try_get_context("sms_configuration_set") or ""),
            sms_origination_identity=str(node.try_get_context("sms_origination_identity") or ""),
            ops_email=str(node.try_get_context("ops_email") or ""),
            powertools_layer_version=int(node.try_get_context("powertools_layer_version") or POWERTOOLS_LAYER_VERSION),
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
        return logs.RetentionDays.THREE_MONTHS if self.is_production else logs.RetentionDays.TWO_WEEKS

    @property
    def data_removal_policy(self) -> cdk.RemovalPolicy:
        """Business data (tables) outlives a production stack; a dev stack leaves nothing behind."""
        return cdk.RemovalPolicy.RETAIN if self.is_production else cdk.RemovalPolicy.DESTROY

    @property
    def removal_policy(self) -> cdk.RemovalPolicy:
        """Logs, queues and other operational resources: kept in production for investigation."""
        return cdk.RemovalPolicy.RETAIN if self.is_production else cdk.RemovalPolicy.DESTROY
