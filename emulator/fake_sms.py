"""An SMS provider for tests and the local runtime (moto does not implement End User Messaging SMS).

It records every message it accepted, in order, with the message id it returned, and can be told to fail for
given numbers: throttling (retryable), a permanent rejection or an opt-out, a number of times or for ever. One
instance per process (``outbox()``): the in-process Lambda handlers and the test share it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

from shared.errors import RetryableError, SmsOptedOut, SmsRejected, SmsThrottled
from shared.ports import OutgoingSms

Failure = Literal["throttled", "transient", "rejected", "opted_out"]


@dataclass(frozen=True)
class SentSms:
    message_id: str
    sms: OutgoingSms


class FakeSms:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: list[SentSms] = []
        self._refused: list[tuple[OutgoingSms, Failure]] = []
        self._failures: dict[str, tuple[Failure, int | None]] = {}

    @property
    def sent(self) -> list[SentSms]:
        """Every message accepted, in order."""
        with self._lock:
            return list(self._sent)

    @property
    def refused(self) -> list[tuple[OutgoingSms, Failure]]:
        """Every attempt that was made to fail, in order, with how it failed."""
        with self._lock:
            return list(self._refused)

    def fail(self, number: str, failure: Failure, times: int | None = None) -> None:
        """Make sends to ``number`` (E.164) fail with ``failure``, the next ``times`` sends (None: every one)."""
        with self._lock:
            self._failures[number] = (failure, times)

    def reset(self) -> None:
        with self._lock:
            self._sent.clear()
            self._refused.clear()
            self._failures.clear()

    def send(self, sms: OutgoingSms) -> str:
        with self._lock:
            failure = self._next_failure(sms.to_e164)
            if failure is None:
                message_id = f"fake-sms-{len(self._sent) + 1:06d}"
                self._sent.append(SentSms(message_id, sms))
                return message_id
            self._refused.append((sms, failure))
        if failure == "throttled":
            raise SmsThrottled("ThrottlingException")
        if failure == "transient":
            raise RetryableError("InternalServerException")
        if failure == "opted_out":
            raise SmsOptedOut("ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", "the number opted out")
        raise SmsRejected("ValidationException", "INVALID_PARAMETER", "the number cannot receive SMS")

    def _next_failure(self, number: str) -> Failure | None:
        planned = self._failures.get(number)
        if planned is None:
            return None
        failure, times = planned
        if times is not None:
            if times <= 1:
                del self._failures[number]
            else:
                self._failures[number] = (failure, times - 1)
        return failure


_outbox = FakeSms()


def outbox() -> FakeSms:
    """The process's fake provider: what the local runtime's functions sent."""
    return _outbox
