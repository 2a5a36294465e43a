"""Phone numbers for SMS: E.164 normalisation with a maintained library, and how many segments a text costs.

A number must be *valid* (an allocated range of a real numbering plan), not merely *possible* (the right length):
Ofcom's drama range 07700 900xxx is possible but never reaches a handset, so it is refused. Segment counting is
the templates' (``shared.domain.templates.sms``): one rule for the preview and the send.
"""

from __future__ import annotations

from typing import Literal

import phonenumbers

from shared.domain.templates.sms import sms_size

SmsEncoding = Literal["GSM-7", "UCS-2"]

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "no known country code (write it with + or give a country)",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it is not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}


class InvalidPhone(ValueError):
    """A phone number that cannot be used for SMS: unreadable, or not a valid number of its country."""


def normalise_phone(raw: str, default_region: str | None) -> str:
    """Return ``raw`` as an E.164 number (``+447911123456``).

    Parameters
    ----------
    raw : str
        The number as typed or synced from the ERP: national (``07911 123456``) or international (``+44 …``,
        ``0044 …`` only with a region), with spaces, dots, dashes or brackets.
    default_region : str | None
        ISO 3166-1 alpha-2 country used to read a national number (the customer's country); None accepts only
        numbers written with a leading ``+``.

    Returns
    -------
    str
        The number in E.164 form.

    Raises
    ------
    InvalidPhone
        If the text is not a phone number, or the number is not valid in its numbering plan.
    """
    text = raw.strip()
    if not text:
        raise InvalidPhone("the phone number is empty")
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        why = _PARSE_ERRORS.get(exc.error_type, "it is not a phone number")
        raise InvalidPhone(f"'{raw}' cannot be read as a phone number: {why}") from None
    if not phonenumbers.is_valid_number(number):
        country = phonenumbers.region_code_for_country_code(number.country_code or 0)
        raise InvalidPhone(f"'{raw}' is not a valid phone number in {country}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def sms_segments(text: str) -> tuple[SmsEncoding, int]:
    """Return the encoding an SMS needs and how many segments (billed messages) ``text`` takes.

    Parameters
    ----------
    text : str
        The message as sent.

    Returns
    -------
    tuple[SmsEncoding, int]
        ``"GSM-7"`` when every character is in the GSM 03.38 alphabet or its extension (``€``, ``[``, … count
        twice), else ``"UCS-2"`` (UTF-16 units: an emoji counts twice). One segment holds 160 septets or 70
        units; a longer text goes in parts of 153 or 67, never splitting an escape or surrogate pair. An empty
        text still costs one.
    """
    size = sms_size(text)
    return ("GSM-7" if size.encoding == "GSM-7" else "UCS-2"), size.segments
