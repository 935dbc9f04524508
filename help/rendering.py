"""Help pages from the repository's Markdown files (help/<language>/<topic>.md).

Only these trusted files are rendered, and even so no raw HTML passes: Markdown's HTML blocks
and inline HTML are switched off, so ``<b>`` in a file shows as the text ``<b>``. Links stay
inside KUTY (see tests/help/test_help.py). A file is read once per process.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

from .topics import FALLBACK_LANGUAGE, LANGUAGES, topic_path


@dataclass(frozen=True)
class HelpPage:
    topic: str
    language: str
    heading: str
    body: SafeString


class _BootstrapTables(Treeprocessor):
    """Bootstrap's table style on Markdown tables; the page's first heading is taken out (the
    page template writes it)."""

    def run(self, root: ET.Element) -> None:
        for table in root.iter("table"):
            table.set("class", "table table-sm w-auto")
        first = next(iter(root), None)
        if first is not None and first.tag == "h1":
            root.remove(first)


def _converter() -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_BootstrapTables(converter), "kuty_tables", 0)
    return converter


@functools.cache
def help_page(topic: str, language: str) -> HelpPage:
    """The topic in ``language`` (Finnish when the language has no file of it)."""
    if language not in LANGUAGES or not topic_path(topic, language).is_file():
        language = FALLBACK_LANGUAGE
    text = topic_path(topic, language).read_text(encoding="utf-8")
    first, _newline, _rest = text.partition("\n")
    heading = first.removeprefix("#").strip()
    body = _converter().convert(text)
    return HelpPage(topic=topic, language=language, heading=heading, body=mark_safe(body))  # noqa: S308 - raw HTML is escaped by the converter
