"""``chaseflow alerts list|ack|ignore`` against the stack's tables (moto): the same use cases as the API."""

import json

from click.testing import CliRunner

from cli.main import main
from tests.integration.alerts_support import alerts, api
from tests.integration.test_alerts_digest import REMINDER, with_admins


def chaseflow(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["alerts", *args, "--tenant", "acme-uk"])
    return result.exit_code, result.output


def test_list_acknowledge_and_ignore_from_the_command_line(stack):
    # GIVEN two overlapping active workflows (an overlap alert on each)
    with_admins()
    api(stack, "PUT", "/workflows/overdue-reminder", REMINDER)
    api(stack, "PUT", "/workflows/overdue-copy", REMINDER | {"id": "overdue-copy", "name": "Overdue copy"})
    overlap = next(a for a in alerts("workflow_lint") if a.workflow_id == "overdue-copy" and "W001" in a.title)
    # WHEN listed for one workflow, as JSON
    code, output = chaseflow("list", "--workflow", "overdue-copy", "--kind", "workflow_lint", "--json")
    # THEN its alerts are there
    assert code == 0 and overlap.id in [a["id"] for a in json.loads(output)]
    # WHEN acknowledged, then ignored without and with a reason
    ack = chaseflow("ack", overlap.id, "--by", "maria")
    missing_reason = chaseflow("ignore", overlap.id)
    ignored = chaseflow("ignore", overlap.id, "--reason", "merging the two next week")
    # THEN each change is printed; a missing reason is a usage error
    assert ack[0] == 0 and "acknowledged" in ack[1]
    assert missing_reason[0] == 2 and "--reason" in missing_reason[1]
    assert ignored[0] == 0 and "ignored" in ignored[1]
    assert [a.note for a in alerts() if a.id == overlap.id] == ["merging the two next week"]
    # AND an unknown alert fails with a clear message
    code, output = chaseflow("ack", "al_nope")
    assert code == 1 and "no alert al_nope" in output
