"""Typed errors. A Lambda's ``errorType`` is the exception's class name and the state machine's Retry/Catch
match on it (infra/statemachines/enrolment.asl.json), so these names are a contract; a test checks it."""


class ChaseflowError(Exception):
    """Base of the errors this service raises on purpose."""


class RetryableError(ChaseflowError):
    """A passing failure (throttling, a timeout, a conflict): the caller retries with backoff."""


class PermanentError(ChaseflowError):
    """Retrying will not help (bad data, a missing record): record it, alert, move on."""


class StaleRunError(PermanentError):
    """The run moved on (a newer generation, or it ended) while this step was in flight."""


class RunChanged(RetryableError):
    """Someone else wrote the run (a person's control, a concurrent step) since it was read: read it again."""
