"""Locale formatting with babel, date arithmetic with month-end clamping, and amounts that stay Decimal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.templates import Money, MoneyTotal, add_days, add_months, locale_for
from shared.domain.templates.formatting import format_when, in_timezone, labels


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en_GB", "GBP", "£1,234.50"),
        ("fr_FR", "EUR", "1\u202f234,50\xa0€"),  # "1 234,50 €" with CLDR's narrow no-break and no-break spaces
        ("de_DE", "EUR", "1.234,50\xa0€"),  # "1.234,50 €"
        ("en_GB", "EUR", "€1,234.50"),
        ("en_GB", "USD", "US$1,234.50"),
    ],
)
def test_money_prints_in_its_locale(locale: str, currency: str, expected: str) -> None:
    # GIVEN 1,234.50 as a Decimal
    money = Money(Decimal("1234.50"), currency, locale)
    # WHEN printed
    # THEN babel formats it the locale's way
    assert str(money) == expected


def test_money_compares_with_numbers_and_keeps_decimals() -> None:
    # GIVEN £0.10 + £0.20 held as Decimals
    money = Money(Decimal("0.10") + Decimal("0.20"), "GBP", "en_GB")
    # WHEN compared with template literals
    # THEN 0.3 is exactly 0.3 (a float literal goes through its text), and zero is falsy
    assert money == 0.3
    assert money > 0
    assert money < 1
    assert money.number == "0.30"
    assert not Money(Decimal(0), "GBP", "en_GB")


def test_a_multi_currency_total_prints_each_currency() -> None:
    # GIVEN a total in two currencies
    both = MoneyTotal((Money(Decimal(5), "GBP", "de_DE"), Money(Decimal("7.5"), "EUR", "de_DE")))
    # WHEN printed
    # THEN both amounts, never converted
    assert str(both) == "5,00\xa0£ + 7,50\xa0€"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 31), 3, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start: date, months: int, expected: date) -> None:
    # GIVEN a date and a number of months
    # WHEN shifted
    # THEN the day is kept unless the month is shorter
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(-1200, 1200))
def test_add_months_lands_in_the_right_month_and_never_after_the_day(start: date, months: int) -> None:
    # GIVEN any date and month shift
    # WHEN shifted
    shifted = add_months(start, months)
    # THEN the month index moves by exactly ``months`` and the day is kept or clamped down to the month's end
    assert (shifted.year * 12 + shifted.month) - (start.year * 12 + start.month) == months
    assert shifted.day <= start.day
    assert shifted.day == start.day or add_days(shifted, 1).month != shifted.month


def test_add_months_keeps_a_datetime_wall_clock_time() -> None:
    # GIVEN 09:00 London on 31 January (GMT)
    start = datetime(2026, 1, 31, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    # WHEN moved by 4 months (into BST)
    shifted = add_months(start, 4)
    # THEN it is 09:00 local on 31 May, i.e. 08:00 UTC
    assert (shifted.day, shifted.hour, shifted.utcoffset().total_seconds()) == (31, 9, 3600)  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["1", 1.5, True, 10**6])
def test_date_shifts_need_a_reasonable_whole_number(bad: object) -> None:
    # GIVEN a non-integer or huge shift
    # WHEN applied
    # THEN it is refused with ValueError (a template problem, never a crash of the sender)
    with pytest.raises(ValueError):
        add_days(date(2026, 1, 1), bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        add_months(date(2026, 1, 1), bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "pattern", "locale", "expected"),
    [
        (date(2026, 3, 16), "medium", "en_GB", "16 Mar 2026"),
        (date(2026, 3, 16), "long", "fr_FR", "16 mars 2026"),
        (date(2026, 3, 16), "full", "de_DE", "Montag, 16. März 2026"),
        (date(2026, 3, 16), "dd/MM/yyyy", "en_GB", "16/03/2026"),
        (datetime(2026, 3, 16, 9, 5, tzinfo=ZoneInfo("Europe/Paris")), "HH:mm, d MMM", "fr_FR", "09:05, 16 mars"),
    ],
)
def test_format_when(value: date, pattern: str, locale: str, expected: str) -> None:
    # GIVEN a date or datetime, a pattern and a locale
    # WHEN formatted
    # THEN babel's CLDR formats apply
    assert format_when(value, pattern, locale) == expected


def test_in_timezone_moves_the_clock_not_the_instant() -> None:
    # GIVEN 09:00 in London on 16 March 2026 (GMT)
    start = datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    # WHEN shown in Tokyo, then for an unknown zone
    tokyo = in_timezone(start, "Asia/Tokyo")
    # THEN it is 18:00 there, the same instant; an unknown zone is refused
    assert (tokyo.hour, tokyo == start) == (18, True)
    with pytest.raises(ValueError):
        in_timezone(start, "Mars/Olympus")


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [("fr", "BE", "fr_BE"), ("fr", "DE", "fr"), ("de", "CH", "de_CH"), ("pt-BR", "PT", "pt_BR"), ("en", None, "en")],
)
def test_locale_for_a_recipient(language: str, country: str | None, expected: str) -> None:
    # GIVEN a recipient language and the customer's country
    # WHEN the formatting locale is chosen
    # THEN the pair when CLDR knows it, else the language alone; an explicit region wins
    assert locale_for(language, country) == expected


def test_table_labels_follow_the_language_with_english_fallback() -> None:
    # GIVEN locales with and without label translations
    # WHEN labels are read
    # THEN French and German have their own words, Japanese reads English
    assert labels("fr_FR")["due"] == "Échéance"
    assert labels("de_AT")["balance"] == "Offener Betrag"
    assert labels("ja_JP")["days"] == "Days overdue"
