"""Absence notices as PDF (Kela form TT3's content), one client's or a unit's half-month
together, in Finnish or Swedish.

Each notice is rendered in its own language (the one chosen, else the client's language of
service) and marked with ``lang`` in the document; the document's language is the one chosen,
else that of the notices when they share one, else Finnish. A notice already sent prints from
its stored figures, exactly as it was sent; the identity code is read from the client when
printing (it is never stored with the notice).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone, translation

from clients.access_log_report import finnish_datetime, pdf_language
from kuty.pdf import html_to_pdf

from .selectors import Fortnight, Notice, NoticeFigures

if TYPE_CHECKING:
    from accounts.models import User
    from clients.models import Client
    from organisations.models import Unit

    from .models import AbsenceNotice

DOCUMENT_TEMPLATE = "absence_notices/pdf/notices.html"
NOTICE_TEMPLATE = "absence_notices/pdf/_notice.html"


@dataclass(frozen=True)
class Printed:
    """One notice to print: its figures, and how it was sent if it was."""

    client: Client
    fortnight: Fortnight
    figures: NoticeFigures
    correction_of: AbsenceNotice | None  # the notice this one corrects
    sent: AbsenceNotice | None  # the stored notice printed again, or None (not sent yet)

    @classmethod
    def current(cls, notice: Notice) -> Printed:
        """The notice as it stands: to send (with today's figures), or the last one sent."""
        if notice.pending:
            return cls(notice.client, notice.fortnight, notice.figures, notice.last_sent, None)
        return cls.stored(notice.client, notice.fortnight, notice.last_sent)  # type: ignore[arg-type]

    @classmethod
    def stored(cls, client: Client, fortnight: Fortnight, sent: AbsenceNotice) -> Printed:
        figures = NoticeFigures.from_json(sent.figures)
        return cls(client, fortnight, figures, sent.correction_of, sent)


def _short(day: datetime.date) -> str:
    return f"{day.day}.{day.month}."


def _long(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _section(printed: Printed, language: str) -> str:
    with translation.override(language):
        figures = printed.figures
        context = {
            "language": language,
            "client": printed.client,
            "fortnight": printed.fortnight,
            "period": f"{_long(printed.fortnight.first)}–{_long(printed.fortnight.last)}",
            "figures": figures,
            "absences": [
                {
                    "label": line.label,
                    "count": line.count,
                    "dates": ", ".join(map(_short, line.dates)),
                }
                for line in figures.absences
            ],
            "present_dates": ", ".join(map(_short, figures.present_dates)),
            "unrecorded_dates": ", ".join(map(_short, figures.unrecorded_dates)),
            "correction_of": printed.correction_of,
            "correction_of_sent": (
                finnish_datetime(printed.correction_of.sent_at) if printed.correction_of else ""
            ),
            "sent": printed.sent,
            "sent_at": finnish_datetime(printed.sent.sent_at) if printed.sent else "",
            "sent_by": (
                printed.sent.sent_by.get_full_name() or printed.sent.sent_by.get_username()
                if printed.sent
                else ""
            ),
        }
        return render_to_string(NOTICE_TEMPLATE, context)


def render_notices_pdf(
    *,
    unit: Unit,
    fortnight: Fortnight,
    notices: Sequence[Printed],
    printed_by: User,
    language: str | None = None,
) -> tuple[bytes, str]:
    """The notices as one A4 PDF, each on its own page; returns the bytes and the document's
    language."""
    languages = [pdf_language(p.client, language) for p in notices]
    if language in ("fi", "sv"):
        document_language = language
    elif languages and len(set(languages)) == 1:
        document_language = languages[0]
    else:
        document_language = "fi"
    sections = [_section(p, lang) for p, lang in zip(notices, languages, strict=True)]
    with translation.override(document_language):
        html = render_to_string(
            DOCUMENT_TEMPLATE,
            {
                "unit": unit,
                "fortnight": fortnight,
                "sections": sections,
                "printed_by": printed_by.get_full_name() or printed_by.get_username(),
                "printed_at": finnish_datetime(timezone.now()),
                "period": f"{_long(fortnight.first)}–{_long(fortnight.last)}",
            },
        )
    return html_to_pdf(html), document_language
