"""E.164 normalisation of phone numbers, and SMS encodings and segment counts."""

from __future__ import annotations

import pytest

from shared.domain.messaging.phone import InvalidPhone, normalise_phone, sms_segments

VALID = [
    pytest.param("07911 123456", "GB", "+447911123456", id="gb-mobile-national"),
    pytest.param("020 7946 0018", "GB", "+442079460018", id="gb-london-landline"),
    pytest.param("+44 7911 123456", None, "+447911123456", id="gb-international-no-region"),
    pytest.param("0044 7911 123456", "GB", "+447911123456", id="gb-international-prefix"),
    pytest.param("+44 (0)20 7946 0018", "FR", "+442079460018", id="gb-number-for-french-customer"),
    pytest.param("06 12 34 56 78", "FR", "+33612345678", id="fr-mobile-national"),
    pytest.param("06.12.34.56.78", "fr", "+33612345678", id="fr-dots-lower-case-region"),
    pytest.param("+33 (0)1 42 68 53 00", None, "+33142685300", id="fr-landline-with-trunk-zero"),
    pytest.param("(650) 253-0000", "US", "+16502530000", id="us-national"),
    pytest.param("650.253.0000", "US", "+16502530000", id="us-dots"),
    pytest.param("+1 (650) 253-0000", "GB", "+16502530000", id="us-number-for-british-customer"),
    pytest.param("  +1 800 555 0199 ", None, "+18005550199", id="us-toll-free-with-spaces"),
]


@pytest.mark.parametrize(("raw", "region", "expected"), VALID)
def test_valid_numbers_become_e164(raw: str, region: str | None, expected: str) -> None:
    # GIVEN a number as typed in the ERP, and the customer's country
    # WHEN it is normalised
    normalised = normalise_phone(raw, region)
    # THEN it is the E.164 form
    assert normalised == expected


INVALID = [
    pytest.param("", "GB", "empty", id="empty"),
    pytest.param("   ", "GB", "empty", id="blank"),
    pytest.param("call the office", "GB", "not a phone number", id="words"),
    pytest.param("07911 123456", None, "no known country code", id="national-without-region"),
    pytest.param("07700 900123", "GB", "not a valid phone number in GB", id="gb-drama-range-possible-not-valid"),
    pytest.param("+44 7911 12345", None, "not a valid phone number in GB", id="gb-too-short"),
    pytest.param("06 12 34 56 78", "GB", "not a valid phone number in GB", id="fr-number-read-as-gb"),
    pytest.param("+33 6 12 34 56", None, "not a valid phone number in FR", id="fr-too-short"),
    pytest.param("(555) 555-5555", "US", "not a valid phone number in US", id="us-unassigned-area-code"),
    pytest.param("1" * 30, "US", "too long", id="too-long"),
]


@pytest.mark.parametrize(("raw", "region", "message"), INVALID)
def test_invalid_numbers_are_refused_with_a_clear_message(raw: str, region: str | None, message: str) -> None:
    # GIVEN text that is no usable phone number
    # WHEN it is normalised
    # THEN InvalidPhone (a ValueError) says why, quoting the input
    with pytest.raises(InvalidPhone, match=message) as caught:
        normalise_phone(raw, region)
    assert isinstance(caught.value, ValueError)
    assert message == "empty" or repr(raw) in str(caught.value)


SEGMENTS = [
    pytest.param("", "GSM-7", 1, id="empty-still-costs-one"),
    pytest.param("Your invoice INV-001 is overdue.", "GSM-7", 1, id="short"),
    pytest.param("a" * 160, "GSM-7", 1, id="gsm-160-fits-one"),
    pytest.param("a" * 161, "GSM-7", 2, id="gsm-161-needs-two"),
    pytest.param("a" * 306, "GSM-7", 2, id="gsm-two-full-parts"),
    pytest.param("a" * 307, "GSM-7", 3, id="gsm-three-parts"),
    pytest.param("Pay £50, ¥ or $ @ café: Ñu à Ö ß", "GSM-7", 1, id="gsm-accents-and-symbols"),
    pytest.param("Pay €50 now", "GSM-7", 1, id="euro-is-gsm-extended"),
    pytest.param("€" * 80, "GSM-7", 1, id="euro-counts-twice-fits"),
    pytest.param("€" * 81, "GSM-7", 2, id="euro-counts-twice-overflows"),
    pytest.param("a" * 159 + "€", "GSM-7", 2, id="one-euro-tips-it-over"),
    pytest.param("a" * 152 + "€" + "a" * 152, "GSM-7", 3, id="escape-pair-never-split"),
    pytest.param("[ref] {x} ~ | ^ \\", "GSM-7", 1, id="other-extended-characters"),
    pytest.param("Thanks 👍", "UCS-2", 1, id="emoji-forces-ucs2"),
    pytest.param("😀" * 35, "UCS-2", 1, id="emoji-counts-twice-fits"),
    pytest.param("a" * 69 + "😀", "UCS-2", 2, id="emoji-counts-twice-overflows"),
    pytest.param("a" * 66 + "😀" + "a" * 66, "UCS-2", 3, id="surrogate-pair-never-split"),
    pytest.param("ł" * 70, "UCS-2", 1, id="ucs2-70-fits-one"),
    pytest.param("ł" * 71, "UCS-2", 2, id="ucs2-71-needs-two"),
    pytest.param("ł" * 134, "UCS-2", 2, id="ucs2-two-full-parts"),
    pytest.param("ł" * 135, "UCS-2", 3, id="ucs2-three-parts"),
    pytest.param("Merci, la facture est réglée ça va", "UCS-2", 1, id="lower-c-cedilla-is-not-gsm"),
    pytest.param("`", "UCS-2", 1, id="backtick-is-not-gsm"),
]


@pytest.mark.parametrize(("text", "encoding", "segments"), SEGMENTS)
def test_sms_segments(text: str, encoding: str, segments: int) -> None:
    # GIVEN a rendered SMS
    # WHEN its cost is counted
    counted = sms_segments(text)
    # THEN GSM-7 texts take 160 septets (153 per part), others 70 UTF-16 units (67 per part)
    assert counted == (encoding, segments)
