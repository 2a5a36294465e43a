"""HTTP API (payload v2): the run controls and workflow administration of one tenant (flow 6).

Authentication is IAM/JWT at API Gateway (configured by the CDK app): this handler trusts the gateway's caller.
"""

import json
from datetime import datetime
from typing import Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, ConfigDict

from functions.api import alert_routes
from functions.api.responses import (
    BAD_REQUEST,
    RUN_CONTROL,
    RUN_NOT_FOUND,
    SAVED,
    WORKFLOW_NOT_FOUND,
    WORKFLOW_REFUSED,
    Moved,
    RequestInvalid,
    RunExplanation,
    RunList,
    WorkflowList,
    WorkflowRefused,
    answer,
)
from functions.wiring import runtime
from shared.domain.engine.run import RunState
from shared.domain.lints import Lint
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import WorkflowInvalid
from shared.errors import RunChanged
from shared.observability import logger, metrics
from shared.usecases import controls

app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(alert_routes.router)
app.exception_handler(list(alert_routes.REFUSALS))(alert_routes.refused)
PREFIX = "/v1/tenants/<tenant_id>"


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PauseBody(_Body):
    until: AwareDatetime | None = None
    note: str = ""


class RescheduleBody(_Body):
    node_id: str | None = None
    start: AwareDatetime
    end: AwareDatetime
    new_time: AwareDatetime


class DuplicateBody(_Body):
    new_id: str
    name: str | None = None


@app.get(
    f"{PREFIX}/customers/<customer_id>/enrolments",
    summary="A customer's enrolments",
    description="The customer's current and previous runs, newest first (an unknown customer has none).",
    tags=["runs"],
    responses={200: answer("the customer's runs", RunList)},
)
def get_enrolments(tenant_id: str, customer_id: str) -> Response[str]:
    return _json(200, {"runs": [_run(r) for r in controls.enrolments(runtime(), tenant_id, customer_id)]})


@app.get(
    f"{PREFIX}/workflows/<workflow_id>/nodes/<node_id>/runs",
    summary="The runs waiting in a node",
    description="The workflow's active runs whose cursor is the node, longest waiting first.",
    tags=["runs"],
    responses={200: answer("the active runs at the node", RunList)},
)
def get_waiting(tenant_id: str, workflow_id: str, node_id: str) -> Response[str]:
    return _json(200, {"runs": [_run(r) for r in controls.waiting_in(runtime(), tenant_id, workflow_id, node_id)]})


@app.post(
    f"{PREFIX}/runs/<run_id>/pause",
    summary="Pause a run",
    description="Hold the run until `until` (indefinitely without it); it parks again until then.",
    tags=["runs"],
    responses=RUN_CONTROL,
)
def post_pause(tenant_id: str, run_id: str, body: PauseBody) -> Response[str]:
    return _json(200, _run(controls.pause_run(runtime(), tenant_id, run_id, body.until, body.note)))


@app.post(
    f"{PREFIX}/runs/<run_id>/<control>",
    summary="Resume, stop, run now, skip or retry a run",
    description=(
        "`resume` lifts a person's hold; `stop` ends the run for good; `run-now` skips the current wait or send "
        "time; `skip` leaves the current node without acting; `retry` starts a failed run again at its node, in "
        "its next generation (409 when the run did not fail, or its record was enrolled again since)."
    ),
    tags=["runs"],
    responses=RUN_CONTROL,
)
def post_control(
    tenant_id: str, run_id: str, control: Literal["resume", "stop", "run-now", "skip", "retry"]
) -> Response[str]:
    operation = {
        "resume": controls.resume_run,
        "stop": controls.stop_run,
        "run-now": controls.run_now,
        "skip": controls.skip_node,
        "retry": controls.retry_run,
    }[control]
    return _json(200, _run(operation(runtime(), tenant_id, run_id)))


@app.get(
    f"{PREFIX}/runs/<run_id>/explain",
    summary="Explain a run",
    description="Why the run stands where it does and what it does next, at `at` (default: now).",
    tags=["runs"],
    responses={
        200: answer("the explanation", RunExplanation),
        404: RUN_NOT_FOUND,
        422: answer("`at` is not an ISO 8601 date-time", RequestInvalid),
    },
)
def get_explain(tenant_id: str, run_id: str, at: datetime | None = None) -> Response[str]:
    rt = runtime()
    return _json(200, controls.explain_run(rt, tenant_id, run_id, at or rt.clock.now()).to_dict())


