"""The answers the OpenAPI document promises are the answers the handlers give.

The handlers build their bodies by hand, and the models of ``functions/api/responses.py`` only describe them. Each
scenario below sends a real API Gateway event through a resolver, with the use case replaced by one that returns
a real domain object or raises a real refusal; the body must validate against the model the route declares for
the status it got. The scenarios' statuses must be exactly the statuses the routes declare."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import TypeAdapter

from functions.api import admin, alert_routes, responses, webhooks
from shared.clock import FixedClock
from shared.domain.alerts import AlertKind, TransitionRefused
from shared.domain.alerts.models import Alert, AlertLevel, Candidate
from shared.domain.explain import explain
from shared.domain.ledger.views import Ledger
from shared.domain.lints import lint_all
from shared.domain.webhooks import (
    BatchTooLarge,
    BodyInvalid,
    FieldError,
    IngestReport,
    RecordResult,
    RequestExpired,
    SignatureInvalid,
    read_batch,
)
from shared.domain.workflow.loading import Problem, WorkflowInvalid
from shared.errors import RetryableError, RunChanged
from shared.usecases import alert_controls, controls
from shared.usecases.ingest import TenantUnknown
from tests.unit.engine import builders
from tests.unit.webhooks.support import body as batch_body
from tests.unit.webhooks.support import invoice, sample

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROOT = "/v1/tenants/acme"
FLOW = builders.workflow("customer_dunning")
RUN = builders.run_state(FLOW, "wait-7", NOW)
ALERT = Alert.raised(
    "acme", Candidate(kind=AlertKind.STUCK_RUNS, cause="run-test", level=AlertLevel.YELLOW, title="stuck"), NOW
)


def _routes() -> dict[str, Any]:
    """Powertools' routes of both resolvers by handler name (the resolvers keep them in these two lists)."""
    found = {}
    for app in (admin.app, webhooks.app):
        for route in app._static_routes + app._dynamic_routes:
            found[route.func.__name__] = route
    return found


ROUTES = _routes()


def _explanation() -> dict[str, Any]:
    ledger = Ledger.of([builders.customer(), builders.contact(), builders.invoice(due_on=NOW.date())])
    return explain(FLOW, builders.CUSTOMER_ID, ledger, NOW, builders.tenant(), [RUN]).to_dict()


