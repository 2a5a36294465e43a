"""The HTTP API: every ``FunctionSpec.api_routes`` route, IAM-authorised unless the function authenticates the
request itself (the ERP webhook's per-tenant HMAC signature); access logs, and throttling on the default stage."""

from __future__ import annotations

import json

from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.components.functions import construct_id
from infra.stage import Stage
from shared.platform.functions import FUNCTIONS

THROTTLE_RATE_PER_SECOND = 50  # an ERP's sync bursts, batched: far below the account's 10,000/s
THROTTLE_BURST = 100
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "userArn": "$context.identity.userArn",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage",
    "latencyMs": "$context.responseLatency",
}


class HttpApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id_: str,
        *,
        stage: Stage,
        functions: dict[str, lambda_.Function],
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id_)
        self.api = apigwv2.HttpApi(self, "Api", api_name=stage.resource_name("api"), create_default_stage=False)
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/apigateway/{stage.resource_name('api')}",
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
            encryption_key=encryption_key,
        )
        default_stage = self.api.add_stage(
            "DefaultStage",
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=THROTTLE_RATE_PER_SECOND, burst_limit=THROTTLE_BURST),
        )
        cfn_stage = default_stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn, format=json.dumps(ACCESS_LOG_FORMAT)
        )
        self.routes: dict[str, apigwv2.HttpRoute] = {}
        for spec in FUNCTIONS:
            if not spec.api_routes:
                continue
            integration = integrations.HttpLambdaIntegration(
                f"{construct_id(spec.key)}Integration", functions[spec.key]
            )
            for route_key in spec.api_routes:
                method, path = route_key.split(" ", 1)
                (route,) = self.api.add_routes(
                    path=path,
                    methods=[apigwv2.HttpMethod(method)],
                    integration=integration,
                    authorizer=_authorizer(spec.api_auth),
                )
                self.routes[route_key] = route
        self.url = self.api.api_endpoint


def _authorizer(api_auth: str) -> apigwv2.IHttpRouteAuthorizer:
    if api_auth == "iam":
        return authorizers.HttpIamAuthorizer()
    if api_auth == "hmac":
        return apigwv2.HttpNoneAuthorizer()  # the function verifies the tenant's signature on every request
    raise ValueError(f"unknown api_auth {api_auth!r}: 'iam' or 'hmac'")
