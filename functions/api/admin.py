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


@app.get(f"{PREFIX}/customers/<customer_id>/enrolments")
def get_enrolments(tenant_id: str, customer_id: str) -> Response[str]:
    return _json(200, {"runs": [_run(r) for r in controls.enrolments(runtime(), tenant_id, customer_id)]})


@app.get(f"{PREFIX}/workflows/<workflow_id>/nodes/<node_id>/runs")
def get_waiting(tenant_id: str, workflow_id: str, node_id: str) -> Response[str]:
    return _json(200, {"runs": [_run(r) for r in controls.waiting_in(runtime(), tenant_id, workflow_id, node_id)]})


@app.post(f"{PREFIX}/runs/<run_id>/pause")
def post_pause(tenant_id: str, run_id: str, body: PauseBody) -> Response[str]:
    return _json(200, _run(controls.pause_run(runtime(), tenant_id, run_id, body.until, body.note)))


@app.post(f"{PREFIX}/runs/<run_id>/<control>")
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


@app.get(f"{PREFIX}/runs/<run_id>/explain")
def get_explain(tenant_id: str, run_id: str, at: datetime | None = None) -> Response[str]:
    rt = runtime()
    return _json(200, controls.explain_run(rt, tenant_id, run_id, at or rt.clock.now()).to_dict())


@app.post(f"{PREFIX}/workflows/<workflow_id>/reschedule")
def post_reschedule(tenant_id: str, workflow_id: str, body: RescheduleBody) -> Response[str]:
    moved = controls.reschedule(runtime(), tenant_id, workflow_id, body.node_id, body.start, body.end, body.new_time)
    return _json(200, {"moved": moved})


@app.get(f"{PREFIX}/workflows")
def get_workflows(tenant_id: str) -> Response[str]:
    rt = runtime()
    workflows = [w.model_dump(mode="json") for w in controls.list_workflows(rt, tenant_id)]
    return _json(200, {"workflows": workflows, "alerts": alert_routes.by_workflow(rt, tenant_id)})


@app.put(f"{PREFIX}/workflows/<workflow_id>")
def put_workflow(tenant_id: str, workflow_id: str) -> Response[str]:
    try:
        definition = app.current_event.json_body
    except json.JSONDecodeError:
        return _json(422, {"message": "invalid workflow", "problems": [{"path": "", "reason": "not valid JSON"}]})
    return _saved(controls.save_workflow(runtime(), tenant_id, definition, workflow_id))


@app.post(f"{PREFIX}/workflows/<workflow_id>/duplicate")
def post_duplicate(tenant_id: str, workflow_id: str, body: DuplicateBody) -> Response[str]:
    return _saved(controls.duplicate_workflow(runtime(), tenant_id, workflow_id, body.new_id, body.name))


@app.post(f"{PREFIX}/workflows/<workflow_id>/<change>")
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
