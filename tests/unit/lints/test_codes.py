"""Every lint code, table-driven: one fixture that raises it (and nothing else) and one near miss that is clean."""

from __future__ import annotations

import pytest

from shared.domain.lints import NAMES, Severity, lint_all, lint_workflow
from shared.domain.workflow.loading import load_workflow_text

from .support import EXAMPLES, codes, load_fixture

CASES = [
    ("W001", Severity.WARNING),
    ("E002", Severity.ERROR),
    ("W003", Severity.WARNING),
    ("W004", Severity.WARNING),
    ("W005", Severity.WARNING),
    ("W006", Severity.WARNING),
    ("E007", Severity.ERROR),
    ("E008", Severity.ERROR),
    ("W009", Severity.WARNING),
    ("I010", Severity.INFO),
]


def test_the_table_covers_every_code() -> None:
    # GIVEN the codes the lints define
    # WHEN comparing them with the table below
    # THEN each code has a row
    assert sorted(code for code, _ in CASES) == sorted(NAMES)


@pytest.mark.parametrize(("code", "severity"), CASES)
def test_fixture_raises_its_code(code: str, severity: Severity) -> None:
    # GIVEN the fixture written to raise the code, with the tenant's other workflows
    workflow, others = load_fixture(f"lint_{code.lower()}_raises.yaml")

    # WHEN linting it
    lints = lint_workflow(workflow, others)

    # THEN exactly that code is raised, with its severity, a message, a fix and a path
    assert set(codes(lints)) == {code}
    for lint in lints:
        assert lint.severity is severity
        assert lint.workflow_id == workflow.id
        assert lint.message
        assert lint.fix
        assert lint.path
        assert lint.name == NAMES[code]


@pytest.mark.parametrize(("code", "severity"), CASES)
def test_near_miss_fixture_is_clean(code: str, severity: Severity) -> None:
    # GIVEN the fixture that differs from the raising one only in what the rule looks at
    workflow, others = load_fixture(f"lint_{code.lower()}_clean.yaml")

    # WHEN linting it
    lints = lint_workflow(workflow, others)

    # THEN nothing at all is raised
    assert lints == [], [str(lint) for lint in lints]


def test_overlap_names_the_other_workflow() -> None:
    # GIVEN a draft that overlaps an active workflow
    workflow, others = load_fixture("lint_w001_raises.yaml")

    # WHEN linting the draft
    (lint,) = lint_workflow(workflow, others)

    # THEN the lint names the other workflow, in the message and in related
    assert lint.related == ("dunning-late",)
    assert "Late-stage dunning" in lint.message
    assert "customer.max_days_overdue" in lint.message


def test_lint_all_checks_each_workflow_against_the_other_active_ones() -> None:
    # GIVEN a draft and an active workflow that overlap
    draft, (active,) = load_fixture("lint_w001_raises.yaml")

    # WHEN linting them together
    result = lint_all([draft, active])

    # THEN the draft is warned about the active one, and the active one not about the draft
    assert list(result) == ["dunning-mid", "dunning-late"]
    assert [lint.related for lint in result["dunning-mid"]] == [("dunning-late",)]
    assert result["dunning-late"] == []


def test_lints_come_errors_first() -> None:
    # GIVEN a workflow raising an info, a warning and an error
    workflow = load_workflow_text(
        """
        id: mixed
        name: Mixed problems
        trigger:
          type: customer_follow_up
          filters: [[invoice.days_overdue, ">", 30]]
        settings:
          stop_when: [customer_replied]
        nodes:
          - {id: reminder, type: send_email, template: overdue, recipients: {to: run_contact}}
        """
    )

    # WHEN linting it
    lints = lint_workflow(workflow)

    # THEN errors come before warnings, warnings before infos
    assert codes(lints) == ["E007", "W003", "I010"]


def test_customer_dunning_example_has_no_errors() -> None:
    # GIVEN the customer dunning example
    workflow = load_workflow_text((EXAMPLES / "customer-dunning.yaml").read_text(), "customer-dunning.yaml")

    # WHEN linting it on its own
    lints = lint_workflow(workflow)

    # THEN it raises no error
    assert [str(lint) for lint in lints if lint.severity is Severity.ERROR] == []
