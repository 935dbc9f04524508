"""Charts for the PDF as inline SVG, drawn here on the server: no JavaScript, nothing fetched.

WeasyPrint draws the SVG as vector graphics with real text, so the labels and figures stay
searchable (and readable by pypdf) like the rest of the page.
"""

from __future__ import annotations

from html import escape

from ..formatting import DASH, fi_number

FONT = "DejaVu Sans, sans-serif"
BAR_COLOUR = "#0b3d91"
MAX_LABEL = 40


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def all_hidden(items: list[tuple[str, int | None]]) -> bool:
    """Whether a chart has nothing to show but hidden figures (no bar, some dashes)."""
    return any(value is None for _label, value in items) and not any(
        value for _label, value in items
    )


def bar_chart(
    title: str,
    items: list[tuple[str, int | None]],
    *,
    width: int = 640,
    label_width: int = 250,
    bar_height: int = 14,
    gap: int = 6,
) -> str:
    """Horizontal bars, one per (label, value); a suppressed value (None) has no bar and a
    dash for its figure. Returns the SVG element as text."""
    largest = max((value for _label, value in items if value), default=0) or 1
    room = width - label_width - 60
    height = gap + len(items) * (bar_height + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}" font-size="10">'
    ]
    for index, (label, value) in enumerate(items):
        top = gap + index * (bar_height + gap)
        baseline = top + bar_height - 3
        length = round((value or 0) / largest * room, 1)
        parts.append(
            f'<text x="{label_width - 6}" y="{baseline}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
        )
        if length:
            parts.append(
                f'<rect x="{label_width}" y="{top}" width="{length}" height="{bar_height}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        figure = DASH if value is None else fi_number(value)
        parts.append(f'<text x="{label_width + length + 4}" y="{baseline}">{figure}</text>')
    parts.append("</svg>")
    return "".join(parts)
