"""HTML to PDF with WeasyPrint, the same way for every printable document.

Only system fonts (DejaVu Sans) are used and the renderer fetches nothing but ``data:`` URLs:
the documents carry secret data, so no resource may come from outside (DOMAIN.md §6).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def html_to_pdf(html: str) -> bytes:
    """The HTML page as PDF bytes."""
    # Imported here, not at the top: WeasyPrint takes a second to import, and every process
    # that loads the URLs (web workers, management commands) would pay for it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """``template_name`` rendered in ``language`` and printed to PDF."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)
