"""The pre-rendered ``invoices_list`` and ``invoices_table``: HTML for the html part, aligned text otherwise.

Column titles follow the rendering locale's language (see ``formatting.LABELS``); values are the run's
invoices already formatted in that locale. Every value is escaped before it enters HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from shared.domain.templates.formatting import format_when, labels

InvoiceRow = Mapping[str, Any]
_COLUMNS = ("number", "date", "due", "days", "balance")
_CELL = "padding:4px 8px;border-bottom:1px solid #ddd;text-align:{align}"


def _cells(invoice: InvoiceRow, locale: str) -> dict[str, str]:
    return {
        "number": str(invoice["number"]),
        "date": format_when(invoice["date"], "medium", locale),
        "due": format_when(invoice["date_due"], "medium", locale),
        # a table says how late an invoice is: one not yet due shows 0, not a negative count
        "days": str(max(0, int(invoice["days_overdue"]))),
        "balance": str(invoice["balance"]),
    }


def invoices_list(invoices: Sequence[InvoiceRow], locale: str, *, html: bool) -> str:
    """One line per invoice: number — balance — due date; ``<ul>`` in HTML, ``- `` bullets in text."""
    due = labels(locale)["due"]
    lines = []
    for invoice in invoices:
        cells = _cells(invoice, locale)
        lines.append(f"{cells['number']} — {cells['balance']} — {due} {cells['due']}")
    if not html:
        return "\n".join(f"- {line}" for line in lines)
    if not lines:
        return Markup("")
    items = "".join(Markup("<li>{}</li>").format(line) for line in lines)
    return Markup('<ul class="invoices">{}</ul>').format(Markup(items))


def invoices_table(invoices: Sequence[InvoiceRow], locale: str, *, html: bool) -> str:
    """Number, date, due date, days overdue and balance per invoice; a table in HTML, aligned text otherwise."""
    titles = labels(locale)
    rows = [_cells(invoice, locale) for invoice in invoices]
    if not rows:
        return Markup("") if html else ""
    if html:
        return _html_table(titles, rows)
    widths = {c: max(len(titles[c]), *(len(r[c]) for r in rows)) for c in _COLUMNS}

    def line(values: Mapping[str, str]) -> str:
        cells = [
            values[c].rjust(widths[c]) if c in ("days", "balance") else values[c].ljust(widths[c]) for c in _COLUMNS
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(titles), "  ".join("-" * widths[c] for c in _COLUMNS), *(line(r) for r in rows)])


def _html_table(titles: Mapping[str, str], rows: list[dict[str, str]]) -> str:
    def align(column: str) -> str:
        return "right" if column in ("days", "balance") else "left"

    head = "".join(
        str(Markup('<th style="{}">{}</th>').format(_CELL.format(align=align(c)), titles[c])) for c in _COLUMNS
    )
    body = "".join(
        "<tr>"
        + "".join(str(Markup('<td style="{}">{}</td>').format(_CELL.format(align=align(c)), r[c])) for c in _COLUMNS)
        + "</tr>"
        for r in rows
    )
    return Markup(
        f'<table class="invoices" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
