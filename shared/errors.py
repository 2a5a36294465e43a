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


class EventsNotPublished(RetryableError):
    """EventBridge refused some entries after every attempt; the caller retries the whole delivery."""


class SecretsUnavailable(RetryableError):
    """Secrets Manager could not answer now."""


class Throttled(RetryableError):
    """SES asked us to slow down: retried with backoff, never a customer-facing failure."""


class Rejected(PermanentError):
    """SES refused the message (bad address, unverified sender): do not retry."""


class SmsThrottled(RetryableError):
    """The SMS service asked us to slow down (message parts per second): retried with backoff, no failure."""


class SmsRejected(PermanentError):
    """The SMS service refused the message (invalid or blocked number, our configuration): do not retry."""

    def __init__(self, code: str, reason: str = "", message: str = "") -> None:
        label = f"{code} ({reason})" if reason else code
        super().__init__(f"{label}: {message}" if message else label)
        self.code, self.reason = code, reason


class SmsOptedOut(SmsRejected):
    """The destination number is on the origination identity's opt-out list (it texted STOP)."""
