"""Run controls race the state machine: optimistic locking on the run item keeps both changes."""

from contextlib import contextmanager

import pytest

from functions import wiring
from shared.domain.engine import progress
from shared.errors import RunChanged
from shared.usecases import controls
from tests.integration.test_controls import stored, waiting_a_week


@contextmanager
def reads_replaced(runs, get):
    """Replace the repository's ``get`` on this instance only (the fixture's monkeypatch owns the environment)."""
    runs.get = get
    try:
        yield
    finally:
        del runs.get


def test_a_step_decided_on_an_old_read_cannot_overwrite_a_persons_pause(stack, clock):
    # GIVEN a parked run, read by a step (revision r) before a person pauses it
    run_id = waiting_a_week(stack, clock)
    rt = wiring.runtime()
    read_by_step = stored(run_id)
    paused = controls.pause_run(rt, "acme-uk", run_id, None, "disputed")
    # WHEN the step saves the decision it made on the old read
    with pytest.raises(RunChanged):
        rt.runs.save(read_by_step.state, revision=read_by_step.revision, parking="PARKING")
    # THEN the pause stands, one revision later
    after = stored(run_id)
    assert after.state.hold == paused.hold and after.state.hold is not None
    assert after.revision == read_by_step.revision + 1


def test_a_control_that_loses_the_race_is_applied_again_to_the_newer_run(stack, clock):
    # GIVEN a parked run, and a step that writes it right after the control reads it
    run_id = waiting_a_week(stack, clock)
    rt = wiring.runtime()
    original_get = rt.runs.get
    raced = []

    def get_then_step_writes(tenant_id, wanted):
        found = original_get(tenant_id, wanted)
        if not raced:
            raced.append(found.revision)
            note = progress.pause(found.state, None, "the step's own change")
            rt.runs.update_state(progress.resume(note), revision=found.revision)
        return found

    # WHEN a person pauses it
    with reads_replaced(rt.runs, get_then_step_writes):
        controls.pause_run(rt, "acme-uk", run_id, None, "promise by phone")
    # THEN the pause was applied to the newer run: two writes, the pause last
    after = stored(run_id)
    assert after.revision == raced[0] + 2
    assert after.state.hold is not None and after.state.hold.note == "promise by phone"


def test_a_control_that_keeps_losing_says_so(stack, clock):
    # GIVEN a run whose every read is overtaken by another write
    run_id = waiting_a_week(stack, clock)
    rt = wiring.runtime()
    original_get = rt.runs.get

    def always_overtaken(tenant_id, wanted):
        found = original_get(tenant_id, wanted)
        rt.runs.update_state(found.state, revision=found.revision)
        return found

    # WHEN a person stops it THEN the control gives up with RunChanged (the API answers 409) after 3 reads
    with reads_replaced(rt.runs, always_overtaken), pytest.raises(RunChanged):
        controls.stop_run(rt, "acme-uk", run_id)
    assert not stored(run_id).state.status.is_final
