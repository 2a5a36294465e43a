"""``chaseflow admin`` end to end: the CLI builds and signs its requests, a transport plays API Gateway and hands
them to the real admin function on the moto stack, and the controls move the real state machine's runs."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import admin_session
from cli.api_client import AdminClient
from cli.main import main
from functions import wiring
from tests.integration.api_gateway import ApiGatewayTransport
from tests.integration.conftest import wait_for
from tests.integration.test_controls import stored, waiting_a_week
from tests.integration.test_payment_stops import DUNNING
from tests.integration.test_runtime_flow import tasks, tick

API = "https://r4nd0m1d.execute-api.us-east-1.amazonaws.com"


@pytest.fixture
def gateway(stack) -> Iterator[ApiGatewayTransport]:
    transport = ApiGatewayTransport(stack.functions["admin"])
    admin_session.use_client_factory(lambda api, tenant: AdminClient(api, tenant, transport=transport))
    yield transport
    admin_session.use_client_factory(AdminClient)


def chaseflow(*args: str) -> Result:
    return CliRunner().invoke(main, ["admin", *args, "--api", API, "--tenant", "acme-uk"])


def test_pause_holds_a_parked_run_past_its_wait_and_resume_lets_it_go_on(stack, clock, gateway):
    # GIVEN a run parked on a week's wait
    run_id = waiting_a_week(stack, clock)
    # WHEN it is paused from the command line, with no end
    paused = chaseflow("pause", run_id, "--note", "disputed invoice")
    # THEN the answer shows the hold, the request was signed for execute-api, and the run re-parks held
    assert paused.exit_code == 0, paused.output
    assert run_id in paused.output and "held until resumed" in paused.output
    authorization = gateway.sent[-1].headers["Authorization"]
    assert (
        authorization.startswith("AWS4-HMAC-SHA256 Credential=")
        and "/us-east-1/execute-api/aws4_request" in authorization
    )
    wait_for(lambda: stored(run_id).parking == "WAITING" and stored(run_id).state.hold is not None)
    # WHEN the week passes
    clock.advance(timedelta(days=7))
    # THEN nothing happens while the pause holds
    assert tick(stack)["resumed"] == 0
    assert len(tasks()) == 1
    # WHEN it is resumed from the command line
    resumed = chaseflow("resume", run_id, "--json")
    # THEN the hold is gone and the second call is created at once
    assert resumed.exit_code == 0, resumed.output
    assert '"hold": null' in resumed.output
    wait_for(lambda: len(tasks()) == 2)
    # AND the customer's enrolments list it
    listed = chaseflow("enrolments", "cus-1")
    assert listed.exit_code == 0 and run_id in listed.output and "overdue-customers v1" in listed.output


def test_pause_until_a_date_and_waiting_in_a_node(stack, clock, gateway):
    # GIVEN a run parked on a week's wait
    run_id = waiting_a_week(stack, clock)
    # WHEN it is paused until Thursday 12 November 09:00
    paused = chaseflow("pause", run_id, "--until", "2026-11-12T09:00:00Z")
    # THEN it re-parks until then, and the node lists it as waiting
    assert paused.exit_code == 0 and "held until 2026-11-12T09:00:00Z" in paused.output
    wait_for(lambda: stored(run_id).next_run_at == "2026-11-12T09:00:00Z")
    waiting = chaseflow("waiting", "overdue-customers", "week")
    assert waiting.exit_code == 0 and run_id in waiting.output
    # AND a date without a timezone is refused before any request
    sent = len(gateway.sent)
    naive = chaseflow("pause", run_id, "--until", "2026-11-12T09:00:00")
    assert naive.exit_code == 2 and "has no timezone" in naive.output and len(gateway.sent) == sent


def test_stop_then_stop_again_is_a_conflict_and_an_unknown_run_is_not_found(stack, clock, gateway):
    # GIVEN a run parked on a week's wait
    run_id = waiting_a_week(stack, clock)
    # WHEN it is stopped twice, and an unknown run is stopped
    first, second, unknown = chaseflow("stop", run_id), chaseflow("stop", run_id), chaseflow("stop", "run_nope")
    # THEN the first stops it, the second is refused with the API's reason, the unknown one is not found
    assert first.exit_code == 0 and "stopped (stopped_by_user)" in first.output
    assert second.exit_code == 1 and f"error: HTTP 409: run {run_id} is stopped" in second.output
    assert unknown.exit_code == 1 and "error: HTTP 404: not found: run run_nope" in unknown.output
    # AND a week later the stopped run has not acted
    clock.advance(timedelta(days=7))
    tick(stack)
    assert [t.title for t in tasks()] == ["First reminder call"]


def test_run_now_skip_and_explain(stack, clock, gateway):
    # GIVEN a run parked on a week's wait
    run_id = waiting_a_week(stack, clock)
    # WHEN it is explained
    explained = chaseflow("explain", run_id, "--at", "2026-11-02T08:30:00Z")
    # THEN the explanation says it waits until Monday 9 November 08:00, as of the time asked
    assert explained.exit_code == 0, explained.output
    assert "next: wait at 2026-11-09T08:00:00+00:00" in explained.output
    assert gateway.sent[-1].url.endswith("/explain?at=2026-11-02T08%3A30%3A00%2B00%3A00")
    # WHEN the wait is skipped
    skipped = chaseflow("skip", run_id)
    # THEN the run moved to the second call, which is created
    assert skipped.exit_code == 0 and "at second-call" in skipped.output
    wait_for(lambda: len(tasks()) == 2)


def test_reschedule_moves_the_waiting_runs_of_a_node(stack, clock, gateway):
    # GIVEN a run due at the wait node on Monday 9 November 08:00
    run_id = waiting_a_week(stack, clock)
    # WHEN the sends due that Monday are moved to Wednesday 10:00
    moved = chaseflow(
        "reschedule",
        "overdue-customers",
        "--node",
        "week",
        "--start",
        "2026-11-09T00:00:00Z",
        "--end",
        "2026-11-10T00:00:00Z",
        "--to",
        "2026-11-11T10:00:00Z",
    )
    # THEN the run moved
    assert moved.exit_code == 0, moved.output
    assert "moved 1 run(s) to 2026-11-11T10:00:00+00:00" in moved.output and run_id in moved.output
    assert stored(run_id).next_run_at == "2026-11-11T10:00:00Z"


def test_workflows_save_lint_list_duplicate_and_deactivate(stack, gateway, tmp_path: Path):
    # GIVEN a tenant with the dunning workflow, a draft copy of it in YAML and a broken one in JSON
    from tests.integration.test_payment_stops import seed

    seed()
    draft = tmp_path / "copy.yaml"
    draft.write_text(DUNNING.replace("id: overdue-customers", "id: copy").replace("status: active", "status: draft"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "broken", "name": "Broken", "trigger": {"type": "x"}, "nodes": []}')
    # WHEN both are saved
    saved, refused = chaseflow("workflows", "save", str(draft)), chaseflow("workflows", "save", str(broken))
    # THEN the draft is stored with the overlap warning; the broken one is refused with the path of each problem
    assert saved.exit_code == 0, saved.output
    assert "saved copy v1 (draft)" in saved.output and "W001" in saved.output
    assert refused.exit_code == 1 and "error: HTTP 422: invalid workflow" in refused.output
    assert "  trigger" in refused.output
    # WHEN the workflows are listed, the dunning one duplicated and then deactivated
    listed = chaseflow("workflows", "list", "--json")
    duplicated = chaseflow("workflows", "duplicate", "overdue-customers", "dunning-b")
    deactivated = chaseflow("workflows", "deactivate", "overdue-customers")
    # THEN each answer says so, and the stored workflow is inactive
    assert '"id": "copy"' in listed.output and '"id": "overdue-customers"' in listed.output
    assert duplicated.exit_code == 0 and "saved dunning-b v1 (draft)" in duplicated.output
    assert deactivated.exit_code == 0 and "(inactive)" in deactivated.output
    assert wiring.runtime().workflows.current("acme-uk", "overdue-customers").status == "inactive"
    # AND activating an unknown workflow is not found
    missing = chaseflow("workflows", "activate", "nope")
    assert missing.exit_code == 1 and "HTTP 404" in missing.output
