"""HTML to PDF with WeasyPrint, the same way for every printable document.

Only system fonts (DejaVu Sans) are used and the renderer fetches nothing but ``data:`` URLs:
the documents carry secret data, so no resource may come from outside (DOMAIN.md §6).

Every PDF is tagged PDF/UA-1, so that a screen reader reads it in order with its table
headers: the catalog is marked, has a structure tree, the document's language (from
``<html lang>``) and its title (from ``<title>``, shown instead of the file name). The templates
give what this needs: ``<html lang>``, a ``<title>``, and ``<th scope>`` on header cells.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

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


def html_to_pdf_file(html: str, target: BinaryIO) -> None:
    """The HTML page as tagged PDF/UA, written to the open binary file ``target``."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    HTML(string=html, url_fetcher=fetcher).write_pdf(target=target, pdf_variant=PDF_VARIANT)


# --- long documents: parts joined into one PDF -------------------------------------------------
#
# WeasyPrint lays a document out whole, in memory, and its PDF/UA tagging gives every table cell
# the header cells of every page the table runs over (the header row is repeated on each page):
# time and memory grow with rows × pages. A long report is therefore rendered in parts of a
# bounded size, each a complete tagged PDF, and :class:`PdfJoiner` joins them into one file:
#
# - streaming: each part's objects are renumbered and written to the output as soon as the part
#   is rendered (in object streams, compressed), so only one part is ever in memory. What is kept
#   until the end is small: the page dictionaries, the top of the structure tree and of the
#   bookmarks, and the cross-reference table (a few bytes per object).
# - one tagged document: one catalog (the first part's language, title, metadata and viewer
#   preferences), one page tree, one structure tree (the parts' elements under one Document
#   element, the parent tree renumbered), the bookmarks of all parts under the first one's title.
# - page numbers over the whole document: the parts are rendered without them; when the last part
#   is in, the total is known and each page gets its "Page X / Y" as a pagination artifact in a
#   small content stream of its own, drawn in the same font, size, colour and place as the
#   single-document footer. The alternative — rendering every part twice, once to count the pages
#   and again with the offsets — would double the layout, which is most of the time.


