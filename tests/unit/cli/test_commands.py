"""The chaseflow command on the example workflows and ledger, for people and for scripts (--json)."""

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples/workflows"
LEDGER = ROOT / "examples/ledger"
FIXTURES = ROOT / "tests/fixtures/workflows"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_validate_accepts_every_example():
    # GIVEN the example workflows
    # WHEN validated as JSON
    code, output = run("workflows", "validate", str(EXAMPLES), "--json")
    # THEN all are valid
    report = json.loads(output)
    assert code == 0
    assert report["invalid"] == []
    assert len(report["valid"]) == len(list(EXAMPLES.glob("*.yaml")))


def test_validate_reports_each_problem_with_its_path_and_fails():
    # GIVEN a workflow with a dangling reference
    # WHEN validated
    code, output = run("workflows", "validate", str(FIXTURES / "invalid_graph.yaml"))
    # THEN it exits 1 and names the node path
    assert code == 1
    assert "nodes[1]: 'check' points to no node 'nowhere'" in output


def test_forecast_totals_match_its_events():
    # GIVEN the examples over 30 days
    # WHEN forecast as JSON
    code, output = run(
        "workflows",
        "forecast",
        str(EXAMPLES),
        "--ledger",
        str(LEDGER),
        "--from",
        "2026-11-02",
        "--days",
        "30",
        "--json",
    )
    # THEN the totals are the count of events by kind, and something is sent
    report = json.loads(output)
    assert code == 0
    counted: dict[str, int] = {}
    for event in report["events"]:
        counted[event["kind"]] = counted.get(event["kind"], 0) + 1
    assert report["totals"] == dict(sorted(counted.items()))
    assert report["totals"]["email"] > 0


def test_explain_answers_for_a_record_of_the_example_ledger():
    # GIVEN a customer of the example ledger and the consolidated dunning workflow
    customers = json.loads((LEDGER / "customers.json").read_text())
    record = customers[0]["id"]
    # WHEN explained
    code, output = run(
        "workflows",
        "explain",
        str(EXAMPLES / "customer-dunning.yaml"),
        "--ledger",
        str(LEDGER),
        "--record",
        record,
        "--at",
        "2026-11-02T10:00:00Z",
        "--json",
    )
    # THEN every trigger condition is reported with its actual value
    answer = json.loads(output)
    assert code == 0
    assert answer["record_id"] == record
    assert [c["condition"] for c in answer["conditions"]] == [
        "customer.balance_overdue > 0",
        "customer.tag_categories in [Consolidated billing]",
    ]
    assert all("actual" in c for c in answer["conditions"])


def test_explain_requires_a_timezone():
    # GIVEN an instant without a timezone
    # WHEN explained
    code, output = run(
        "workflows",
        "explain",
        str(EXAMPLES / "customer-dunning.yaml"),
        "--ledger",
        str(LEDGER),
        "--record",
        "x",
        "--at",
        "2026-11-02T10:00:00",
    )
    # THEN the command refuses it
    assert code == 2
    assert "--at" in output


def test_fields_lists_the_catalogue():
    # GIVEN the filter catalogue
    # WHEN listed as JSON
    code, output = run("workflows", "fields", "--json")
    # THEN documented fields are there with their types
    fields = {f["field"]: f["type"] for f in json.loads(output)}
    assert code == 0
    assert fields["invoice.days_overdue"] == "integer"
    assert fields["customer.balance_overdue"] == "number"
    assert fields["invoice.status"] == "choice"


def test_the_examples_lint_clean():
    # GIVEN the example workflows
    # WHEN linted together
    code, output = run("workflows", "lint", str(EXAMPLES), "--json")
    # THEN none has a finding
    assert code == 0
    assert json.loads(output) == {path.stem: [] for path in sorted(EXAMPLES.glob("*.yaml"))}


def test_planted_mistakes_are_each_reported_with_their_code():
    # GIVEN overlapping filters, invoice-created without days issued, and wait-for-completion at the end
    # WHEN linted
    code, output = run("workflows", "lint", str(FIXTURES / "planted"), "--json")
    # THEN each is reported with its code (warnings: the exit code stays 0)
    found = {wf: {lint["code"] for lint in lints} for wf, lints in json.loads(output).items()}
    assert code == 0
    assert "W001" in found["overlap-a"]
    assert "W001" in found["overlap-b"]
    assert "W004" in found["invoice-created-history"]
    assert "W005" in found["task-wait-at-end"]
