"""A client's access log: who has processed the client's data, when and how (Act 703/2023,
DOMAIN.md §6, interfaces.md §4).

One builder, ``build_client_access_log``, serves the page a unit manager or the client's
responsible counsellor opens, the PDF handed to the client (``render_client_access_log_pdf``)
and ``manage.py access_log``. It reads the log in three queries whatever its length: the
entries with their users, the client's units, the users' roles.

Each entry says what was processed in a short text (``what``) made from the row's object type
and detail, in the active language; an identity code never appears in it, even if a detail
carried one by mistake. The person's name and role are read as they are now: the log keeps
the user name as it was, not the full name or the role.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from django.utils.translation import pgettext

from audit.models import AccessLogEntry, Action
from audit.services import access_log_record
from kuty.pdf import render_pdf
from organisations.access import ROLE_PRECEDENCE, get_access
from organisations.models import Role, RoleAssignment

from .access_log_what import LOG_OBJECT_TYPE, describe_entry
from .models import Client, Language
from .selectors import client_unit_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User

HELSINKI = ZoneInfo("Europe/Helsinki")
PDF_TEMPLATE = "clients/pdf/access_log.html"
PDF_LANGUAGES = (Language.FINNISH.value, Language.SWEDISH.value)
LOG_BASIS = "the client's right to know (Act 703/2023)"
_DAY = datetime.timedelta(days=1)


# --- who may read it ------------------------------------------------------------------------


def may_see_access_log(
    user: User | AnonymousUser, client: Client, *, unit_ids: Iterable[int] | None = None
) -> bool:
    """A unit manager of one of the client's units, or the client's responsible counsellor.

    The caller has already checked that ``user`` sees the client (``get_client_for_user``).
    ``unit_ids`` are the client's units when the caller has them already.
    """
    if client.responsible_counsellor_id is not None and client.responsible_counsellor_id == (
        getattr(user, "pk", None)
    ):
        return True
    managed = get_access(user).manage_unit_ids
    if not managed:
        return False
    return bool(managed & set(client_unit_ids(client) if unit_ids is None else unit_ids))


# --- the request itself is logged -----------------------------------------------------------


def range_text(date_from: datetime.date | None, date_to: datetime.date | None) -> str:
    """The range for a log detail: ``2026-01-01–2026-01-31``, an open end left empty."""
    if date_from is None and date_to is None:
        return ""
    return f"{date_from.isoformat() if date_from else ''}–{date_to.isoformat() if date_to else ''}"


def client_access_log_record_request(
    *,
    action: Action,
    client: Client,
    head: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    language: str = "",
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
) -> AccessLogEntry:
    """One row for a reading of the client's access log (the page, a PDF, a file)."""
    parts = [f"{head} ({language})" if language else head, range_text(date_from, date_to)]
    return access_log_record(
        action=action,
        request=request,
        user=user,
        username=username,
        client_uuid=client.uuid,
        object_type=LOG_OBJECT_TYPE,
        object_id=str(client.uuid),
        basis=LOG_BASIS,
        detail="; ".join(part for part in parts if part),
    )


# --- the builder ----------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=HELSINKI)


def _local_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(HELSINKI).isoformat(timespec="seconds")


def client_access_log_entries(
    client: Client, *, date_from: datetime.date | None, date_to: datetime.date | None
) -> list[AccessLogEntry]:
    """The client's log rows in time order, local days both included, with their users."""
    entries = AccessLogEntry.objects.filter(client_uuid=client.uuid).select_related("user")
    # The first and last days a calendar has are no bound at all (and would overflow in UTC).
    if date_from is not None and date_from > datetime.date.min + _DAY:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to is not None and date_to < datetime.date.max - _DAY:
        entries = entries.filter(at__lt=_start_of(date_to + _DAY))
    return list(entries.order_by("at", "id"))