@dataclass
class PageNumberStyle:
    """Where and how the page number is drawn: learnt from a one-page reference rendering of the
    footer (:func:`page_number_style`), so it matches the single-document footer exactly."""

    font_pdf: bytes  # the reference PDF, its font copied into the output once
    font_ref: int  # the font's object number in the reference
    codes: dict[str, bytes]  # character → glyph code (2 bytes, Identity-H)
    widths: dict[bytes, float]  # glyph code → advance, 1/1000 of the font size
    size: float
    ctm: tuple[float, ...]
    matrix: tuple[float, ...]  # Tm of the reference text; its x is replaced
    right: float  # the right edge of the text, in text space units of the reference
    colour: tuple[float, float, float]
    template: str  # e.g. "Sivu {page} / {pages}"

    def content(self, page: int, pages: int) -> bytes:
        text = self.template.format(page=page, pages=pages)
        codes = b"".join(self.codes[char] for char in text)
        width = sum(self.widths.get(self.codes[char], 0.0) for char in text) * self.size / 1000
        a, b, c, d, _x, y = self.matrix
        r, g, bl = self.colour
        return (
            b"q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
            + " ".join(_num(v) for v in self.ctm).encode()
            + b" cm\nBT\n"
            + " ".join(_num(v) for v in (a, b, c, d, self.right - width, y)).encode()
            + b" Tm\n"
            + f"/KutyPageNo {_num(self.size)} Tf\n{_num(r)} {_num(g)} {_num(bl)} rg\n".encode()
            + b"<"
            + codes.hex().encode()
            + b"> Tj\nET\nEMC\nQ\n"
        )


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def _matrix_multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def page_number_style(page_css: str, footer_css: str, template: str) -> PageNumberStyle:
    """Render the footer once with every character the page numbers need and read back the
    font, the glyph codes, the place and the colour. ``page_css`` is the ``@page`` rule's size
    and margins, ``footer_css`` the declarations of its ``@bottom-right`` box (without
    ``content``), ``template`` the text with ``{page}`` and ``{pages}``."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    sample = template.format(page="0123456789", pages="0123456789")
    quoted = sample.replace("\\", "\\\\").replace('"', '\\"')
    html = (
        f'<html><head><style>@page {{ {page_css} @bottom-right {{ content: "{quoted}"; '
        f"{footer_css} }} }}</style></head><body></body></html>"
    )
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    data = bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf())
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    stack: list[tuple[float, ...]] = []
    state: dict[str, Any] = {}
    found: dict[str, Any] | None = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _matrix_multiply(tuple(float(v) for v in operands), ctm)
        elif operator == b"rg":
            state["colour"] = tuple(float(v) for v in operands)
        elif operator == b"Tf":
            state["font"], state["size"] = operands[0], float(operands[1])
        elif operator == b"Tm":
            state["matrix"] = tuple(float(v) for v in operands)
        elif operator in (b"TJ", b"Tj"):
            items = operands[0] if operator == b"TJ" else [operands[0]]
            found = {**state, "ctm": ctm, "items": list(items)}
    if found is None:
        raise ValueError("the page-number reference has no text")
    glyphs: list[bytes] = []
    adjust = 0.0
    for item in found["items"]:
        if isinstance(item, (int, float)) or hasattr(item, "as_numeric"):
            adjust += float(item)
        else:
            raw = bytes(item.original_bytes if hasattr(item, "original_bytes") else item)
            glyphs += [raw[i : i + 2] for i in range(0, len(raw), 2)]
    if len(glyphs) != len(sample):
        raise ValueError("the page-number reference was shaped into other glyphs than letters")
    font = fonts.get_object().raw_get(found["font"])
    widths = _cid_widths(font.get_object()["/DescendantFonts"][0].get_object())
    codes = dict(zip(sample, glyphs, strict=True))
    total = (sum(widths.get(code, 0.0) for code in glyphs) - adjust) * found["size"] / 1000
    return PageNumberStyle(
        font_pdf=data,
        font_ref=font.idnum,
        codes=codes,
        widths=widths,
        size=found["size"],
        ctm=found["ctm"],
        matrix=found["matrix"],
        right=found["matrix"][4] + total,
        colour=found.get("colour", (0.0, 0.0, 0.0)),
        template=template,
    )


def _cid_widths(cid_font: Any) -> dict[bytes, float]:
    """Glyph code → width from a CID font's ``/W`` array (``c [w1 w2 …]`` and ``c1 c2 w``)."""
    default = float(cid_font.get("/DW", 1000))
    result: dict[bytes, float] = {}
    entries = list(cid_font.get("/W", []))
    i = 0
    while i < len(entries):
        first = int(entries[i])
        if isinstance(entries[i + 1], list):
            for offset, width in enumerate(entries[i + 1]):
                result[(first + offset).to_bytes(2, "big")] = float(width)
            i += 2
        else:
            last, width = int(entries[i + 1]), float(entries[i + 2])
            for cid in range(first, last + 1):
                result[cid.to_bytes(2, "big")] = width
            i += 3
    return defaultdict(lambda: default, result)


_LINKS = ("/Parent", "/First", "/Last", "/Next", "/Prev", "/Count")
_OBJECTS_PER_STREAM = 200


@dataclass
class _Outline:
    num: int
    entry: Any
    children: list[_Outline] = field(default_factory=list)


