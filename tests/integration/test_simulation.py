"""The demo and `chaseflow simulate` end to end on moto: the ERP's records through the signed webhook, the
scheduler's ticks, SES and the fake SMS; the summary agrees with what the emulated services hold."""

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.demo import read_ledger_export
from cli.files import load_template_settings, load_templates, load_workflows
from cli.main import main
from shared.domain.ledger.models import Invoice
from simulation.dataset import DEMO_START, demo_data, write
from simulation.decisions import capture
from simulation.report import render, report_data
from simulation.runner import Scenario, simulate
from simulation.summary import communications, run_states, summary

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """A small demo: 8 customers over 8 days (the full demo runs the same code on more)."""
    folder = tmp_path_factory.mktemp("ledger")
    write(demo_data(8, DEMO_START, 8, seed=7), folder)
    tenant, ledger, bouncing = read_ledger_export(folder)
    templates, _ = load_templates(EXAMPLES / "templates")
    workflows, _ = load_workflows([EXAMPLES / "workflows"])
    settings = load_template_settings(None, EXAMPLES / "templates")
    scenario = Scenario(tenant, ledger, workflows, templates, settings, DEMO_START, 8, bouncing)
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "chaseflow")
    return simulate(scenario, capture())


def test_the_summary_agrees_with_the_messages_ses_and_the_sms_provider_hold(small_demo):
    # GIVEN the outcome of a small demo
    outcome = small_demo
    figures = summary(outcome)
    # THEN every email moto's SES accepted is one logged communication, and none went twice
    sent = [c for c in communications(outcome) if c["direction"] == "sent" and c["channel"] == "email"]
    logged_ids = {c["source_id"] for c in sent if c["status"] in ("sent", "bounced")}
    assert figures["counts"]["emails"] == len(outcome.emails) > 0
    assert {m.id for m in outcome.emails} == logged_ids
    assert figures["counts"]["sms"] == len(outcome.sms)
    assert (figures["counts"]["duplicate_sends"], figures["counts"]["unlogged_sends"]) == (0, 0)
    # AND every simulated day was posted through the webhook without a refused record, and every run settled
    assert figures["erp_records_posted"] > 0 and figures["erp_records_rejected"] == 0
    assert figures["runs_not_settled"] == 0


def test_a_customer_who_pays_is_no_longer_chased(small_demo):
    # GIVEN the runs the demo stopped because the balance was cleared
    outcome = small_demo
    stopped = [r for r in run_states(outcome) if r["status"] == "stopped" and r["end_reason"] == "balance_cleared"]
    assert stopped
    invoices = {i.id: i for i in outcome.scenario.ledger.all(Invoice)}
    for run in stopped:
        # THEN the invoices it chased were paid by the end of the period ...
        targets = run["invoice_ids"] or ([run["record_id"]] if run["record_id"] in invoices else [])
        assert all(invoices[i].paid_on and invoices[i].paid_on <= outcome.scenario.end for i in targets)
        # ... and the run sent nothing after it stopped
        later = [c for c in communications(outcome) if c.get("run_id") == run["run_id"] and c["at"] > run["ended_at"]]
        assert later == []


def test_the_report_shows_the_charts_and_references_nothing_outside(small_demo):
    # GIVEN the small demo's report
    html = render(report_data(small_demo, summary(small_demo)))
    # THEN it has the three charts and the sample customers' timelines, and loads nothing from anywhere
    assert html.count("<svg") == 3
    assert "Sample customers" in html and "<h3>" in html
    assert not re.search(r"(src|href)\s*=", html) and not re.search(r"https?://", html)


def test_simulate_replays_the_demos_exported_data(tmp_path):
    # GIVEN a tiny demo run through the command line, which exports its data set
    runner = CliRunner()
    demo_out, sim_out = tmp_path / "demo", tmp_path / "sim"
    result = runner.invoke(main, ["demo", "--customers", "4", "--days", "4", "--out", str(demo_out)])
    assert result.exit_code == 0, result.output
    # WHEN `chaseflow simulate` replays the exported ledger with the example workflows
    arguments = ["simulate", "--ledger", str(demo_out / "ledger"), "--workflows", str(EXAMPLES / "workflows")]
    arguments += ["--from", DEMO_START.isoformat(), "--days", "4", "--out", str(sim_out)]
    result = runner.invoke(main, arguments)
    # THEN it writes the same kind of summary and report, and finds the same money and enrolments
    assert result.exit_code == 0, result.output
    demo_summary = json.loads((demo_out / "summary.json").read_text())
    replayed = json.loads((sim_out / "summary.json").read_text())
    assert (sim_out / "report.html").read_text().count("<svg") == 3
    assert replayed["money"] == demo_summary["money"]
    assert replayed["to"] == (DEMO_START + timedelta(days=3)).isoformat()
    assert replayed["counts"]["enrolments"] == demo_summary["counts"]["enrolments"] > 0
    assert replayed["counts"]["duplicate_sends"] == 0
    assert date.fromisoformat(replayed["from"]) == DEMO_START
