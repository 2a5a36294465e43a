"""The jinja2 sandbox templates run in: immutable, strict about undefined fields, escaping HTML only.

One environment per (locale, html): the date filters and the printing of bare dates use its locale. Kolleno's
block tags ``{% balance_overdue_more_than_days customer 10 %}`` and
``{% balance_overdue_between_days customer 5 10 %}`` are understood, so its templates render unchanged.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from shared.domain.templates.formatting import add_days, add_months, format_when, in_timezone

_MAX_REPEAT = 1000  # 'ab' * n and [x] * n
_MAX_POWER = 100


class KollenoBalanceTags(Extension):
    """``{% balance_overdue_more_than_days customer N %}`` prints ``balance_overdue_more_than_days(customer, N)``
    (and the same for ``between_days`` with two bounds)."""

    tags = {"balance_overdue_more_than_days", "balance_overdue_between_days"}

    def parse(self, parser: Parser) -> nodes.Node:
        token = next(parser.stream)
        arguments = [parser.parse_expression(), parser.parse_expression()]
        if token.value == "balance_overdue_between_days":
            arguments.append(parser.parse_expression())
        call = nodes.Call(nodes.Name(token.value, "load"), arguments, [], None, None)
        return nodes.Output([call]).set_lineno(token.lineno)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, also refusing huge repetitions and powers (a template cannot exhaust memory)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(count, int) and count > _MAX_REPEAT:
                    raise SecurityError(f"repeating a value more than {_MAX_REPEAT} times is not allowed")
        if operator == "**" and isinstance(right, int | float) and right > _MAX_POWER:
            raise SecurityError(f"powers above {_MAX_POWER} are not allowed")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=64)
def environment(locale: str, *, html: bool) -> ImmutableSandboxedEnvironment:
    """The sandbox for one locale; ``html`` turns autoescaping on (subject and text are never escaped)."""

    def finalize(value: Any) -> Any:
        # a bare date prints as the reader writes dates, not as ISO
        return format_when(value, "medium", locale) if isinstance(value, date | datetime) else value

    env = _Sandbox(
        undefined=StrictUndefined,
        autoescape=html,
        extensions=[KollenoBalanceTags],
        finalize=finalize,
        keep_trailing_newline=False,
    )
    env.filters.update(
        {
            "add_days": add_days,
            "add_months": add_months,
            "format_date": lambda value, pattern="medium": format_when(value, pattern, locale),
            "in_timezone": in_timezone,
        }
    )
    return env


@lru_cache(maxsize=1024)
def compiled(source: str, locale: str, *, html: bool) -> Template:
    """``source`` compiled in its environment (raises ``TemplateSyntaxError``)."""
    return environment(locale, html=html).from_string(source)
