"""``chaseflow local`` in-process: the HTTP API on an ephemeral port over the local stack, a signed webhook, a
restart from the same state directory, and the scheduler resuming the run the previous process had parked."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from emulator.server import LocalRuntime
from emulator.state import StateDirBusy
from functions import wiring
from shared.clock import FixedClock
from shared.domain.webhooks import sign
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import START, wait_for
from tests.integration.test_ingest import SECRET, sample
from tests.integration.test_runtime_flow import TENANT, WORKFLOW, parked, tasks

RECORDS = "/v1/tenants/acme-uk/records"


@contextmanager
def serving(state_dir: Path, clock: FixedClock) -> Iterator[LocalRuntime]:
    """``chaseflow local`` on any free port, its scheduler off (the test ticks), stopped at the end of the block."""
    runtime = LocalRuntime(state_dir, port=0, clock=clock, tick_every_s=None)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.stop()


def request(runtime: LocalRuntime, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[int, Any]:
    call = urllib.request.Request(runtime.url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post_signed(runtime: LocalRuntime, clock: FixedClock, body: str, secret: str = SECRET) -> tuple[int, Any]:
    timestamp = int(clock.now().timestamp())
    headers = {
        "content-type": "application/json",
        "x-chaseflow-timestamp": str(timestamp),
        "x-chaseflow-signature": sign(secret, timestamp, body.encode()),
    }
    return request(runtime, "POST", RECORDS, body.encode(), headers)


def enrolments(runtime: LocalRuntime) -> list[dict[str, Any]]:
    status, body = request(runtime, "GET", "/v1/tenants/acme-uk/customers/cus-1/enrolments")
    assert status == 200
    return body["runs"]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def test_a_signed_webhook_is_kept_across_a_restart_and_its_parked_run_resumes(tmp_path, clock):
    # GIVEN chaseflow local serving a tenant with its webhook secret and an invoice-created workflow
    with serving(tmp_path, clock) as runtime:
        runtime.register_tenant(TENANT, SECRET)
        runtime.load_definitions("acme-uk", [load_workflow_text(WORKFLOW)])
        # WHEN the ERP posts a signed batch (customer, contact, invoice) over HTTP
        status, body = post_signed(runtime, clock, sample("signed_batch")["body"])
        # THEN the records are applied and the invoice is enrolled; its run parks until 08:00
        assert (status, body["counts"]) == (200, {"accepted": 3, "stale": 0, "rejected": 0})
        (run,) = enrolments(runtime)
        assert (run["workflow_id"], run["record_id"]) == ("new-invoice-check", "inv-1")
        wait_for(lambda: parked(run["run_id"]))
    # WHEN the command is started again on the same state directory
    with serving(tmp_path, clock) as again:
        # THEN the ledger record and the run are still there, and the run was restarted and parked again
        assert [r["run_id"] for r in enrolments(again)] == [run["run_id"]]
        assert again.restarted == [run["run_id"]]
        assert [i.id for i in wiring.runtime().ledger.view("acme-uk", "cus-1").invoices] == ["inv-1"]
        wait_for(lambda: parked(run["run_id"]))
        assert wiring.runtime().runs.get("acme-uk", run["run_id"]).next_run_at == "2026-11-02T08:00:00Z"
        assert tasks() == []
        # WHEN 08:00 comes and the scheduler ticks
        clock.set(clock.now().replace(hour=8))
        # THEN the tick resumes the run and its first task is created, once
        assert again.tick()["resumed"] == 1
        wait_for(lambda: len(tasks()) == 1 and parked(run["run_id"]))
        assert [t.title for t in tasks()] == ["Check the new invoice"]
    # AND the secret was written to the state directory for the ERP's developer
    assert (tmp_path / "tenants" / "acme-uk.secret").read_text().strip() == SECRET


def test_a_bad_signature_gets_401_and_an_unknown_route_404(tmp_path, clock):
    # GIVEN chaseflow local serving a tenant
    with serving(tmp_path, clock) as runtime:
        runtime.register_tenant(TENANT, SECRET)
        # WHEN a batch signed with another secret is posted, and a path no route matches is requested
        bad = post_signed(runtime, clock, sample("signed_batch")["body"], secret="whsec_not-the-tenants")
        unknown = request(runtime, "GET", "/v1/tenants/acme-uk/nothing-here")
        # THEN the first is refused with 401 and changes nothing; the second gets API Gateway's 404
        assert bad == (401, {"message": "invalid signature"})
        assert wiring.runtime().ledger.view("acme-uk", "cus-1") is None
        assert unknown == (404, {"message": "Not Found"})


def test_a_generated_secret_is_kept_across_restarts(tmp_path, clock):
    # GIVEN a tenant registered without a secret: one is generated and written to the state directory
    with serving(tmp_path, clock) as runtime:
        generated, secret_file = runtime.register_tenant(TENANT)
    assert generated.startswith("whsec_") and secret_file.read_text().strip() == generated
    # WHEN the command starts again and the tenant is registered again without a secret
    with serving(tmp_path, clock) as again:
        kept, _ = again.register_tenant(TENANT)
        # THEN the same secret is kept, and a batch signed with it is accepted
        status, body = post_signed(again, clock, sample("signed_batch")["body"], secret=generated)
    assert kept == generated
    assert (status, body["counts"]["accepted"]) == (200, 3)


def test_a_second_command_on_the_same_state_directory_is_refused(tmp_path, clock):
    # GIVEN chaseflow local serving from a state directory
    with serving(tmp_path, clock) as runtime:
        runtime.register_tenant(TENANT, SECRET)
        # WHEN a second one is started on the same directory
        second = LocalRuntime(tmp_path, port=0, clock=clock, tick_every_s=None)
        # THEN it is refused before it touches anything, and the first keeps serving
        with pytest.raises(StateDirBusy, match="another chaseflow local"):
            second.start()
        status, body = post_signed(runtime, clock, sample("signed_batch")["body"])
        assert (status, body["counts"]["accepted"]) == (200, 3)
