"""How many SMS a text costs: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2.

GSM-7 carries 160 characters in one message, 153 per part when concatenated; its extension characters
(``€ [ ] { } ^ ~ | \\`` and form feed) take two. UCS-2 carries 70, 67 per part, counted in UTF-16 units
(an emoji takes two).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
# Spaces babel puts in amounts (1 234,50 €) that GSM-7 lacks: an SMS sends plain spaces rather than
# doubling its cost in UCS-2 for an invisible difference.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " "})


@dataclass(frozen=True)
class SmsSize:
    characters: int
    encoding: str
    segments: int


def sms_text(rendered: str) -> str:
    """The text as sent: no-break and thin spaces become plain spaces; no surrounding blank lines."""
    return rendered.translate(_SPACES).strip()


def sms_size(text: str) -> SmsSize:
    """Characters, encoding and number of messages of ``text`` (an empty text still costs one)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = [len(ch.encode("utf-16-le")) // 2 for ch in text]
        single, part, encoding = 70, 67, "UCS-2"
    return SmsSize(characters=len(text), encoding=encoding, segments=_segments(units, single, part))


def _segments(units: list[int], single: int, part: int) -> int:
    """Parts are filled in order; a two-unit character (GSM-7 escape, UTF-16 pair) is never split."""
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count
