"""Money, dates and words as a recipient reads them, in one locale (babel's CLDR data).

Amounts stay ``Decimal`` until printed; a ``Money`` prints itself in the locale it was made for, so the same
context renders ``£1,234.50`` for en_GB and ``1 234,50 €`` for fr_FR.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import total_ordering
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_symbol

DateOrTime = TypeVar("DateOrTime", date, datetime)
_MAX_DAYS, _MAX_MONTHS = 100 * 366, 100 * 12  # keeps date arithmetic far from year 9999


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, printed in ``locale``. Compares with numbers (``balance > 100``)."""

    amount: Decimal
    currency: str
    locale: str

    def __str__(self) -> str:
        return str(format_currency(self.amount, self.currency, locale=self.locale))

    @property
    def number(self) -> str:
        """The amount without its currency, e.g. ``1,234.50``."""
        return str(format_decimal(self.amount, format="#,##0.00", locale=self.locale))

    @property
    def symbol(self) -> str:
        return currency_symbol(self.currency, self.locale)

    def __bool__(self) -> bool:
        return self.amount != 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self.amount == other.amount and self.currency == other.currency
        number = _number(other)
        return NotImplemented if number is None else self.amount == number

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Money) and other.currency == self.currency:
            return self.amount < other.amount
        number = _number(other)
        return NotImplemented if number is None else self.amount < number


def _number(value: object) -> Decimal | None:
    """A number a template compares an amount with; a float literal goes through its text (0.1 stays 0.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


@dataclass(frozen=True, slots=True)
class MoneyTotal:
    """A sum over several currencies, never converted: prints ``£100.00 + €50.00``."""

    parts: tuple[Money, ...]

    def __str__(self) -> str:
        return " + ".join(str(part) for part in self.parts)

    def __bool__(self) -> bool:
        return any(self.parts)


class MoneyList(list[Money]):
    """Amounts in several currencies (``customer.balances_by_currency``); prints ``£1.00, €2.00``."""

    def __str__(self) -> str:
        return ", ".join(str(money) for money in self)


@dataclass(frozen=True, slots=True)
class Currency:
    """``customer.currency``: prints its ISO code; ``.iso`` and ``.symbol`` (in the rendering locale)."""

    iso: str
    symbol: str

    def __str__(self) -> str:
        return self.iso


def total(amounts: dict[str, Decimal], first_currency: str, locale: str) -> Money | MoneyTotal:
    """A single ``Money`` when one currency (or none: zero in ``first_currency``), else a ``MoneyTotal``."""
    ordered = sorted(amounts, key=lambda code: (code != first_currency, code))
    parts = tuple(Money(amounts[code], code, locale) for code in ordered)
    if not parts:
        return Money(Decimal(0), first_currency, locale)
    return parts[0] if len(parts) == 1 else MoneyTotal(parts)


def currency_symbol(currency: str, locale: str) -> str:
    return str(get_currency_symbol(currency, locale=locale))


def locale_for(language: str, country: str | None) -> str:
    """The babel locale for a recipient language: language + the customer's country when CLDR knows the pair
    (``fr`` in Belgium → ``fr_BE``), else the language alone."""
    base = Locale.parse(language, sep="-")
    if country and not base.territory:
        try:
            return str(Locale.parse(f"{base.language}_{country}"))
        except (UnknownLocaleError, ValueError):
            pass
    return str(base)


def language_of(locale: str) -> str:
    return Locale.parse(locale).language


def format_when(value: date | datetime, pattern: str, locale: str) -> str:
    """A date or datetime in ``locale``: ``short``/``medium``/``long``/``full`` or a CLDR pattern such as
    ``d MMMM y``; a datetime keeps its own timezone (see ``in_timezone``)."""
    if isinstance(value, datetime):
        return str(format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale))
    if isinstance(value, date):
        return str(format_date(value, pattern, locale=locale))
    raise TypeError(f"format_date needs a date or a datetime, got {type(value).__name__}")


def _whole(count: object, what: str, limit: int) -> int:
    if not isinstance(count, int) or isinstance(count, bool) or abs(count) > limit:
        raise ValueError(f"{what} needs a whole number between -{limit} and {limit}, got {count!r}")
    return count


def add_days(value: DateOrTime, days: int) -> DateOrTime:
    """``value`` moved by ``days`` (negative goes back); a datetime keeps its wall-clock time."""
    if not isinstance(value, date):
        raise TypeError(f"add_days needs a date, got {type(value).__name__}")
    return value + timedelta(days=_whole(days, "add_days", _MAX_DAYS))


def add_months(value: DateOrTime, months: int) -> DateOrTime:
    """``value`` moved by calendar months, clamped to the month's last day (31 Jan + 1 month → 28/29 Feb)."""
    if not isinstance(value, date):
        raise TypeError(f"add_months needs a date, got {type(value).__name__}")
    index = value.month - 1 + _whole(months, "add_months", _MAX_MONTHS)
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def in_timezone(value: datetime, zone: str) -> datetime:
    """The same instant on another IANA zone's clock."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError("in_timezone needs an aware datetime such as now")
    try:
        return value.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone '{zone}'") from None


# Words the pre-rendered lists and tables print, by language; other languages read English.
LABELS: dict[str, dict[str, str]] = {
    "en": {"number": "Invoice", "date": "Date", "due": "Due date", "days": "Days overdue", "balance": "Balance"},
    "fr": {"number": "Facture", "date": "Date", "due": "Échéance", "days": "Jours de retard", "balance": "Solde"},
    "de": {
        "number": "Rechnung",
        "date": "Datum",
        "due": "Fällig am",
        "days": "Tage überfällig",
        "balance": "Offener Betrag",
    },
    "es": {"number": "Factura", "date": "Fecha", "due": "Vencimiento", "days": "Días de retraso", "balance": "Saldo"},
    "it": {"number": "Fattura", "date": "Data", "due": "Scadenza", "days": "Giorni di ritardo", "balance": "Saldo"},
    "nl": {
        "number": "Factuur",
        "date": "Datum",
        "due": "Vervaldatum",
        "days": "Dagen te laat",
        "balance": "Openstaand",
    },
    "pt": {"number": "Fatura", "date": "Data", "due": "Vencimento", "days": "Dias em atraso", "balance": "Saldo"},
}
HERE = {"en": "here", "fr": "ici", "de": "hier", "es": "aquí", "it": "qui", "nl": "hier", "pt": "aqui"}


def labels(locale: str) -> dict[str, str]:
    return LABELS.get(language_of(locale), LABELS["en"])


def here(locale: str) -> str:
    return HERE.get(language_of(locale), HERE["en"])
