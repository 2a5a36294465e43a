"""Run controls and workflow administration (flow 6) through the real admin handler: the API Gateway event
reaches it through ``lambda.invoke``, the controls wake the parked executions of the real state machine."""

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3

from functions import wiring
from shared.domain.ledger.models import Customer
from tests.integration import test_payment_stops as dunning
from tests.integration.conftest import wait_for
from tests.integration.test_runtime_flow import parked, tasks, tick

EVENTS = Path(__file__).resolve().parents[1] / "events" / "apigw"
ROOT = "/v1/tenants/acme-uk"


def call(
    stack, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Invoke the admin function as API Gateway does (the sample event carrying another request)."""
    event = copy.deepcopy(json.loads((EVENTS / "admin_pause.json").read_text()))
    text = "" if body is None else body if isinstance(body, str) else json.dumps(body)
    event["rawPath"] = ROOT + path
    event["rawQueryString"] = urlencode(query or {})
    if query:
        event["queryStringParameters"] = query
    event["requestContext"]["http"] |= {"method": method, "path": ROOT + path}
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {ROOT}{path}"
    event["headers"]["content-length"] = str(len(text.encode()))
    event["body"] = text or None
    response = boto3.client("lambda").invoke(FunctionName=stack.functions["admin"], Payload=json.dumps(event))
    assert "FunctionError" not in response, response["Payload"].read()
    answer = json.loads(response["Payload"].read())
    return answer["statusCode"], json.loads(answer["body"])


def waiting_a_week(stack, clock) -> str:
    """Monday 08:00: the dunning sweep enrols cus-1, creates the first call task, and parks it for a week."""
    dunning.seed()
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    run = wait_for(dunning.the_run)
    wait_for(lambda: parked(run.run_id) and len(tasks()) == 1)
    return run.run_id


def stored(run_id: str):
    return wiring.runtime().runs.get("acme-uk", run_id)


def test_a_paused_run_waits_past_its_step_until_the_pause_ends(stack, clock):
    # GIVEN a run waiting a week (until Monday 9 November 08:00)
    run_id = waiting_a_week(stack, clock)
    # WHEN a person pauses it until Thursday 12 November 09:00 through the sample request
    status, body = call(stack, "POST", f"/runs/{run_id}/pause", {"until": "2026-11-12T09:00:00Z", "note": "holiday"})
    # THEN it is held and re-parks until then
    assert status == 200 and body["hold"] == {"until": "2026-11-12T09:00:00Z", "note": "holiday"}
    wait_for(lambda: parked(run_id) and stored(run_id).next_run_at == "2026-11-12T09:00:00Z")
    # WHEN its week is over but the pause is not
    clock.set(clock.now() + timedelta(days=7))
    # THEN the scheduler does not resume it
    assert tick(stack)["resumed"] == 0
    assert len(tasks()) == 1
    # WHEN the pause ends
    clock.set(clock.now().replace(day=12, hour=9))
    # THEN the scheduler resumes it and the second call is created
    assert tick(stack)["resumed"] == 1
    wait_for(lambda: len(tasks()) == 2)


def test_a_stopped_run_never_acts_again(stack, clock):
    # GIVEN a run waiting a week
    run_id = waiting_a_week(stack, clock)
    # WHEN a person stops it
    status, body = call(stack, "POST", f"/runs/{run_id}/stop")
    # THEN it is stopped, out of the due index, and a second stop is a conflict
    assert (status, body["status"], body["end_reason"]) == (200, "stopped", "stopped_by_user")
    assert stored(run_id).next_run_at is None
    assert call(stack, "POST", f"/runs/{run_id}/stop")[0] == 409
    # AND a week later nothing happens
    clock.advance(timedelta(days=7))
    assert tick(stack)["resumed"] == 0
    assert [t.title for t in tasks()] == ["First reminder call"]


def test_run_now_acts_at_once_although_the_wait_is_not_over(stack, clock):
    # GIVEN a run waiting a week
    run_id = waiting_a_week(stack, clock)
    # WHEN a person asks to run it now and the scheduler ticks
    status, body = call(stack, "POST", f"/runs/{run_id}/run-now")
    tick(stack)
    # THEN the second call is created today
    assert (status, body["run_now"]) == (200, True)
    wait_for(lambda: len(tasks()) == 2)
    assert [t.title for t in tasks()] == ["First reminder call", "Second reminder call"]


def test_skip_leaves_the_current_node(stack, clock):
    # GIVEN a run waiting a week
    run_id = waiting_a_week(stack, clock)
    # WHEN a person skips the wait
    status, body = call(stack, "POST", f"/runs/{run_id}/skip")
    # THEN the run moved past it (recorded as skipped) and the second call is created
    assert (status, body["node_id"]) == (200, "second-call")
    assert body["history"][-1]["node_id"] == "week" and body["history"][-1]["outcome"] == "skipped"
    wait_for(lambda: len(tasks()) == 2)


def test_reschedule_moves_the_selected_waiting_runs_only(stack, clock):
    # GIVEN two customers waiting a week, the second enrolled a day later (and an unknown run is not found)
    run_id = waiting_a_week(stack, clock)
    rt = wiring.runtime()
    rt.ledger.put(Customer(tenant_id="acme-uk", id="cus-2", name="Beta Ltd", currency="GBP", country="GB"))
    rt.ledger.put(dunning.OVERDUE.model_copy(update={"id": "inv-2", "customer_id": "cus-2", "number": "INV-2"}))
    second = call(stack, "POST", "/runs/x/pause", {})  # an unknown run
    assert second[0] == 404
    clock.advance(timedelta(days=1))
    tick(stack)
    other = wait_for(lambda: (runs := rt.runs.of_customer("acme-uk", "cus-2")) and runs[0])
    wait_for(lambda: parked(other.run_id))
    assert stored(other.run_id).next_run_at == "2026-11-10T08:00:00Z"
    # WHEN the sends due on Monday 9 November at the wait node are moved to Wednesday 10:00
    request = {"node_id": "week", "start": "2026-11-09T00:00:00Z", "end": "2026-11-10T00:00:00Z"}
    status, body = call(
        stack, "POST", "/workflows/overdue-customers/reschedule", request | {"new_time": "2026-11-11T10:00:00Z"}
    )
    # THEN only the first run moved
    assert (status, body["moved"]) == (200, [run_id])
    assert stored(run_id).next_run_at == "2026-11-11T10:00:00Z"
    assert stored(other.run_id).next_run_at == "2026-11-10T08:00:00Z"
    # AND both are listed as waiting in the node, and as the customers' enrolments
    status, body = call(stack, "GET", "/workflows/overdue-customers/nodes/week/runs")
    assert sorted(r["run_id"] for r in body["runs"]) == sorted([run_id, other.run_id])
    assert [r["run_id"] for r in call(stack, "GET", "/customers/cus-1/enrolments")[1]["runs"]] == [run_id]


def test_explain_a_run(stack, clock):
    # GIVEN a run waiting a week
    run_id = waiting_a_week(stack, clock)
    # WHEN a person asks why it waits
    status, body = call(stack, "GET", f"/runs/{run_id}/explain")
    # THEN the explanation names the run, its node and the wait's end
    assert status == 200
    assert body["run"]["run_id"] == run_id and body["decision"]["kind"] == "wait"
    assert body["decision"]["at"] == "2026-11-09T08:00:00+00:00"


def test_workflow_save_validates_lints_and_deactivation_stops_running_enrolments(stack, clock):
    # GIVEN a run of the active dunning workflow waiting a week
    run_id = waiting_a_week(stack, clock)
    definition = wiring.runtime().workflows.current("acme-uk", "overdue-customers").model_dump(mode="json")
    # WHEN an invalid definition is put
    status, body = call(stack, "PUT", "/workflows/broken", {**definition, "id": "broken", "trigger": {"type": "x"}})
    # THEN it is refused with the path of the problem
    assert status == 422
    assert any(p["path"].startswith("trigger") for p in body["problems"])
    # WHEN a draft overlapping the active workflow is put
    status, body = call(stack, "PUT", "/workflows/copy", {**definition, "id": "copy", "status": "draft"})
    # THEN it is stored with the overlap warning, and both are listed
    assert status == 200 and body["workflow"]["id"] == "copy"
    assert "W001" in [lint["code"] for lint in body["lints"]]
    assert [w["id"] for w in call(stack, "GET", "/workflows")[1]["workflows"]] == ["copy", "overdue-customers"]
    # WHEN the dunning workflow is deactivated and the week passes
    assert call(stack, "POST", "/workflows/overdue-customers/deactivate")[1]["workflow"]["status"] == "inactive"
    clock.advance(timedelta(days=7))
    tick(stack)
    # THEN the running enrolment stops at its next step without acting
    wait_for(lambda: stored(run_id).state.status.value == "stopped")
    assert stored(run_id).state.end_reason == "workflow_deactivated"
    assert [t.title for t in tasks()] == ["First reminder call"]


def test_duplicate_makes_a_draft_and_unknown_workflows_are_404(stack):
    # GIVEN the dunning workflow
    dunning.seed()
    # WHEN it is duplicated, and an unknown workflow is activated
    status, body = call(stack, "POST", "/workflows/overdue-customers/duplicate", {"new_id": "dunning-b"})
    missing = call(stack, "POST", "/workflows/nope/activate")
    # THEN the copy is a draft of the same steps, and the unknown one is not found
    assert (status, body["workflow"]["id"], body["workflow"]["status"]) == (200, "dunning-b", "draft")
    assert [n["id"] for n in body["workflow"]["nodes"]] == ["first-call", "week", "second-call"]
    assert missing[0] == 404