class PdfJoiner:
    """Join tagged PDFs (WeasyPrint's, one part of a document each) into one tagged PDF written
    to ``out`` as the parts come in (see the comment above). ``add`` each part's bytes in order,
    then ``finish``; with a :class:`PageNumberStyle`, every page gets its number of the total."""

    def __init__(self, out: BinaryIO, page_numbers: PageNumberStyle | None = None) -> None:
        self.out = out
        self.start = out.tell()
        self.next_num = 1
        # Cross-reference: per object number, (type, field 2, field 3) as in an XRef stream.
        self.kinds = array("B", [0])
        self.field2 = array("Q", [0])
        self.field3 = array("I", [0])
        self.pending: list[tuple[int, bytes]] = []
        self.pages: list[Any] = []
        self.parent_tree: list[tuple[int, int]] = []
        self.struct_key = 0
        self.top_elements: list[Any] = []
        self.outlines: list[_Outline] = []
        self.catalog: Any = None
        self.info: Any = None
        self.doc_entry: Any = None
        self.page_numbers = page_numbers
        self.parts = 0
        self.pages_num = self._reserve()
        self.struct_num = self._reserve()
        self.doc_num = self._reserve()
        self.outlines_num = self._reserve()
        self.font_num: int | None = None
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        if page_numbers is not None:
            self.font_num = self._copy_font(page_numbers)

    # -- low level --------------------------------------------------------------------------

    def _reserve(self) -> int:
        num = self.next_num
        self.next_num += 1
        return num

    def _write(self, data: bytes) -> None:
        self.out.write(data)

    def _offset(self) -> int:
        return self.out.tell() - self.start

    def _entry(self, num: int, kind: int, f2: int, f3: int) -> None:
        while len(self.kinds) <= num:
            self.kinds.append(0)
            self.field2.append(0)
            self.field3.append(0)
        self.kinds[num], self.field2[num], self.field3[num] = kind, f2, f3

    def _put(self, num: int, obj: Any) -> None:
        from pypdf.generic import StreamObject

        if isinstance(obj, StreamObject):
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            self._entry(num, 1, self._offset(), 0)
            self._write(b"%d 0 obj\n" % num + buffer.getvalue() + b"\nendobj\n")
            return
        buffer = io.BytesIO()
        obj.write_to_stream(buffer)
        self.pending.append((num, buffer.getvalue()))
        if len(self.pending) >= _OBJECTS_PER_STREAM:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        stream_num = self._reserve()
        header, body, position = [], [], 0
        for index, (num, data) in enumerate(self.pending):
            header.append(b"%d %d" % (num, position))
            body.append(data)
            position += len(data) + 1
            self._entry(num, 2, stream_num, index)
        first = b" ".join(header) + b"\n"
        data = zlib.compress(first + b"\n".join(body) + b"\n", 6)
        self._entry(stream_num, 1, self._offset(), 0)
        self._write(
            b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n"
            % (stream_num, len(self.pending), len(first), len(data))
            + data
            + b"\nendstream\nendobj\n"
        )
        self.pending = []

    def _copy_font(self, style: PageNumberStyle) -> int:
        """Copy the reference's font (and what it refers to) into the output."""
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(style.font_pdf))
        mapping: dict[int, int] = {}
        todo = [style.font_ref]
        mapping[style.font_ref] = self._reserve()
        while todo:
            num = todo.pop()
            obj = reader.get_object(num)
            self._put(mapping[num], _remap(obj, lambda n: _fresh(n, mapping, todo, self)))
        return mapping[style.font_ref]

    # -- parts ------------------------------------------------------------------------------

    def add(self, data: bytes) -> int:
        """Add the next part (a whole tagged PDF from WeasyPrint); returns its number of pages.

        The bulk of a part — structure elements, fonts, content streams — is copied as bytes,
        its references renumbered by a regular expression (WeasyPrint writes no text there that
        could look like a reference); only the skeleton (catalog, pages, structure root,
        bookmarks) is parsed, with pypdf's object parser."""
        from pypdf import PdfReader

        raw = _RawObjects(data, PdfReader(io.BytesIO(data)))
        part = self.parts
        self.parts += 1
        base = self.next_num
        self.next_num = base + raw.size
        parse = raw.parse
        catalog_num = raw.root
        catalog = parse(catalog_num)
        tree_num = catalog.raw_get("/StructTreeRoot").idnum
        tree = parse(tree_num)
        special: dict[int, int] = {tree_num: self.doc_num}
        skip = {catalog_num, tree_num}
        kids = _as_list(tree.raw_get("/K") if "/K" in tree else None)
        top: list[Any] = kids
        if len(kids) == 1 and hasattr(kids[0], "idnum"):
            first = parse(kids[0].idnum)
            if first.get("/S") == "/Document":
                special[kids[0].idnum] = self.doc_num
                skip.add(kids[0].idnum)
                top = _as_list(first.raw_get("/K") if "/K" in first else None)
                if self.doc_entry is None:
                    self.doc_entry = first
        # The page tree: every /Pages node becomes the one page tree of the output.
        pages: list[tuple[int, Any]] = []
        stack = [catalog.raw_get("/Pages").idnum]
        while stack:
            num = stack.pop()
            node = parse(num)
            skip.add(num)
            if node.get("/Type") == "/Pages":
                special[num] = self.pages_num
                stack.extend(reversed([kid.idnum for kid in node.raw_get("/Kids")]))
            else:
                pages.append((num, node))
        outline_num = catalog.raw_get("/Outlines").idnum if "/Outlines" in catalog else None
        if outline_num is not None:
            skip.add(outline_num)
            special[outline_num] = self.outlines_num
        if part > 0 and "/Metadata" in catalog:
            skip.add(catalog.raw_get("/Metadata").idnum)
        info_ref = raw.trailer.raw_get("/Info") if "/Info" in raw.trailer else None
        if part > 0 and hasattr(info_ref, "idnum"):
            skip.add(info_ref.idnum)

        key_offset = self.struct_key
        prefix = f"p{part}-" if part else ""

        def number(num: int) -> int:
            return special.get(num, base + num)

        def remap(obj: Any) -> Any:
            return _remap(obj, number, key_offset=key_offset, id_prefix=prefix)

        outline_roots: list[_Outline] = []
        if outline_num is not None:
            outline_roots = self._outline_items(parse(outline_num), skip, number, remap, parse)

        # Everything else, straight to the output, as bytes.
        rewrite = _Rewriter(number, key_offset, prefix.encode())
        for num in raw.numbers():
            if num in skip:
                continue
            body, stream = raw.body(num)
            if stream is None:
                if body.lstrip().startswith(b"<<") and re.search(
                    rb"/Type\s*/(ObjStm|XRef)\b", body[:200]
                ):
                    continue
                self._put_raw(number(num), rewrite(body))
            else:
                if re.search(rb"/Type\s*/(ObjStm|XRef)\b", body):
                    continue
                self._put_raw_stream(number(num), rewrite(body), stream)

        # Kept until the end: pages, the parent tree's entries, the top elements, bookmarks.
        resources_cache: dict[Any, Any] = {}
        for _num, node in pages:
            page = remap(node)
            self.pages.append(
                self._with_page_number_font(node, page, remap, resources_cache, parse)
            )
        largest = -1
        for key, value in _number_tree(
            tree.raw_get("/ParentTree") if "/ParentTree" in tree else None, parse
        ):
            num = self._reserve()
            self._put(num, remap(value))
            self.parent_tree.append((key + key_offset, num))
            largest = max(largest, key)
        self.struct_key = key_offset + largest + 1
        self.top_elements += [remap(kid) for kid in top if kid is not None]
        if self.outlines and outline_roots:
            self.outlines[-1].children += outline_roots
        else:
            self.outlines += outline_roots
        if part == 0:
            self.catalog = remap(catalog)
            self.info = remap(info_ref) if info_ref is not None else None
            if self.doc_entry is not None:
                self.doc_entry = remap(self.doc_entry)
        return len(pages)

    def _put_raw(self, num: int, body: bytes) -> None:
        self.pending.append((num, body.strip()))
        if len(self.pending) >= _OBJECTS_PER_STREAM:
            self._flush()

    def _put_raw_stream(self, num: int, head: bytes, data: bytes) -> None:
        self._entry(num, 1, self._offset(), 0)
        self._write(
            b"%d 0 obj\n" % num + head.strip() + b"\nstream\n" + data + b"\nendstream\nendobj\n"
        )

    def _outline_items(
        self, root: Any, skip: set[int], number: Any, remap: Any, parse: Any
    ) -> list[_Outline]:
        items: list[_Outline] = []
        num = root.raw_get("/First").idnum if "/First" in root else None
        while num is not None:
            entry = parse(num)
            skip.add(num)
            item = _Outline(
                number(num), remap({k: entry.raw_get(k) for k in entry if k not in _LINKS})
            )
            item.children = self._outline_items(entry, skip, number, remap, parse)
            items.append(item)
            num = entry.raw_get("/Next").idnum if "/Next" in entry else None
        return items

    def _with_page_number_font(
        self, original: Any, page: Any, remap: Any, cache: dict[Any, Any], parse: Any
    ) -> Any:
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

        if self.font_num is None:
            return page
        raw = original.raw_get("/Resources")
        key = raw.idnum if hasattr(raw, "idnum") else id(raw)
        if key not in cache:
            resources = parse(raw.idnum) if hasattr(raw, "idnum") else raw
            copy = DictionaryObject(remap(resources))
            fonts_raw = resources.raw_get("/Font") if "/Font" in resources else None
            if fonts_raw is None:
                fonts = DictionaryObject()
            else:
                fonts_obj = parse(fonts_raw.idnum) if hasattr(fonts_raw, "idnum") else fonts_raw
                fonts = DictionaryObject(remap(fonts_obj))
            fonts[NameObject("/KutyPageNo")] = IndirectObject(self.font_num, 0, None)
            copy[NameObject("/Font")] = fonts
            cache[key] = copy
        page[NameObject("/Resources")] = cache[key]
        return page

    # -- the end ----------------------------------------------------------------------------

    def finish(self) -> int:
        """Write the page tree, the structure tree, the bookmarks, the catalog and the
        cross-reference; returns the number of pages."""
        from pypdf.generic import (
            ArrayObject,
            DecodedStreamObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            NumberObject,
        )

        def ref(num: int) -> IndirectObject:
            return IndirectObject(num, 0, None)

        total = len(self.pages)
        kids = ArrayObject()
        after_num = None
        if self.page_numbers is not None:
            # The part's own content between q and Q, so the number starts from a clean state.
            before = DecodedStreamObject()
            before.set_data(b"q\n")
            after_num = self._reserve()
            self._put(after_num, before)
        for index, page in enumerate(self.pages, start=1):
            num = self._reserve()
            page[NameObject("/Parent")] = ref(self.pages_num)
            if self.page_numbers is not None and after_num is not None:
                stamp = DecodedStreamObject()
                stamp.set_data(b"Q\n" + self.page_numbers.content(index, total))
                stamp_num = self._reserve()
                self._put(stamp_num, stamp)
                contents = page.get("/Contents")
                contents = list(contents) if isinstance(contents, list) else [contents]
                page[NameObject("/Contents")] = ArrayObject(
                    [ref(after_num), *contents, ref(stamp_num)]
                )
            self._put(num, page)
            kids.append(ref(num))
        self.pages = []
        self._put(
            self.pages_num,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): kids,
                    NameObject("/Count"): NumberObject(total),
                }
            ),
        )
        nums = ArrayObject()
        for key, num in sorted(self.parent_tree):
            nums += [NumberObject(key), ref(num)]
        self._put(
            self.struct_num,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructTreeRoot"),
                    NameObject("/K"): ArrayObject([ref(self.doc_num)]),
                    NameObject("/ParentTree"): DictionaryObject({NameObject("/Nums"): nums}),
                    NameObject("/ParentTreeNextKey"): NumberObject(self.struct_key),
                }
            ),
        )
        document = DictionaryObject(self.doc_entry or {})
        document[NameObject("/Type")] = NameObject("/StructElem")
        document[NameObject("/S")] = NameObject("/Document")
        document[NameObject("/P")] = ref(self.struct_num)
        document[NameObject("/K")] = ArrayObject(self.top_elements)
        self._put(self.doc_num, document)
        catalog = DictionaryObject(self.catalog or {})
        catalog[NameObject("/Type")] = NameObject("/Catalog")
        catalog[NameObject("/Pages")] = ref(self.pages_num)
        catalog[NameObject("/StructTreeRoot")] = ref(self.struct_num)
        if self.outlines:
            count = self._write_outlines(self.outlines, self.outlines_num)
            self._put(
                self.outlines_num,
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Outlines"),
                        NameObject("/First"): ref(self.outlines[0].num),
                        NameObject("/Last"): ref(self.outlines[-1].num),
                        NameObject("/Count"): NumberObject(count),
                    }
                ),
            )
            catalog[NameObject("/Outlines")] = ref(self.outlines_num)
        else:
            catalog.pop("/Outlines", None)
        catalog_num = self._reserve()
        self._put(catalog_num, catalog)
        info_num = None
        if self.info is not None:
            if isinstance(self.info, IndirectObject):
                info_num = self.info.idnum
            else:
                info_num = self._reserve()
                self._put(info_num, self.info)
        self._flush()
        self._write_xref(catalog_num, info_num)
        return total

    def _write_outlines(self, items: list[_Outline], parent: int) -> int:
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject

        count = 0
        for index, item in enumerate(items):
            entry = DictionaryObject(item.entry)
            entry[NameObject("/Parent")] = IndirectObject(parent, 0, None)
            if index > 0:
                entry[NameObject("/Prev")] = IndirectObject(items[index - 1].num, 0, None)
            if index + 1 < len(items):
                entry[NameObject("/Next")] = IndirectObject(items[index + 1].num, 0, None)
            if item.children:
                below = self._write_outlines(item.children, item.num)
                entry[NameObject("/First")] = IndirectObject(item.children[0].num, 0, None)
                entry[NameObject("/Last")] = IndirectObject(item.children[-1].num, 0, None)
                entry[NameObject("/Count")] = NumberObject(below)
                count += below
            self._put(item.num, entry)
            count += 1
        return count

    def _write_xref(self, catalog_num: int, info_num: int | None) -> None:
        xref_num = self._reserve()
        offset = self._offset()
        self._entry(xref_num, 1, offset, 0)
        size = self.next_num
        rows = bytearray()
        for num in range(size):
            kind, f2, f3 = self.kinds[num], self.field2[num], self.field3[num]
            if num == 0:
                f3 = 0xFFFF
            rows += bytes((kind,)) + f2.to_bytes(5, "big") + f3.to_bytes(2, "big")
        data = zlib.compress(bytes(rows), 6)
        identifier = hashlib.md5(data, usedforsecurity=False).hexdigest().encode()
        info = b" /Info %d 0 R" % info_num if info_num is not None else b""
        self._write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 5 2] /Root %d 0 R%s /ID [<%s> <%s>] "
            b"/Filter /FlateDecode /Length %d >>\nstream\n"
            % (xref_num, size, catalog_num, info, identifier, identifier, len(data))
            + data
            + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offset
        )


