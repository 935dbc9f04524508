"""HTML to PDF with WeasyPrint, the same way for every printable document.

Only system fonts (DejaVu Sans) are used and the renderer fetches nothing but ``data:`` URLs:
the documents carry secret data, so no resource may come from outside (DOMAIN.md §6).

Every PDF is tagged PDF/UA-1, so that a screen reader reads it in order with its table
headers: the catalog is marked, has a structure tree, the document's language (from
``<html lang>``) and its title (from ``<title>``, shown instead of the file name). The templates
give what this needs: ``<html lang>``, a ``<title>``, and ``<th scope>`` on header cells.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """The HTML page as tagged PDF/UA bytes."""
    # Imported here, not at the top: WeasyPrint takes a second to import, and every process
    # that loads the URLs (web workers, management commands) would pay for it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT))


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """``template_name`` rendered in ``language`` and printed to PDF."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html)
