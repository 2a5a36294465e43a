"""``chaseflow local`` refuses bad options before it starts anything."""

from pathlib import Path

from click.testing import CliRunner

from cli.main import main

ROOT = Path(__file__).resolve().parents[3]


def test_workflows_without_a_tenant_are_refused(tmp_path):
    # GIVEN workflow files but no --tenant to load them for
    args = ["local", "--state-dir", str(tmp_path), "--workflows", str(ROOT / "examples/workflows")]
    # WHEN the command is run
    result = CliRunner().invoke(main, args)
    # THEN it stops with a usage error naming --tenant, and nothing is written to the state directory
    assert result.exit_code == 2
    assert "--tenant" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_workflow_file_is_refused_with_its_problem(tmp_path):
    # GIVEN a workflow file with a graph error
    bad = ROOT / "tests/fixtures/workflows/invalid_graph.yaml"
    # WHEN the command is run with it
    result = CliRunner().invoke(
        main, ["local", "--state-dir", str(tmp_path), "--tenant", "acme", "--workflows", str(bad)]
    )
    # THEN it exits 1 naming the file, before starting the local stack
    assert result.exit_code == 1
    assert "invalid_graph.yaml" in result.output
    assert list(tmp_path.iterdir()) == []
