"""What each ``FunctionSpec.needs`` value grants (least privilege) and which environment variables it sets.

Every value in ``shared.platform.functions.NEEDS`` has a grant here; a value without one fails the synth, so a
new need cannot ship without its permissions being decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from infra.stage import Stage
from shared.platform.functions import webhook_secret_name


@dataclass(frozen=True)
class Wiring:
    """The resources the needs refer to (state machine by name: its tasks' functions refer to it too)."""

    stack: cdk.Stack
    stage: Stage
    state_machine_name: str
    bus: events.IEventBus
    email_configuration_set: str
    sweep: lambda_.IFunction | None = None

    def arn(
        self, service: str, resource: str, name: str, sep: cdk.ArnFormat = cdk.ArnFormat.SLASH_RESOURCE_NAME
    ) -> str:
        return self.stack.format_arn(service=service, resource=resource, resource_name=name, arn_format=sep)

    @property
    def state_machine_arn(self) -> str:
        return self.arn("states", "stateMachine", self.state_machine_name, cdk.ArnFormat.COLON_RESOURCE_NAME)


Grant = Callable[[lambda_.Function, Wiring], dict[str, str]]


def _allow(fn: lambda_.Function, actions: list[str], resources: list[str]) -> None:
    fn.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=resources))


def _sfn(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    executions = w.arn("states", "execution", f"{w.state_machine_name}:*", cdk.ArnFormat.COLON_RESOURCE_NAME)
    _allow(fn, ["states:StartExecution"], [w.state_machine_arn])
    _allow(fn, ["states:DescribeExecution", "states:StopExecution"], [executions])
    # task tokens of the state machine's parked executions (resumes, run controls)
    _allow(fn, ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"], [w.state_machine_arn])
    return {"STATE_MACHINE_ARN": w.state_machine_arn}


def _ses(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    # the tenant's sender identity (domain or address) is verified in this account; sends go through our set only
    _allow(
        fn,
        ["ses:SendEmail", "ses:SendRawEmail"],
        [w.arn("ses", "identity", "*"), w.arn("ses", "configuration-set", w.email_configuration_set)],
    )
    return {"SES_CONFIGURATION_SET": w.email_configuration_set}


def _sms(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    if not w.stage.has_sms:
        return {}  # the account has no SMS set-up: SMS steps fail as rejected and become tasks
    identity = w.stage.sms_origination_identity
    identities = (
        [identity]
        if identity.startswith("arn:")
        else [w.arn("sms-voice", kind, "*") for kind in ("phone-number", "pool", "sender-id")]
    )
    configuration_set = w.arn("sms-voice", "configuration-set", w.stage.sms_configuration_set)
    _allow(fn, ["sms-voice:SendTextMessage"], [configuration_set, *identities])
    return {"SMS_CONFIGURATION_SET": w.stage.sms_configuration_set, "SMS_ORIGINATION_IDENTITY": identity}


def _events(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    w.bus.grant_put_events_to(fn)
    return {"EVENT_BUS_NAME": w.bus.event_bus_name}


def _webhook_secrets(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    # chaseflow/<stage>/tenants/*/webhook plus the six random characters Secrets Manager appends to every ARN
    every_tenant = webhook_secret_name(w.stage.name, "*") + "-??????"
    _allow(
        fn,
        ["secretsmanager:GetSecretValue"],
        [w.arn("secretsmanager", "secret", every_tenant, cdk.ArnFormat.COLON_RESOURCE_NAME)],
    )
    return {"STAGE": w.stage.name}


def _invoke_sweep(fn: lambda_.Function, w: Wiring) -> dict[str, str]:
    if w.sweep is None:
        raise ValueError("need 'invoke_sweep' but there is no sweep function")
    _allow(fn, ["lambda:InvokeFunction"], [w.sweep.function_arn])
    return {"SWEEP_FUNCTION_ARN": w.sweep.function_arn}


GRANTS: dict[str, Grant] = {
    "sfn": _sfn,
    "ses": _ses,
    "sms": _sms,
    "events": _events,
    "webhook_secrets": _webhook_secrets,
    "invoke_sweep": _invoke_sweep,
}


def grant_needs(fn: lambda_.Function, needs: frozenset[str], wiring: Wiring) -> dict[str, str]:
    unknown = needs - set(GRANTS)
    if unknown:
        raise ValueError(
            f"no permissions defined for needs {sorted(unknown)}: add them in infra/components/permissions.py"
        )
    environment: dict[str, str] = {}
    for need in sorted(needs):
        environment |= GRANTS[need](fn, wiring)
    return environment
