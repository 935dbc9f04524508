"""The report PDFs' tables fit the page: every text is inside the page box, measured with the
PDF's own coordinates, and the last column (the one that used to fall off the right edge) is
printed. Each kind is rendered in its widest realistic case: the client rows with every absence
column, unpriced days, long unit and client names, a client with all four warnings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import ArrayObject, ByteStringObject

from reporting.builders import build_report
from reporting.models import Rate
from reporting.renderers.pdf import render
from reporting.renderers.tables import report_tables
from tests.pdf_checks import assert_tagged_pdf_ua, structure_tags
from tests.reporting.builder_data import attend, d, make_world, params, period, person

MARCH = ("2025-03-01", "2025-03-31")
LONG_UNIT = "Kuntouttavan työtoiminnan keskus, Pohjois-Helsingin palvelualueen Malmin toimipiste"


@dataclass
class Text:
    page: int
    x: float  # where it starts, in points from the page's left edge
    right: float  # where it ends
    y: float
    text: str


def _widths(font: Any) -> tuple[dict[int, float], float]:
    """Glyph widths (per 1000 units of text space) of a Type0 font, by glyph id."""
    descendant = font["/DescendantFonts"][0].get_object()
    widths: dict[int, float] = {}
    table = list(descendant.get("/W", []))
    index = 0
    while index < len(table):
        first = int(table[index])
        if isinstance(table[index + 1], list | ArrayObject):
            for offset, width in enumerate(table[index + 1]):
                widths[first + offset] = float(width)
            index += 2
        else:
            last, width = int(table[index + 1]), float(table[index + 2])
            widths.update(dict.fromkeys(range(first, last + 1), width))
            index += 3
    return widths, float(descendant.get("/DW", 1000))


def placed_texts(content: bytes) -> tuple[PdfReader, list[Text]]:
    """Every run of glyphs the PDF draws, with where it starts and ends on its page (from the
    font's own glyph widths), and the texts as pypdf reads them with where they start."""
    reader = PdfReader(io.BytesIO(content))
    texts: list[Text] = []
    for number, page in enumerate(reader.pages):
        fonts = page["/Resources"]["/Font"]
        state: dict[str, Any] = {}

        def operand(op, args, cm, tm, number=number, fonts=fonts, state=state):  # type: ignore[no-untyped-def]
            if op == b"Tf":
                state["widths"], state["default"] = _widths(fonts[args[0]].get_object())
                state["size"] = float(args[1])
            if op not in (b"TJ", b"Tj"):
                return
            parts = args[0] if op == b"TJ" else [args[0]]
            advance = 0.0  # in text space units of 1/1000 of the font size
            for part in parts:
                if isinstance(part, bytes | ByteStringObject):
                    glyphs = [
                        int.from_bytes(part[i : i + 2], "big") for i in range(0, len(part), 2)
                    ]
                    advance += sum(state["widths"].get(g, state["default"]) for g in glyphs)
                else:
                    advance -= float(part)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            width = advance / 1000 * state["size"] * tm[0] * cm[0]
            texts.append(Text(number, x, x + width, y, ""))

        def visit(text, cm, tm, _font, _size, number=number):  # type: ignore[no-untyped-def]
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                texts.append(Text(number, x, x, y, text.strip()))

        page.extract_text(visitor_operand_before=operand, visitor_text=visit)
    return reader, texts


def assert_inside_pages(reader: PdfReader, texts: list[Text]) -> None:
    assert texts
    for text in texts:
        box = reader.pages[text.page].mediabox
        left, right = float(box.left), float(box.right)
        bottom, top = float(box.bottom), float(box.top)
        near = [t.text for t in texts if t.text and t.page == text.page and abs(t.y - text.y) < 2]
        where = f"on page {text.page + 1} at y={text.y:.0f} (line: {' | '.join(near)[:200]!r})"
        assert left <= text.x, f"a text starts left of the page {where}"
        assert text.right <= right + 0.5, (
            f"a text ends at x={text.right:.0f}, past the right edge {right:.0f}, {where}"
        )
        assert bottom <= text.y <= top, f"a text is above or below the page {where}"


def header_on_page(reader: PdfReader, texts: list[Text], label: str) -> None:
    """The column header is printed (every run of glyphs is inside the page, checked above)."""
    words = [t for t in texts if label in t.text]
    assert words, f"the column header {label!r} is not printed"
    for word in words:
        assert word.x < float(reader.pages[word.page].mediabox.right)


@pytest.fixture
def wide_world(db):
    """Long unit and client names, every kind of absence, days before the first known rate
    (unpriced), and a client with all four warnings."""
    w = make_world()
    w.u1.name = LONG_UNIT
    w.u1.save()
    w.u2.name = "Työpaja Kivimäki–Hämäläinen, Itä-Vantaan nuorten aikuisten ryhmä"
    w.u2.save()
    Rate.objects.filter(kind="allowance").delete()
    Rate.objects.create(kind="allowance", valid_from=d(2025, 3, 10), amount="9.00", source="t")
    # Monday 3.3.: five days in a week planned for four, four sick days without a certificate,
    # five child-sick days, an unjustified day; then the other absences.
    everything = "PPPPP..SSSS...KKKKK..UJTCN..PPPP"
    for number, unit in enumerate([w.u1, w.u1, w.u2, w.u3]):
        client = person(
            born=d(1970 + number, 1, 1), sex="woman", municipality=w.helsinki, unit=unit,
            first_name="Anna-Maria Johanna", last_name=f"Kivimäki-Hämäläinen-Virtanen{number}",
            benefit=["labour_market_subsidy", "social_assistance", "", "earnings_related"][
                number
            ],
        )  # fmt: skip
        attend(period(client, unit, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), everything)
    return w


def render_widest(kind: str) -> bytes:
    report = build_report(params(kind, *MARCH))
    with translation.override("fi"):
        return render(report, meta={"generated_by": "Liisa Laskija-Pitkänimi"})


def test_the_test_data_is_the_widest_case(wide_world):
    report = build_report(params("attendance", *MARCH))
    assert any(len(row["flags"]) == 4 for row in report["clients"])
    allowance = build_report(params("allowance", *MARCH))
    assert allowance["totals"]["unpriced_days"]
    with translation.override("fi"):
        clients = report_tables(allowance)[0]
    assert clients.key == "clients"
    assert len(clients.columns) >= 14


@pytest.mark.parametrize(
    ("kind", "last_column"),
    [
        ("allowance", "Määrä"),
        ("attendance", "Varoitukset"),
        ("state-compensation", "Määrä"),
        ("outcome", None),
    ],
)
def test_every_text_is_inside_the_page(wide_world, kind, last_column):
    reader, texts = placed_texts(render_widest(kind))
    assert_inside_pages(reader, texts)
    if last_column:
        header_on_page(reader, texts, last_column)


def test_long_texts_wrap_instead_of_running_off(wide_world):
    reader, texts = placed_texts(render_widest("attendance"))
    assert_inside_pages(reader, texts)
    # The warnings of the client with all four are printed, wrapped inside their column.
    joined = " ".join(t.text for t in texts)
    assert "Lapsi" in joined or "lapsi" in joined


@pytest.mark.parametrize("kind", ["allowance", "attendance", "state-compensation", "outcome"])
def test_every_report_is_tagged_pdf_ua(wide_world, kind):
    reader = assert_tagged_pdf_ua(render_widest(kind), lang="fi", title="1.3.2025–31.3.2025")
    tags = structure_tags(reader)
    assert {"/Table", "/TH", "/TD"} <= tags  # real table headers for a screen reader
