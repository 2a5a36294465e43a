"""The enrolment state machine from the same ASL file the runtime tests run on moto, placeholders substituted by
CloudFormation (``DefinitionSubstitutions``); X-Ray tracing and logging of every event (without execution data)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.stage import Stage
from shared.platform.functions import STATE_MACHINE_FUNCTIONS
from shared.platform.statemachine import ASL_FILE

# what aws-cdk-lib's Table.grant_read_write_data grants on a table's customer-managed key
TABLE_KEY_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*")


class EnrolmentStateMachine(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: Stage,
        name: str,
        functions: dict[str, lambda_.Function],
        core_table: dynamodb.Table,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        task_functions = {placeholder: functions[spec.key] for placeholder, spec in STATE_MACHINE_FUNCTIONS.items()}
        log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/vendedlogs/states/{name}",  # the prefix AWS recommends for vended logs
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
            encryption_key=encryption_key,
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=name,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(ASL_FILE.read_text(encoding="utf-8")),
            definition_substitutions={
                **{placeholder: fn.function_arn for placeholder, fn in task_functions.items()},
                "CoreTableName": core_table.table_name,
            },
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            removal_policy=stage.removal_policy,
        )
        # the definition is a file, so CDK cannot infer the task permissions: exactly these functions, no versions
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"], resources=[fn.function_arn for fn in task_functions.values()]
            )
        )
        # the Park state writes the task token on the run item
        self.state_machine.add_to_role_policy(
            iam.PolicyStatement(actions=["dynamodb:UpdateItem"], resources=[core_table.table_arn])
        )
        if core_table.encryption_key is not None:
            # an encrypted table is read and written through its key: the same key actions CDK grants the functions
            core_table.encryption_key.grant(self.state_machine, *TABLE_KEY_ACTIONS)
        cdk.Tags.of(self).add("chaseflow:component", "enrolment")