@app.post(
    f"{PREFIX}/workflows/<workflow_id>/reschedule",
    summary="Reschedule waiting runs",
    description=(
        "Move every run of the workflow (at `node_id` when given) waiting for a time in [`start`, `end`) to "
        "`new_time`. The executions stay parked; the scheduler resumes them then."
    ),
    tags=["workflows"],
    responses={200: answer("the runs moved", Moved), 422: BAD_REQUEST},
)
def post_reschedule(tenant_id: str, workflow_id: str, body: RescheduleBody) -> Response[str]:
    moved = controls.reschedule(runtime(), tenant_id, workflow_id, body.node_id, body.start, body.end, body.new_time)
    return _json(200, {"moved": moved})


@app.get(
    f"{PREFIX}/workflows",
    summary="List workflows",
    description="The tenant's workflows (current versions) and the active alerts of each.",
    tags=["workflows"],
    responses={200: answer("the workflows and their active alerts", WorkflowList)},
)
def get_workflows(tenant_id: str) -> Response[str]:
    rt = runtime()
    workflows = [w.model_dump(mode="json") for w in controls.list_workflows(rt, tenant_id)]
    return _json(200, {"workflows": workflows, "alerts": alert_routes.by_workflow(rt, tenant_id)})


@app.put(
    f"{PREFIX}/workflows/<workflow_id>",
    summary="Save a workflow",
    description=(
        "Validate the definition in the body (docs/workflow.schema.json), lint it against the tenant's active "
        "workflows and store it; a changed definition is a new version. The body's `id` must be the path's."
    ),
    tags=["workflows"],
    responses={**SAVED, 422: answer("the body is not JSON, or not a valid workflow", WorkflowRefused)},
)
def put_workflow(tenant_id: str, workflow_id: str) -> Response[str]:
    try:
        definition = app.current_event.json_body
    except json.JSONDecodeError:
        return _json(422, {"message": "invalid workflow", "problems": [{"path": "", "reason": "not valid JSON"}]})
    return _saved(controls.save_workflow(runtime(), tenant_id, definition, workflow_id))


@app.post(
    f"{PREFIX}/workflows/<workflow_id>/duplicate",
    summary="Duplicate a workflow",
    description="A copy of the workflow under `new_id`, as a draft (422 when `new_id` is taken).",
    tags=["workflows"],
    responses={**SAVED, 404: WORKFLOW_NOT_FOUND, 422: WORKFLOW_REFUSED},
)
def post_duplicate(tenant_id: str, workflow_id: str, body: DuplicateBody) -> Response[str]:
    return _saved(controls.duplicate_workflow(runtime(), tenant_id, workflow_id, body.new_id, body.name))


@app.post(
    f"{PREFIX}/workflows/<workflow_id>/<change>",
    summary="Activate or deactivate a workflow",
    description=(
        "Activation lints the workflow against the other active ones; a deactivated workflow's runs stop at "
        "their next step."
    ),
    tags=["workflows"],
    responses={**SAVED, 404: WORKFLOW_NOT_FOUND, 422: WORKFLOW_REFUSED},
)
def post_status(tenant_id: str, workflow_id: str, change: Literal["activate", "deactivate"]) -> Response[str]:
    status = "active" if change == "activate" else "inactive"
    return _saved(controls.set_status(runtime(), tenant_id, workflow_id, status))


@app.exception_handler(  # type: ignore[untyped-decorator]  # Powertools does not annotate this decorator
    [controls.NotFound, controls.RunFinished, RunChanged, WorkflowInvalid]
)
def _refused(error: Exception) -> Response[str]:
    if isinstance(error, controls.NotFound):
        return _json(404, {"message": f"not found: {error}"})
    if isinstance(error, controls.RunFinished | RunChanged):
        return _json(409, {"message": str(error)})
    problems = error.problems if isinstance(error, WorkflowInvalid) else []
    return _json(
        422, {"message": "invalid workflow", "problems": [{"path": p.path, "reason": p.message} for p in problems]}
    )


def _run(run: RunState) -> dict[str, Any]:
    return run.model_dump(mode="json")


def _lint(lint: Lint) -> dict[str, Any]:
    return {
        "code": lint.code,
        "name": lint.name,
        "severity": lint.severity.value,
        "message": lint.message,
        "fix": lint.fix,
        "path": lint.path,
        "related": list(lint.related),
    }


def _saved(result: tuple[Workflow, list[Lint]]) -> Response[str]:
    workflow, lints = result
    return _json(200, {"workflow": workflow.model_dump(mode="json"), "lints": [_lint(x) for x in lints]})


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status, "application/json", json.dumps(body))


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
