"""Bar charts as server-rendered SVG: no chart library, nothing from another origin."""

from __future__ import annotations

from html import escape

WIDTH = 640
BAR = 26
GAP = 10
LABEL = 300  # room for "Risk assessment, Less serious"


def bar_chart(title: str, bars: list[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars with their values written beside them (readable without colour)."""
    top = max((v for _, v in bars), default=0) or 1
    height = max(1, len(bars)) * (BAR + GAP) + GAP
    parts = [
        f'<svg class="app-chart" role="img" aria-labelledby="{_id(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{_id(title)}">{escape(title)}</title>',
    ]
    span = WIDTH - LABEL - 90
    for n, (label, value) in enumerate(bars):
        y = GAP + n * (BAR + GAP)
        length = max(1.0, span * value / top)
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end" '
            f'font-size="16" fill="#0b0c0c">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="#1d70b8"/>'
            f'<text x="{LABEL + length + 6:.1f}" y="{y + BAR * 0.7:.0f}" font-size="16" '
            f'fill="#0b0c0c">{_number(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:g}"


def _id(title: str) -> str:
    return "chart-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower())