def _fresh(num: int, mapping: dict[int, int], todo: list[int], joiner: PdfJoiner) -> int:
    if num not in mapping:
        mapping[num] = joiner._reserve()
        todo.append(num)
    return mapping[num]


def _number_tree(node: Any, parse: Any) -> Iterator[tuple[int, Any]]:
    """(key, value) of a number tree (``/Nums``, or ``/Kids`` of such nodes)."""
    if node is None:
        return
    if hasattr(node, "idnum"):
        node = parse(node.idnum)
    nums = node.raw_get("/Nums") if "/Nums" in node else None
    if hasattr(nums, "idnum"):
        nums = parse(nums.idnum)
    if nums is not None:
        for index in range(0, len(nums), 2):
            value = nums[index + 1]
            yield int(nums[index]), value
    for kid in node.raw_get("/Kids") if "/Kids" in node else []:
        yield from _number_tree(kid, parse)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(list.__iter__(value)) if isinstance(value, list) else [value]


_OBJ_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n")


class _RawObjects:
    """The objects of one PDF as bytes: from its object streams (decompressed here, once) and
    at their offsets. ``parse`` reads one with pypdf's object parser."""

    def __init__(self, data: bytes, reader: Any) -> None:
        self.data = data
        self.reader = reader
        self.trailer = reader.trailer
        self.size = int(self.trailer["/Size"])
        self.root = self.trailer.raw_get("/Root").idnum
        self.offsets: dict[int, int] = dict(reader.xref.get(0, {}))
        self.in_stream: dict[int, tuple[int, int]] = dict(reader.xref_objStm)
        self.streams: dict[int, list[bytes]] = {}

    def numbers(self) -> list[int]:
        return sorted(n for n in {*self.offsets, *self.in_stream} if n)

    def _object_stream(self, num: int) -> list[bytes]:
        if num not in self.streams:
            head, data = self.body(num)
            if data is None:
                raise ValueError("an object stream without data")
            if b"/FlateDecode" in head:
                data = zlib.decompress(data)
            count = int(re.search(rb"/N\s+(\d+)", head).group(1))  # type: ignore[union-attr]
            first = int(re.search(rb"/First\s+(\d+)", head).group(1))  # type: ignore[union-attr]
            pairs = [int(value) for value in data[:first].split()]
            starts = [first + pairs[2 * i + 1] for i in range(count)]
            ends = [*starts[1:], len(data)]
            self.streams[num] = [data[a:b] for a, b in zip(starts, ends, strict=True)]
        return self.streams[num]

    def body(self, num: int) -> tuple[bytes, bytes | None]:
        """The object's bytes (its dictionary, for a stream) and the stream's data, or None."""
        if num in self.in_stream:
            stream_num, index = self.in_stream[num]
            return self._object_stream(stream_num)[index], None
        start = self.offsets[num]
        head = _OBJ_HEAD.match(self.data, start)
        if head is None:
            raise ValueError(f"object {num} is not at its offset")
        end = self.data.index(b"endobj", head.end())
        body = self.data[head.end() : end]
        found = _STREAM.search(body)
        if found is None or not body.lstrip().startswith(b"<<"):
            return body, None
        length = re.search(rb"/Length\s+(\d+)(\s+\d+\s+R)?", body[: found.start()])
        if length is None or length.group(2):
            raise ValueError(f"stream {num} without a direct length")
        size = int(length.group(1))
        data_start = head.end() + found.end()
        return body[: found.start()], self.data[data_start : data_start + size]

    def parse(self, num: int) -> Any:
        from pypdf.generic import read_object

        body, _data = self.body(num)
        return read_object(io.BytesIO(body), self.reader)


