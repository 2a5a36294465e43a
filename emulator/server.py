"""``chaseflow local``: the HTTP API on localhost, the scheduler on the real clock, over the local stack on moto,
with the data kept in a state directory across restarts (``emulator.state``).

Start: provision the stack, restore the last snapshot, restart the unfinished runs (their executions died with
the previous process: ``emulator.restart``), then serve. While running, a saver thread writes a snapshot
within a second of any write; stop settles the executions and writes a last one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from secrets import token_hex
from typing import Any

import boto3
from moto import mock_aws
from moto.core.models import MockAWS

from emulator import moto_patches
from emulator.http_api import HttpApi, HttpRequest
from emulator.restart import restart_unfinished
from emulator.stack import REGION, LocalStack, provision, use_local_ports
from emulator.state import ChangeCounter, StateDir, capture, restore
from functions import wiring
from shared.adapters.dynamodb import client as dynamodb_client
from shared.domain.templates import Template, TemplateSettings
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.ports import Clock

logger = logging.getLogger("chaseflow-local")
PROCESS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",  # moto answers every call: nothing may reach a real account
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_LAMBDA_FUNCTION_NAME": "chaseflow-local",  # Powertools reads it on threads outside a handler
}


class LocalRuntime:
    def __init__(
        self,
        state_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        clock: Clock | None = None,
        tick_every_s: float | None = 60.0,
        save_every_s: float = 1.0,
        prefix: str = "chaseflow-local",
    ) -> None:
        self.state = StateDir(state_dir)
        self._host, self._port, self._clock, self._prefix = host, port, clock, prefix
        self._tick_every_s, self._save_every_s = tick_every_s, save_every_s
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._save_lock = threading.Lock()
        self._saved_version = -1
        self._saved_environment: dict[str, str | None] = {}
        self._mock: MockAWS | None = None
        self.api: HttpApi | None = None
        self._patched_here = False
        self._server: ThreadingHTTPServer | None = None
        self._counter: ChangeCounter | None = None
        self.stack: LocalStack | None = None
        self.restarted: list[str] = []
        self.restored_items = 0

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Bind the port and lock the state directory first (a busy port or a second process fails at once), then
        provision, restore, restart the unfinished runs and serve."""
        self.state.lock()
        self._server = ThreadingHTTPServer((self._host, self._port), _handler(self))
        try:
            self._start()
        except BaseException:
            self._server.server_close()
            self._stop_aws()
            raise

    def _start(self) -> None:
        self._set_environment(PROCESS_ENVIRONMENT)
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        self._patched_here = not moto_patches.applied()
        moto_patches.apply()
        dynamodb_client.reset()
        self.stack = provision(self._prefix)
        self._set_environment(self.stack.environment())
        use_local_ports(clock=self._clock)
        snapshot = self.state.load()
        if snapshot is not None:
            self.restored_items = restore(self.stack, snapshot)
        self._counter = ChangeCounter()
        self.restarted = restart_unfinished(wiring.runtime(), self.stack.tables["core"])
        self.settle()
        self.save()
        self.api = HttpApi(self.stack.functions)
        assert self._server is not None
        self._spawn("http", self._server.serve_forever)
        self._spawn("saver", self._save_loop)
        if self._tick_every_s:
            self._spawn("scheduler", self._tick_loop)
        logger.info("local runtime serving %s", self.url)

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=30)
        self.settle()
        self.save()
        self._stop_aws()

    def _stop_aws(self) -> None:
        wiring.override()
        dynamodb_client.reset()
        if self._patched_here:
            moto_patches.remove()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        self.state.unlock()
        for key, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def tenant_settings(self, tenant_id: str, changes: dict[str, str]) -> TenantSettings:
        """The tenant's stored settings (or the defaults for a new tenant) with ``changes`` applied."""
        with moto_patches.handlers_quiet():  # the ports are a Lambda container's: one caller at a time
            kept = wiring.runtime().ledger.tenant(tenant_id)
        base = kept.model_dump() if kept is not None else {"tenant_id": tenant_id}
        return TenantSettings.model_validate(base | changes)

    def register_tenant(self, settings: TenantSettings, secret: str | None = None) -> tuple[str, Path]:
        """Store the tenant's settings and webhook secret: the one given, else the one kept, else a new one. The
        secret is also written alone to ``tenants/<id>.secret`` in the state directory."""
        assert self.stack is not None, "not started"
        with moto_patches.handlers_quiet():
            rt = wiring.runtime()
            rt.ledger.put_tenant(settings)
            kept = rt.secrets.for_tenant(settings.tenant_id)
            chosen = secret or (kept[0] if kept else f"whsec_{token_hex(24)}")
            if chosen not in kept[:1]:
                self.stack.put_webhook_secret(settings.tenant_id, chosen)
                use_local_ports(clock=self._clock)  # the secrets cache of the old ports must not hide the new one
        return chosen, self.state.write_secret(settings.tenant_id, chosen)

    def load_definitions(
        self,
        tenant_id: str,
        workflows: Iterable[Workflow] = (),
        templates: Iterable[Template] = (),
        settings: TemplateSettings | None = None,
    ) -> None:
        """Save workflows and templates for the tenant; an unchanged one is not saved again."""
        with moto_patches.handlers_quiet():
            rt = wiring.runtime()
            for workflow in workflows:
                rt.workflows.save(tenant_id, workflow)
            store = rt.templates
            for template in templates:
                current = store.get(tenant_id, template.id)
                if current is None or current.model_copy(update={"version": template.version}) != template:
                    store.save(tenant_id, template)
            if settings is not None:
                store.put_settings(tenant_id, settings)

    def tick(self) -> dict[str, object]:
        """Invoke the tick function as its schedule does: its counts (``resumed``, ``recovered``, ``sweeps``), or
        the Lambda error payload when it failed."""
        assert self.stack is not None, "not started"
        response = boto3.client("lambda", region_name=REGION).invoke(
            FunctionName=self.stack.functions["tick"], Payload=b"{}"
        )
        result: dict[str, object] = json.loads(response["Payload"].read())
        return result

    def save(self) -> None:
        assert self.stack is not None and self._counter is not None, "not started"
        with self._save_lock:
            version = self._counter.version
            self.state.write(capture(self.stack))
            self._saved_version = version

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until the running executions stop moving (parked on a token, or finished)."""
        sfn = boto3.client("stepfunctions", region_name=REGION)
        assert self.stack is not None, "not started"
        arn = self.stack.state_machine_arn

        def progress() -> int:
            running = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
            return sum(len(sfn.get_execution_history(executionArn=e["executionArn"])["events"]) for e in running)

        deadline, last, quiet = time.monotonic() + timeout, -1, 0
        while time.monotonic() < deadline and quiet < 3:
            current = progress()
            quiet = quiet + 1 if current == last else 0
            last = current
            time.sleep(0.1)

    def _save_loop(self) -> None:
        while not self._stopping.wait(self._save_every_s):
            if self._counter is not None and self._counter.version != self._saved_version:
                try:
                    self.save()
                except Exception:  # a failed snapshot is retried on the next round; the server keeps serving
                    logger.exception("snapshot failed")

    def _tick_loop(self) -> None:
        """Tick at every minute of the real clock (as the ``rate(1 minute)`` schedule does)."""
        period = float(self._tick_every_s or 60.0)
        while not self._stopping.wait(period - time.time() % period):
            try:
                result = self.tick()
            except Exception:
                logger.exception("tick failed")
                continue
            if result.get("resumed") or result.get("sweeps"):
                logger.info("tick: %s run(s) resumed, %s sweep(s) planned", result["resumed"], result["sweeps"])

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"chaseflow-local-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _set_environment(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            self._saved_environment.setdefault(key, os.environ.get(key))
            os.environ[key] = value


def _handler(runtime: LocalRuntime) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            started = time.monotonic()
            request = HttpRequest(
                self.command, self.path, list(self.headers.items()), body, self.client_address[0], self.request_version
            )
            if runtime.api is None:  # bound, not serving yet
                self.send_error(503, "starting")
                return
            response = runtime.api.handle(request)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
            elapsed_ms = round((time.monotonic() - started) * 1000)
            logger.info("%s %s → %s (%s ms)", self.command, self.path.split("?")[0], response.status, elapsed_ms)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Requests are logged by ``_serve``, with their status and duration."""

    return Handler
