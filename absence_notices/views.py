"""Pages of absence notices: a unit's list, the PDFs, and marking notices sent.

Counsellors and unit managers of the unit only: anyone else gets 404, as for a unit that does
not exist. The list writes one ``view`` row per client it names, a PDF one ``export`` row per
client in it (the notice leaves the organiser), marking sent one ``change`` row per client;
each in one insert. No identity code is ever in an address, a file name or a log row.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.models import Action
from audit.services import access_log_record, access_log_record_many

from . import selectors
from .pdf import Printed, render_notices_pdf
from .services import notices_mark_sent

if TYPE_CHECKING:
    from organisations.models import Unit

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
LANGUAGES = ("fi", "sv")
FILE_NAMES = {"fi": "poissaoloilmoitukset", "sv": "franvaroanmalningar"}


def list_url(unit: Unit, month: datetime.date | None = None) -> str:
    url = reverse("absence_notices:list", kwargs={"unit": unit.uuid})
    return f"{url}?month={month:%Y-%m}" if month else url


def _chosen_month(value: str | None) -> datetime.date | None:
    """``?month=2026-01``: that month's half-months; anything else: the recent ones."""
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (selectors.EARLIEST_YEAR <= year <= selectors.LATEST_YEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def _language(request: HttpRequest) -> str | None:
    lang = request.GET.get("lang")
    return lang if lang in LANGUAGES else None


@login_required
@require_GET
def notice_units(request: HttpRequest) -> HttpResponse:
    """The start of the notices: the user's one unit straight away, else a choice of units."""
    units = selectors.notice_units(request.user)
    if not units:
        raise Http404
    if len(units) == 1:
        return redirect(list_url(units[0]))
    return render(request, "absence_notices/units.html", {"units": units})


@login_required
@require_GET
@never_cache
def notice_list(request: HttpRequest, unit: uuid.UUID) -> HttpResponse:
    """The unit's notices of the recent half-months (or of one month), newest first."""
    the_unit = selectors.notice_unit_or_404(user=request.user, unit_uuid=unit)
    today = timezone.localdate()
    month = _chosen_month(request.GET.get("month"))
    if month is None:
        fortnights = selectors.recent_fortnights(today)
    else:
        fortnights = [f for f in selectors.fortnights_of_month(month) if f.ended(today)]
    notices = selectors.notices_for_units(units=[the_unit], fortnights=fortnights, today=today)
    groups: OrderedDict[selectors.Fortnight, list[selectors.Notice]] = OrderedDict(
        (f, []) for f in sorted(fortnights, reverse=True)
    )
    for notice in notices:
        groups[notice.fortnight].append(notice)
    detail = "absence notices " + (f"{month:%Y-%m}" if month else "recent")
    logged = access_log_record_many(
        action=Action.VIEW,
        client_uuids=[notice.client.uuid for notice in notices],
        request=request,
        object_type=the_unit._meta.label_lower,
        object_id=str(the_unit.uuid),
        detail=detail,
    )
    if not logged:
        access_log_record(action=Action.VIEW, request=request, obj=the_unit, detail=detail)
    # "Earlier months": the month of the oldest half-month shown when its first half is not,
    # else the month before.
    oldest = min(fortnights).first if fortnights else today
    earlier = oldest if oldest.day != 1 else oldest - datetime.timedelta(days=1)
    context: dict[str, Any] = {
        "unit": the_unit,
        "groups": [
            {
                "fortnight": fortnight,
                "notices": rows,
                "pending": sum(1 for n in rows if n.pending),
            }
            for fortnight, rows in groups.items()
        ],
        "month": month,
        "earlier_month": earlier.replace(day=1),
        "overdue_days": selectors.overdue_days(),
        "lookback_days": selectors.lookback_days(),
        "today": today,
    }
    return render(request, "absence_notices/list.html", context)


def _pdf_response(
    request: HttpRequest,
    *,
    unit: Unit,
    fortnight: selectors.Fortnight,
    printed: list[Printed],
    what: str,
) -> HttpResponse:
    language = _language(request)
    pdf, document_language = render_notices_pdf(
        unit=unit,
        fortnight=fortnight,
        notices=printed,
        printed_by=request.user,  # type: ignore[arg-type]
        language=language,
    )
    detail = (
        f"absence {what} {fortnight.first:%Y-%m-%d}–{fortnight.last:%Y-%m-%d} "
        f"PDF ({language or 'client language'})"
    )
    logged = access_log_record_many(
        action=Action.EXPORT,
        client_uuids=[p.client.uuid for p in printed],
        request=request,
        object_type="absence_notices.absencenotice",
        object_id=str(unit.uuid),
        detail=detail,
    )
    if not logged:
        access_log_record(action=Action.EXPORT, request=request, obj=unit, detail=detail)
    base = FILE_NAMES.get(document_language, FILE_NAMES["fi"])
    name = f"{base}-{fortnight.first:%Y-%m-%d}-{fortnight.last:%d}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
@never_cache
def unit_pdf(
    request: HttpRequest, unit: uuid.UUID, year: int, month: int, half: int
) -> HttpResponse:
    """The unit's notices of the half-month in one PDF: those to send (``?which=all``: every
    notice, those already sent as they were sent)."""
    the_unit = selectors.notice_unit_or_404(user=request.user, unit_uuid=unit)
    fortnight = selectors.fortnight_or_404(year, month, half)
    today = timezone.localdate()
    if not fortnight.ended(today):
        raise Http404
    notices = selectors.notices_for_units(units=[the_unit], fortnights=[fortnight], today=today)
    if request.GET.get("which") != "all":
        notices = [n for n in notices if n.pending]
    printed = [Printed.current(n) for n in notices]
    return _pdf_response(
        request, unit=the_unit, fortnight=fortnight, printed=printed, what="notices"
    )


@login_required
@require_GET
@never_cache
def client_pdf(
    request: HttpRequest, unit: uuid.UUID, year: int, month: int, half: int, client: uuid.UUID
) -> HttpResponse:
    """One client's notice: to send, or as last sent; ``?sent=<id>`` an earlier one as sent."""
    the_unit = selectors.notice_unit_or_404(user=request.user, unit_uuid=unit)
    fortnight = selectors.fortnight_or_404(year, month, half)
    notice = selectors.client_notice_or_404(
        unit=the_unit, client_uuid=client, fortnight=fortnight, today=timezone.localdate()
    )
    wanted = request.GET.get("sent")
    if wanted:
        sent = next((s for s in notice.sent if str(s.uuid) == wanted), None)
        if sent is None:
            raise Http404
        printed = Printed.stored(notice.client, fortnight, sent)
    else:
        printed = Printed.current(notice)
    return _pdf_response(
        request, unit=the_unit, fortnight=fortnight, printed=[printed], what="notice"
    )


def _client_ids(values: list[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except (ValueError, AttributeError):
            continue
    return ids


@login_required
@require_POST
def mark_sent(
    request: HttpRequest, unit: uuid.UUID, year: int, month: int, half: int
) -> HttpResponse:
    """Mark the half-month's notices to send as sent (``client``: only these clients')."""
    the_unit = selectors.notice_unit_or_404(user=request.user, unit_uuid=unit)
    fortnight = selectors.fortnight_or_404(year, month, half)
    chosen = request.POST.getlist("client")
    clients = _client_ids(chosen) if chosen else None
    stored = notices_mark_sent(
        unit=the_unit,
        fortnight=fortnight,
        actor=request.user,  # type: ignore[arg-type]
        today=timezone.localdate(),
        clients=clients,
        request=request,
    )
    if stored:
        messages.success(
            request,
            ngettext(
                "%(count)d notice of %(period)s marked sent.",
                "%(count)d notices of %(period)s marked sent.",
                len(stored),
            )
            % {"count": len(stored), "period": fortnight},
        )
    else:
        messages.info(request, _("There were no notices to mark sent."))
    if fortnight in selectors.recent_fortnights(timezone.localdate()):
        return redirect(list_url(the_unit))
    return redirect(list_url(the_unit, fortnight.first.replace(day=1)))
