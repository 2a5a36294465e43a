"""The HTTP API serves every route of the function specs; admin routes need IAM, the webhook is checked by HMAC."""

import pytest

from shared.platform.functions import FUNCTIONS
from tests.infra.conftest import properties

ROUTES = [(spec, route) for spec in FUNCTIONS for route in spec.api_routes]
AUTHORIZATION = {"iam": "AWS_IAM", "hmac": "NONE"}


@pytest.mark.parametrize(("spec", "route_key"), ROUTES, ids=[r for _, r in ROUTES])
def test_every_route_is_served_with_its_authorisation(template, spec, route_key):
    # GIVEN a route of a function spec
    routes = {r["RouteKey"]: r for r in properties(template, "AWS::ApiGatewayV2::Route").values()}
    integrations = properties(template, "AWS::ApiGatewayV2::Integration")
    # WHEN the deployed route is looked up
    route = routes[route_key]
    integration = integrations[route["Target"]["Fn::Join"][1][1]["Ref"]]
    # THEN it is authorised as the spec says and integrates the spec's function (payload v2)
    assert route["AuthorizationType"] == AUTHORIZATION[spec.api_auth]
    assert integration["PayloadFormatVersion"] == "2.0"
    assert integration["IntegrationUri"]["Fn::GetAtt"][1] == "Arn"


def test_admin_routes_are_never_open(template):
    # GIVEN every route without authorisation at the gateway
    open_routes = {r["RouteKey"] for r in properties(template, "AWS::ApiGatewayV2::Route").values()
                   if r["AuthorizationType"] == "NONE"}  # fmt: skip
    # THEN they are exactly the routes of functions that check a signature themselves
    assert open_routes == {route for spec, route in ROUTES if spec.api_auth == "hmac"}


def test_the_stage_logs_access_and_throttles(template):
    # GIVEN the API's stage
    (stage,) = properties(template, "AWS::ApiGatewayV2::Stage").values()
    # THEN every request is logged and bursts are throttled
    assert stage["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][1] == "Arn"
    assert "$context.requestId" in stage["AccessLogSettings"]["Format"]
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
