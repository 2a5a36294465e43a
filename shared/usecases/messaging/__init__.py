"""One outgoing-message pipeline (``pipeline.Messenger``) with one delivery strategy per channel (``email``,
``sms``; letters later): the pipeline does what every channel shares, the strategy only the sending."""

from shared.usecases.messaging.email import EmailChannel
from shared.usecases.messaging.pipeline import Messenger
from shared.usecases.messaging.sms import SmsChannel

__all__ = ["EmailChannel", "Messenger", "SmsChannel"]
