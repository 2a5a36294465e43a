"""``chaseflow dead-letters replay`` needs to be told which letters: some ids, or all of them."""

import pytest
from click.testing import CliRunner

from cli.main import main

QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/chaseflow-prod-dlq"


@pytest.mark.parametrize("choice", [[], ["--all", "--id", "5b0e8a31"]])
def test_replay_refuses_to_guess_which_letters(choice):
    # GIVEN neither --id nor --all, or both
    # WHEN replay is asked for (sockets are blocked: no AWS call may happen)
    result = CliRunner().invoke(main, ["dead-letters", "replay", "--queue", QUEUE, *choice])
    # THEN it is a usage error naming the options
    assert result.exit_code == 2 and "give --id (one or more) or --all" in result.output
