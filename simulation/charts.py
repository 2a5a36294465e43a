"""Small inline SVG charts for the report (no script, no network): bars and lines from plain numbers."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 760, 220, 36
COLOURS = ("#2563eb", "#f59e0b", "#16a34a", "#dc2626", "#7c3aed", "#0891b2")


def stacked_bars(labels: Sequence[str], series: dict[str, Sequence[float]], title: str) -> Markup:
    """One bar per label, the series stacked (e.g. emails and SMS per day)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max(totals, default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(labels), 1)
    parts = [_frame(title, top)]
    for i, label in enumerate(labels):
        base: float = HEIGHT - PAD
        for k, (name, values) in enumerate(series.items()):
            height = values[i] / top * (HEIGHT - 2 * PAD)
            base -= height
            x = PAD + i * step
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{max(step - 1, 1):.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[k % len(COLOURS)]}">'
                f"<title>{escape(label)}: {values[i]:g} {escape(name)}</title></rect>"
            )
    parts += _x_labels(labels, step)
    parts.append(_legend(list(series)))
    return _svg(parts, title)


def lines(labels: Sequence[str], series: dict[str, Sequence[float]], title: str) -> Markup:
    """One line per series (e.g. the overdue balance of each currency over the days)."""
    top = max((v for values in series.values() for v in values), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(labels) - 1, 1)
    parts = [_frame(title, top)]
    for k, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{PAD + i * step:.1f},{HEIGHT - PAD - v / top * (HEIGHT - 2 * PAD):.1f}" for i, v in enumerate(values)
        )
        colour = COLOURS[k % len(COLOURS)]
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">')
        parts.append(f"<title>{escape(name)}</title></polyline>")
    parts += _x_labels(labels, step)
    parts.append(_legend(list(series)))
    return _svg(parts, title)


def horizontal_bars(rows: Sequence[tuple[str, float]], title: str) -> Markup:
    """One bar per row, labelled on the left (e.g. runs per workflow node)."""
    top = max((v for _, v in rows), default=0) or 1
    row_height, label_width = 18, 300
    height = PAD + row_height * len(rows) + 8
    parts = [f'<text x="4" y="16" class="title">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = PAD + i * row_height
        width = value / top * (WIDTH - label_width - 60)
        parts.append(f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{row_height - 4}" fill="#2563eb"/>')
        parts.append(f'<text x="{label_width + width + 4:.1f}" y="{y + 12}">{value:g}</text>')
    return _svg(parts, title, height)


def _frame(title: str, top: float) -> str:
    return (
        f'<text x="4" y="16" class="title">{escape(title)}</text>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>'
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end">{top:,.0f}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>'
    )


def _x_labels(labels: Sequence[str], step: float) -> list[str]:
    every = max(1, len(labels) // 8)
    return [
        f'<text x="{PAD + i * step:.1f}" y="{HEIGHT - PAD + 14}">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def _legend(names: list[str]) -> str:
    items = [
        f'<rect x="{WIDTH - 180}" y="{24 + 14 * k}" width="10" height="10" fill="{COLOURS[k % len(COLOURS)]}"/>'
        f'<text x="{WIDTH - 166}" y="{33 + 14 * k}">{escape(name)}</text>'
        for k, name in enumerate(names)
    ]
    return "".join(items)


def _svg(parts: list[str], title: str, height: int = HEIGHT) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} '
        f'{height}" width="{WIDTH}" height="{height}">{body}</svg>'
    )
