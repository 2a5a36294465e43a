"""SMS size: GSM-7 160/153 per segment, UCS-2 70/67, extension characters count twice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.templates import render, sms_size
from shared.domain.templates.sms import GSM7_BASIC, sms_text
from tests.unit.templates.support import context, template


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # 80 extension characters = 160 septets
        ("€" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 8, "GSM-7", 2),  # 162 septets; the escape pair is not split: 152 | 2 + 8
        # 306 septets would fill two parts of 153, but the escape pair is not split: 152 | 2 + 151 | 1
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),
        ("é" * 70, "GSM-7", 1),  # é is in the GSM alphabet
        ("ê" * 70, "UCS-2", 1),  # ê is not
        ("ê" * 71, "UCS-2", 2),
        ("ê" * 134, "UCS-2", 2),
        ("ê" * 135, "UCS-2", 3),
        ("😀" * 35, "UCS-2", 1),  # an emoji is two UTF-16 units
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_segments(text: str, encoding: str, segments: int) -> None:
    # GIVEN a message text
    # WHEN its size is computed
    size = sms_size(text)
    # THEN the encoding and the number of segments a carrier bills
    assert (size.encoding, size.segments, size.characters) == (encoding, segments, len(text))


@given(st.text(alphabet=sorted(GSM7_BASIC), max_size=1000))
def test_gsm_segments_match_the_formula(text: str) -> None:
    # GIVEN any text of basic GSM characters
    # WHEN sized
    size = sms_size(text)
    # THEN one message up to 160, else ceil(n / 153)
    assert size.encoding == "GSM-7"
    assert size.segments == (1 if len(text) <= 160 else -(-len(text) // 153))


def test_sms_sends_plain_spaces_instead_of_no_break_spaces() -> None:
    # GIVEN a French amount as babel formats it (narrow no-break space, no-break space)
    # WHEN made into SMS text
    # THEN it uses plain spaces, staying in GSM-7
    assert sms_text(" 1\u202f234,50\xa0€ \n") == "1 234,50 €"


def test_rendering_an_sms_reports_its_size() -> None:
    # GIVEN a French customer and an SMS with a French translation
    sms = template(
        "sms",
        text="{{ customer.name }} owes {{ customer.balance_overdue }}",
        translations={"fr": {"text": "{{ customer.name }} doit {{ customer.balance_overdue }}"}},
    )
    # WHEN rendered for the customer's language
    message = render(sms, context("cus-fr"))
    # THEN only text is set, with plain spaces: 35 characters in GSM-7 (é is in its alphabet), one segment
    assert message.text == "Société Exemple SAS doit 1 234,50 €"
    assert (message.subject, message.html) == (None, None)
    assert (message.characters, message.encoding, message.segments) == (35, "GSM-7", 1)