def _fake(result: Any) -> Callable[..., Any]:
    """A use case that returns ``result``, or raises it when it is an exception."""

    def use_case(*_: Any, **__: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    return use_case


@pytest.fixture(autouse=True)
def _no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handlers ask for the runtime; here it holds only a clock (every use case is replaced). The workflow
    list shows each workflow's active alerts: one, unless a scenario replaces the listing."""
    rt = SimpleNamespace(clock=FixedClock(NOW))
    for module in (admin, alert_routes, webhooks):
        monkeypatch.setattr(module, "runtime", lambda: rt)
    monkeypatch.setattr(alert_controls, "list_alerts", _fake([ALERT]))


def _call(method: str, path: str, payload: Any = None, query: dict[str, str] | None = None) -> tuple[int, Any]:
    event = copy.deepcopy(sample("admin_pause"))
    text = payload if isinstance(payload, str) else "" if payload is None else json.dumps(payload)
    event |= {"rawPath": ROOT + path, "rawQueryString": "", "body": text or None, "pathParameters": {}}
    event["queryStringParameters"] = query
    event["requestContext"]["http"] |= {"method": method, "path": ROOT + path}
    answer = admin.app.resolve(event, SimpleNamespace())
    return int(answer["statusCode"]), json.loads(answer["body"])


def _check(handler: str, status: int, answer: Any) -> None:
    declared = ROUTES[handler].responses
    assert status in declared, f"{handler} answered {status}, which its responses= do not declare"
    model = declared[status]["content"][responses.JSON]["model"]
    TypeAdapter(model).validate_python(answer)  # raises, naming the field, when body and model part


ADMIN_SCENARIOS = [
    # (handler, use case replaced, its result, method, path, body, query, expected status)
    ("get_enrolments", (controls, "enrolments"), [RUN], "GET", "/customers/cust-1/enrolments", None, None, 200),
    ("get_waiting", (controls, "waiting_in"), [RUN], "GET", "/workflows/wf/nodes/wait-7/runs", None, None, 200),
    ("post_pause", (controls, "pause_run"), RUN, "POST", "/runs/r1/pause", {"note": "holiday"}, None, 200),
    ("post_pause", (controls, "pause_run"), controls.NotFound("run r1"), "POST", "/runs/r1/pause", {}, None, 404),
    ("post_pause", (controls, "pause_run"), controls.RunFinished("ended"), "POST", "/runs/r1/pause", {}, None, 409),
    ("post_pause", (controls, "pause_run"), RUN, "POST", "/runs/r1/pause", {"until": "soon"}, None, 422),
    ("post_control", (controls, "resume_run"), RUN, "POST", "/runs/r1/resume", None, None, 200),
    ("post_control", (controls, "stop_run"), RunChanged("changed"), "POST", "/runs/r1/stop", None, None, 409),
    ("post_control", (controls, "skip_node"), controls.NotFound("wf"), "POST", "/runs/r1/skip", None, None, 404),
    ("post_control", (controls, "retry_run"), RUN, "POST", "/runs/r1/rewind", None, None, 422),
    ("get_explain", (controls, "explain_run"), None, "GET", "/runs/r1/explain", None, None, 200),
    ("get_explain", (controls, "explain_run"), controls.NotFound("r1"), "GET", "/runs/r1/explain", None, None, 404),
    ("get_explain", (controls, "explain_run"), None, "GET", "/runs/r1/explain", None, {"at": "tuesday"}, 422),
    ("post_reschedule", (controls, "reschedule"), ["r1"], "POST", "/workflows/wf/reschedule",
     {"start": "2026-11-09T00:00:00Z", "end": "2026-11-10T00:00:00Z", "new_time": "2026-11-11T10:00:00Z"}, None, 200),
    ("post_reschedule", (controls, "reschedule"), [], "POST", "/workflows/wf/reschedule", {"start": 1}, None, 422),
    ("get_workflows", (controls, "list_workflows"), [FLOW], "GET", "/workflows", None, None, 200),
    ("put_workflow", (controls, "save_workflow"), None, "PUT", f"/workflows/{FLOW.id}", {"id": FLOW.id}, None, 200),
    ("put_workflow", (controls, "save_workflow"), None, "PUT", f"/workflows/{FLOW.id}", "{not json", None, 422),
    ("put_workflow", (controls, "save_workflow"), WorkflowInvalid("definition", [Problem("nodes", "empty")]),
     "PUT", f"/workflows/{FLOW.id}", {"id": FLOW.id}, None, 422),
    ("post_duplicate", (controls, "duplicate_workflow"), None, "POST", "/workflows/wf/duplicate", {"new_id": "b"},
     None, 200),
    ("post_duplicate", (controls, "duplicate_workflow"), controls.NotFound("workflow wf"), "POST",
     "/workflows/wf/duplicate", {"new_id": "b"}, None, 404),
    ("post_duplicate", (controls, "duplicate_workflow"), WorkflowInvalid("duplicate", [Problem("id", "exists")]),
     "POST", "/workflows/wf/duplicate", {"new_id": "b"}, None, 422),
    ("post_status", (controls, "set_status"), None, "POST", "/workflows/wf/activate", None, None, 200),
    ("post_status", (controls, "set_status"), controls.NotFound("wf"), "POST", "/workflows/wf/deactivate", None,
     None, 404),
    ("post_status", (controls, "set_status"), None, "POST", "/workflows/wf/archive", None, None, 422),
    ("get_alerts", (alert_controls, "list_alerts"), [ALERT], "GET", "/alerts", None, {"status": "open"}, 200),
    ("get_alerts", (alert_controls, "list_alerts"), [], "GET", "/alerts", None, {"status": "gone"}, 422),
    ("get_alert", (alert_controls, "get_alert"), ALERT, "GET", f"/alerts/{ALERT.id}", None, None, 200),
    ("get_alert", (alert_controls, "get_alert"), alert_controls.AlertNotFound("al_x"), "GET", "/alerts/al_x",
     None, None, 404),
    ("post_acknowledge", (alert_controls, "acknowledge_alert"), ALERT, "POST", "/alerts/al_x/acknowledge", None,
     None, 200),
    ("post_acknowledge", (alert_controls, "acknowledge_alert"), TransitionRefused("resolved"), "POST",
     "/alerts/al_x/acknowledge", {"by": "maria"}, None, 409),
    ("post_acknowledge", (alert_controls, "acknowledge_alert"), ALERT, "POST", "/alerts/al_x/acknowledge",
     {"who": "maria"}, None, 422),
    ("post_acknowledge", (alert_controls, "acknowledge_alert"), alert_controls.AlertNotFound("al_x"), "POST",
     "/alerts/al_x/acknowledge", None, None, 404),
    ("post_ignore", (alert_controls, "ignore_alert"), ALERT, "POST", "/alerts/al_x/ignore", {"reason": "ok"}, None,
     200),
    ("post_ignore", (alert_controls, "ignore_alert"), alert_controls.ConcurrentChange("al_x"), "POST",
     "/alerts/al_x/ignore", {"reason": "ok"}, None, 409),
    ("post_ignore", (alert_controls, "ignore_alert"), alert_controls.AlertNotFound("al_x"), "POST",
     "/alerts/al_x/ignore", {"reason": "ok"}, None, 404),
    ("post_ignore", (alert_controls, "ignore_alert"), ALERT, "POST", "/alerts/al_x/ignore", {}, None, 422),
]  # fmt: skip


def _result(handler: str, result: Any) -> Any:
    """Results that take a little building: an explanation, a saved workflow with its lints."""
    if result is None and handler == "get_explain":
        return SimpleNamespace(to_dict=_explanation)
    if result is None:
        return FLOW, lint_all([FLOW, FLOW]).get(FLOW.id, [])
    return result


@pytest.mark.parametrize(
    ("handler", "use_case", "result", "method", "path", "payload", "query", "status"),
    ADMIN_SCENARIOS,
    ids=[f"{s[0]}-{s[-1]}-{i}" for i, s in enumerate(ADMIN_SCENARIOS)],
)
def test_an_admin_answer_matches_its_declared_model(
    monkeypatch, handler, use_case, result, method, path, payload, query, status
):
    # GIVEN the use case behind the route answering with a real domain object or refusal
    module, name = use_case
    monkeypatch.setattr(module, name, _fake(_result(handler, result)))
    # WHEN the request goes through the admin resolver
    got, answer = _call(method, path, payload, query)
    # THEN the status is the expected one and the body is what the route declares for it
    assert got == status, answer
    _check(handler, got, answer)


def _report(*, stale: int = 0, rejected: bool = False, accepted: bool = True) -> IngestReport:
    batch = read_batch("acme-uk", batch_body(invoice(), invoice(id="inv-2", due_on="someday")))
    return IngestReport(
        accepted=(RecordResult(index=0, kind="invoice", id="inv-1", change="created", events=("InvoiceCreated",)),)
        if accepted
        else (),
        stale=tuple(RecordResult(index=2 + i, kind="invoice", id=f"inv-{3 + i}") for i in range(stale)),
        rejected=batch.rejected if rejected else (),
        events_published=1 if accepted else 0,
    )


WEBHOOK_SCENARIOS = [
    (_report(stale=1), 200),
    (_report(rejected=True), 207),
    (_report(rejected=True, accepted=False), 422),
    (BodyInvalid([FieldError(path="records", message="expected an array of records", type="missing")]), 400),
    (SignatureInvalid("no signature matches"), 401),
    (RequestExpired("timestamp outside the window"), 401),
    (TenantUnknown("acme-uk"), 404),
    (BatchTooLarge(501), 413),
    (RetryableError("EventBridge refused the entries"), 503),
]


@pytest.mark.parametrize(("result", "status"), WEBHOOK_SCENARIOS, ids=[str(s[1]) for s in WEBHOOK_SCENARIOS])
def test_a_webhook_answer_matches_its_declared_model(monkeypatch, result, status):
    # GIVEN the ingest use case answering with a real report, or refusing the request
    monkeypatch.setattr(webhooks, "receive_records", _fake(result))
    # WHEN the signed sample batch goes through the webhook resolver
    answer = webhooks.app.resolve(sample("signed_batch"), SimpleNamespace())
    # THEN the status is the expected one and the body is what the route declares for it
    assert answer["statusCode"] == status
    _check("post_records", status, json.loads(answer["body"]))
    if status == 503:  # the declared header is sent
        assert answer["headers"]["Retry-After"] == "30"


def test_the_scenarios_cover_every_declared_answer():
    # GIVEN every route's declared statuses, and the statuses the scenarios above expect (and assert they get)
    declared = {(name, status) for name, route in ROUTES.items() for status in route.responses or {}}
    expected = {(s[0], s[-1]) for s in ADMIN_SCENARIOS} | {("post_records", s[1]) for s in WEBHOOK_SCENARIOS}
    # THEN they are the same: no status is documented that no scenario gives, none is given undocumented
    assert declared == expected
    # AND every route declares its answers (Powertools' default 200 of a plain string would otherwise stand)
    assert all(route.responses for route in ROUTES.values())