def build_client_access_log(
    *,
    client: Client,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[str, Any]:
    """The JSON of interfaces.md §4, with each entry's ``role`` added (for the PDF).

    Texts (``what``, ``role``) are in the active language.
    """
    entries = client_access_log_entries(client, date_from=date_from, date_to=date_to)
    roles = user_roles(
        {entry.user_id for entry in entries if entry.user_id is not None},
        client_unit_ids=client_unit_ids(client),
    )
    return {
        "client": {"hetu": client.hetu, "name": client.full_name},
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "generated_at": _local_iso(timezone.now()),
        "entries": [_entry(entry, roles) for entry in entries],
    }


def _entry(entry: AccessLogEntry, roles: dict[int, str]) -> dict[str, Any]:
    user = entry.user
    if user is None:
        name, role = entry.username, pgettext("access log role", "System")
    else:
        name = user.get_full_name() or entry.username or user.get_username()
        role = roles.get(user.pk) or user.title  # the job title of someone with no role now
    return {
        "at": _local_iso(entry.at),
        "user": entry.username,
        "name": name,
        "action": entry.action,
        "what": describe_entry(entry.object_type, entry.detail),
        "ip": entry.ip_address or None,
        "role": role,
    }


# --- roles ----------------------------------------------------------------------------------


def _role_text(assignment: RoleAssignment) -> str:
    scope = assignment.unit or assignment.project or assignment.organiser or assignment.municipality
    label = str(Role(assignment.role).label)
    return f"{label}, {scope.name}" if scope is not None else label


def user_roles(user_ids: Iterable[int], *, client_unit_ids: Iterable[int]) -> dict[int, str]:
    """Each user's role as "Counsellor, Unit name", in one query: a role in one of the
    client's units first, then the most hands-on role."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    units = set(client_unit_ids)
    assignments = RoleAssignment.objects.filter(user_id__in=user_ids).select_related(
        "unit", "project", "organiser", "municipality"
    )
    best: dict[int, tuple[int, int, str]] = {}
    for assignment in assignments:
        rank = (
            0 if assignment.unit_id in units else 1,
            ROLE_PRECEDENCE.index(Role(assignment.role)),
            _role_text(assignment),
        )
        if assignment.user_id not in best or rank < best[assignment.user_id]:
            best[assignment.user_id] = rank
    return {user_id: rank[2] for user_id, rank in best.items()}


# --- the PDF handed to the client -----------------------------------------------------------


def pdf_language(client: Client, requested: str | None = None) -> str:
    """Finnish or Swedish: the one asked for, else the client's language of service."""
    if requested in PDF_LANGUAGES:
        return str(requested)
    if client.service_language in PDF_LANGUAGES:
        return str(client.service_language)
    return Language.FINNISH.value


def finnish_datetime(moment: datetime.datetime) -> str:
    """12.1.2026 09.14, as Finnish and Swedish documents write a time."""
    local = moment.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year} {local:%H.%M}"


def _finnish_date(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _range_words(date_from: datetime.date | None, date_to: datetime.date | None) -> str:
    if date_from and date_to:
        return f"{_finnish_date(date_from)}–{_finnish_date(date_to)}"
    if date_from:
        return pgettext("access log PDF", "from %(date)s") % {"date": _finnish_date(date_from)}
    if date_to:
        return pgettext("access log PDF", "until %(date)s") % {"date": _finnish_date(date_to)}
    return pgettext("access log PDF", "all recorded entries")


def _pdf_context(
    report: dict[str, Any],
    *,
    client: Client,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    printed_by: User,
) -> dict[str, Any]:
    labels = dict(Action.choices)
    printer = printed_by.get_full_name() or printed_by.get_username()
    roles = user_roles([printed_by.pk], client_unit_ids=client_unit_ids(client))
    role = roles.get(printed_by.pk) or printed_by.title
    return {
        "client": report["client"],
        "organiser": client.registered_unit.organiser.name,
        "range": _range_words(date_from, date_to),
        "rows": [
            {
                "name": entry["name"],
                "user": entry["user"],
                "role": entry["role"],
                "when": finnish_datetime(datetime.datetime.fromisoformat(entry["at"])),
                "action": str(labels.get(entry["action"], entry["action"])),
                "what": entry["what"],
            }
            for entry in report["entries"]
        ],
        "printed_by": f"{printer} ({role})" if role else printer,
        "printed_at": finnish_datetime(datetime.datetime.fromisoformat(report["generated_at"])),
    }


def render_client_access_log_pdf(
    *,
    client: Client,
    printed_by: User,
    language: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> bytes:
    """The client's access log as an A4 PDF in ``language`` (Finnish or Swedish)."""
    with translation.override(language):
        report = build_client_access_log(client=client, date_from=date_from, date_to=date_to)
        context = _pdf_context(
            report, client=client, date_from=date_from, date_to=date_to, printed_by=printed_by
        )
    return render_pdf(PDF_TEMPLATE, context, language=language)
