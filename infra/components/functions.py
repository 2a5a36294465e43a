"""Every Lambda function from one factory, built from ``shared.platform.functions.FUNCTIONS``: the platform's
runtime (the tests' Python) on arm64, memory and timeout from the spec, JSON logs at the stage's level to a log
group with the stage's retention (and key, if any), active tracing, the one dependencies layer built from
``uv.lock``, the common environment, failed async invocations to a DLQ."""

from __future__ import annotations

from dataclasses import replace

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.permissions import Wiring, grant_needs
from infra.packaging import ARCHITECTURE, dependencies_layer, lambda_code, lambda_runtime
from infra.stage import LogLevel, Stage
from shared.observability import METRICS_NAMESPACE, SERVICE
from shared.platform.functions import FUNCTIONS, FunctionSpec
from shared.platform.tables import TABLES

# Lambda's application log level (advanced logging controls) for each Powertools level. Powertools obeys Lambda's
# level over POWERTOOLS_LOG_LEVEL, so the two are always set together, from the one stage setting.
APPLICATION_LOG_LEVELS: dict[LogLevel, lambda_.ApplicationLogLevel] = {
    "DEBUG": lambda_.ApplicationLogLevel.DEBUG,
    "INFO": lambda_.ApplicationLogLevel.INFO,
    "WARNING": lambda_.ApplicationLogLevel.WARN,
    "ERROR": lambda_.ApplicationLogLevel.ERROR,
    "CRITICAL": lambda_.ApplicationLogLevel.FATAL,
}
ASYNC_RETRY_ATTEMPTS = 2  # Lambda's own retries of a failed asynchronous invocation (the maximum)
ASYNC_MAX_EVENT_AGE = cdk.Duration.hours(6)
STREAM_BATCH_SIZE = 10
STREAM_RETRY_ATTEMPTS = 10  # then the record goes to the async dead-letter queue (replayable), not lost


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
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id_)
        self._stage, self._tables, self._async_dlq = stage, tables, async_dlq
        self._encryption_key = encryption_key
        self._code = lambda_code()
        # one layer: every runtime dependency at the lock's version (no AWS-managed layer, no SDK from the image)
        self.dependencies = dependencies_layer(self, "Dependencies")
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
            encryption_key=self._encryption_key,
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
            runtime=lambda_runtime(),
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=self._code,
            layers=[self.dependencies],
            memory_size=spec.memory_mb,
            timeout=cdk.Duration.seconds(spec.timeout_s),
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=APPLICATION_LOG_LEVELS[self._stage.log_level],
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
            "POWERTOOLS_LOG_LEVEL": self._stage.log_level,
        }
        for table in TABLES:
            if table.key in spec.tables:
                self._tables[table.key].grant_read_write_data(fn)
                environment[table.env_var] = self._tables[table.key].table_name
        environment |= grant_needs(fn, spec.needs, wiring)
        for variable, value in sorted(environment.items()):
            fn.add_environment(variable, value)
        if spec.stream_source is not None:
            fn.add_event_source(self._stream(self._tables[spec.stream_source]))
        return fn

    def _stream(self, table: dynamodb.Table) -> sources.DynamoEventSource:
        """New items only (a put again of the same event is a MODIFY, an expiry a REMOVE): a record that fails is
        retried alone (partial batch responses, halving the batch), then dead-lettered rather than blocking the
        shard for a day."""
        return sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=STREAM_BATCH_SIZE,
            bisect_batch_on_error=True,
            report_batch_item_failures=True,
            retry_attempts=STREAM_RETRY_ATTEMPTS,
            on_failure=sources.SqsDlq(self._async_dlq),
            filters=[lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT")})],
        )
