"""Every Lambda function from one factory, built from ``shared.platform.functions.FUNCTIONS``: python3.12 on
arm64, memory and timeout from the spec, JSON logs to a log group with the stage's retention, active tracing,
the Powertools layer and the dependencies layer, the common environment, failed async invocations to a DLQ."""

from __future__ import annotations

from dataclasses import replace

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.permissions import Wiring, grant_needs
from infra.packaging import dependencies_layer, lambda_code
from infra.stage import Stage
from shared.observability import METRICS_NAMESPACE, SERVICE
from shared.platform.functions import FUNCTIONS, FunctionSpec
from shared.platform.tables import TABLES

POWERTOOLS_ACCOUNT = "017000801446"  # AWS publishes the Powertools layers from this account
ASYNC_RETRY_ATTEMPTS = 2  # Lambda's own retries of a failed asynchronous invocation (the maximum)
ASYNC_MAX_EVENT_AGE = cdk.Duration.hours(6)


def construct_id(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id_: str,
        *,
        stage: Stage,
        tables: dict[str, dynamodb.Table],
        async_dlq: sqs.IQueue,
        wiring: Wiring,
    ) -> None:
        super().__init__(scope, construct_id_)
        self._stage, self._tables, self._async_dlq = stage, tables, async_dlq
        self._code = lambda_code()
        self._layers = [
            lambda_.LayerVersion.from_layer_version_arn(
                self,
                "Powertools",
                f"arn:{cdk.Aws.PARTITION}:lambda:{cdk.Aws.REGION}:{POWERTOOLS_ACCOUNT}:layer:"
                f"AWSLambdaPowertoolsPythonV3-python312-arm64:{stage.powertools_layer_version}",
            ),
            dependencies_layer(self, "Dependencies"),
        ]
        self.by_key: dict[str, lambda_.Function] = {}
        # functions that others invoke first, so that their ARNs can be handed to the others
        for spec in sorted(FUNCTIONS, key=lambda s: "invoke_sweep" in s.needs):
            wiring = replace(wiring, sweep=self.by_key.get("sweep"))
            self.by_key[spec.key] = self._function(spec, wiring)

    def _function(self, spec: FunctionSpec, wiring: Wiring) -> lambda_.Function:
        name = self._stage.resource_name(spec.key)
        scope = Construct(self, construct_id(spec.key))
        log_group = logs.LogGroup(
            scope,
            "Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=self._stage.log_retention,
            removal_policy=self._stage.removal_policy,
        )
        role = iam.Role(scope, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        # instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this function's log group only
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        fn = lambda_.Function(
            scope,
            "Function",
            function_name=name,
            description=spec.description[:256],
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler=spec.handler,
            code=self._code,
            layers=self._layers,
            memory_size=spec.memory_mb,
            timeout=cdk.Duration.seconds(spec.timeout_s),
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            tracing=lambda_.Tracing.ACTIVE,
            on_failure=destinations.SqsDestination(self._async_dlq),
            retry_attempts=ASYNC_RETRY_ATTEMPTS,
            max_event_age=ASYNC_MAX_EVENT_AGE,
        )
        environment = {
            "STAGE": self._stage.name,
            "POWERTOOLS_SERVICE_NAME": SERVICE,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
        for table in TABLES:
            if table.key in spec.tables:
                self._tables[table.key].grant_read_write_data(fn)
                environment[table.env_var] = self._tables[table.key].table_name
        environment |= grant_needs(fn, spec.needs, wiring)
        for variable, value in sorted(environment.items()):
            fn.add_environment(variable, value)
        return fn
