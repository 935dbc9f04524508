"""Renderers turn a built report (the JSON contract) into a file.

A renderer is a module with ``CONTENT_TYPE``, ``EXTENSION`` and ``render(report: dict) ->
bytes``. ``RENDERERS`` maps each format to its module's dotted path; a format whose module
does not exist yet (XLSX and PDF come later) is reported as not available, so adding one is
just adding its module here. ``TEXT_FORMATS`` may go to standard output. ``csv`` is written
for people (words in the user's language, sections), ``csv-codes`` for programs (code names,
one table).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

RENDERERS: dict[str, str] = {
    "json": "reporting.renderers.json",
    "csv": "reporting.renderers.csv",
    "csv-codes": "reporting.renderers.csv_codes",
    "xlsx": "reporting.renderers.xlsx",
    "pdf": "reporting.renderers.pdf",
}
TEXT_FORMATS = frozenset({"json", "csv", "csv-codes"})


class RendererNotAvailable(LookupError):
    """No renderer for this format (yet)."""


def get_renderer(output_format: str) -> ModuleType:
    path = RENDERERS.get(output_format)
    if path is None:
        raise RendererNotAvailable(output_format)
    try:
        return import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name == path:
            raise RendererNotAvailable(output_format) from None
        raise


def render(report: dict[str, Any], output_format: str) -> bytes:
    return get_renderer(output_format).render(report)
