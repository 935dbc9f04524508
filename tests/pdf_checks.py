"""Checks shared by the PDF tests: every PDF KUTY prints is tagged PDF/UA (kuty/pdf.py)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def assert_tagged_pdf_ua(content: bytes, *, lang: str, title: str) -> PdfReader:
    """The catalog says the PDF is tagged (``/MarkInfo /Marked true``), has a structure tree for
    screen readers, the document's language, and a title that viewers show instead of the file
    name (``/DisplayDocTitle``); the XMP metadata claims PDF/UA-1."""
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/StructTreeRoot"]["/K"]  # the tags are there, not an empty tree
    assert str(catalog["/Lang"]) == lang
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None
    assert title in str(reader.metadata.title)
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    return reader


def structure_tags(reader: PdfReader) -> set[str]:
    """The structure types used in the tag tree (``/TH``, ``/Table``, ...)."""
    seen: set[str] = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return seen
