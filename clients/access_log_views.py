"""A client's access log on the web: the page and the PDF handed to the client (Act 703/2023,
interfaces.md §4). Both read the same builder as ``manage.py access_log``
(clients/access_log_report.py) and are themselves logged: the page as a view, the PDF as a
printout.

Who may read it: a unit manager of one of the client's units and the client's responsible
counsellor. Anyone else who sees the client gets 403; anyone who does not, 404.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.models import Action

from .access import get_client_for_user
from .access_log_report import (
    build_client_access_log,
    client_access_log_record_request,
    may_see_access_log,
    pdf_language,
    render_client_access_log_pdf,
)
from .access_log_what import PRINTED, SHOWN
from .models import Client

PAGE_SIZE = 50
PDF_FILE_NAMES = {"fi": "kayttoloki", "sv": "atkomstlogg"}


class AccessLogRangeForm(forms.Form):
    """The page's GET parameters ``from`` and ``to``: both optional, both days included."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the date fields are added by name.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, help_text=_("For example 1.1.2026.")
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, help_text=_("Inclusive.")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            raise ValidationError(_("The range ends before it starts."))
        return data

    def dates(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")


class AccessLogPdfForm(AccessLogRangeForm):
    """The PDF's GET parameters: the range, and ``lang`` (default: the client's language)."""

    lang = forms.ChoiceField(
        label=_("Language of the PDF"),
        required=False,
        choices=[("fi", _("Finnish")), ("sv", _("Swedish"))],
    )


def _client_with_log_access(request: HttpRequest, code: UUID) -> Client:
    """The client whose log the user may read; 404 when they do not see the client, 403
    when they see it but may not read its log."""
    client = get_client_for_user(request.user, code)
    if not may_see_access_log(request.user, client):
        raise PermissionDenied
    return client


@login_required
@require_GET
@never_cache
def client_access_log(request: HttpRequest, code: UUID) -> HttpResponse:
    """Who has processed this client's data, newest first; opening it is logged first."""
    client = _client_with_log_access(request, code)
    form = AccessLogRangeForm(request.GET)
    date_from, date_to = form.dates() if form.is_valid() else (None, None)
    client_access_log_record_request(
        action=Action.VIEW,
        client=client,
        head=SHOWN,
        date_from=date_from,
        date_to=date_to,
        request=request,
    )
    entries: list[dict[str, Any]] = []
    if form.is_valid():
        report = build_client_access_log(client=client, date_from=date_from, date_to=date_to)
        entries = [
            {**entry, "at": datetime.datetime.fromisoformat(entry["at"])}
            for entry in reversed(report["entries"])
        ]
    context = {
        "client": client,
        "form": form,
        "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
        "client_language": pdf_language(client),
    }
    return render(request, "clients/access_log.html", context)


@login_required
@require_GET
@never_cache
def client_access_log_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    """The log as a PDF to hand to the client, in Finnish or Swedish; logged as a printout.
    Dates that do not validate send the user back to the page, which shows what is wrong."""
    client = _client_with_log_access(request, code)
    form = AccessLogPdfForm(request.GET)
    if not form.is_valid():
        url = reverse("clients:access_log", kwargs={"code": client.uuid})
        return redirect(f"{url}?{request.GET.urlencode()}")
    date_from, date_to = form.dates()
    language = pdf_language(client, form.cleaned_data["lang"])
    # Logged before the log is read, so the printout lists itself (ATOMIC_REQUESTS: one
    # transaction with the reading).
    client_access_log_record_request(
        action=Action.PRINT,
        client=client,
        head=PRINTED,
        date_from=date_from,
        date_to=date_to,
        language=language,
        request=request,
    )
    pdf = render_client_access_log_pdf(
        client=client,
        printed_by=request.user,  # type: ignore[arg-type]
        language=language,
        date_from=date_from,
        date_to=date_to,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{PDF_FILE_NAMES.get(language, 'kayttoloki')}-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