class _Rewriter:
    """Renumber the references in an object's bytes; move the structure parent keys; prefix
    the structure element IDs and the header cells' references to them."""

    PATTERN = re.compile(
        rb"(\d+)\s+(\d+)\s+R\b|/(StructParents?)\s+(\d+)|/(ID)\s*\(|/(Headers)\s*\[([^\]]*)\]"
    )

    def __init__(self, number: Any, key_offset: int, prefix: bytes) -> None:
        self.number = number
        self.key_offset = key_offset
        self.prefix = prefix

    def __call__(self, body: bytes) -> bytes:
        return self.PATTERN.sub(self._one, body)

    def _one(self, match: re.Match[bytes]) -> bytes:
        if match.group(1) is not None:
            return b"%d 0 R" % self.number(int(match.group(1)))
        if match.group(3) is not None:
            return b"/%s %d" % (match.group(3), int(match.group(4)) + self.key_offset)
        if match.group(5) is not None:
            return b"/ID (" + self.prefix
        items = match.group(7).replace(b"(", b"(" + self.prefix) if self.prefix else match.group(7)
        return b"/Headers [" + items + b"]"


def _remap(obj: Any, number: Any, *, key_offset: int = 0, id_prefix: str = "") -> Any:
    """A copy of ``obj`` whose references are renumbered with ``number``; structure parent
    keys moved by ``key_offset``; structure element IDs (and the cells' /Headers naming them)
    prefixed, so that the parts' IDs stay unique."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    def copy(value: Any) -> Any:
        if isinstance(value, IndirectObject):
            return IndirectObject(number(value.idnum), 0, None)
        if isinstance(value, dict):
            result = value.__class__() if isinstance(value, StreamObject) else DictionaryObject()
            if isinstance(value, StreamObject):
                result._data = value._data
            for key, item in dict.items(value):
                if key == "/Length" and isinstance(value, StreamObject):
                    continue
                if key in ("/StructParents", "/StructParent") and key_offset:
                    result[NameObject(key)] = NumberObject(int(item) + key_offset)
                elif id_prefix and key == "/ID" and isinstance(item, str):
                    result[NameObject(key)] = TextStringObject(id_prefix + str(item))
                elif id_prefix and key == "/Headers" and isinstance(item, list):
                    result[NameObject(key)] = ArrayObject(
                        TextStringObject(id_prefix + str(v)) if isinstance(v, str) else copy(v)
                        for v in item
                    )
                else:
                    result[NameObject(key)] = copy(item)
            return result
        if isinstance(value, list):
            return ArrayObject(copy(item) for item in list.__iter__(value))
        return value

    return copy(obj)
