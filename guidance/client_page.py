"""What guidance adds to the client page: the current period's transition actions,
attendance warnings and the timeline (registered in ``GuidanceConfig.ready``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from clients.models import Period, PeriodStatus
from clients.page_sections import ClientPageSection, register_client_page_section

from .timeline import client_timeline
from .warnings import client_attendance_warnings

if TYPE_CHECKING:
    from django.http import HttpRequest

    from clients.models import Client


def _status_context(request: HttpRequest, client: Client, can_edit: bool) -> dict[str, Any]:
    today = timezone.localdate()
    endable = list(
        Period.objects.filter(
            client=client, status__in=[PeriodStatus.AGREED, PeriodStatus.ACTIVE]
        ).select_related("unit")
    )
    follow_ups = [
        (period, months)
        for period in Period.objects.filter(
            client=client, status=PeriodStatus.ENDED, follow_up_consent=True
        ).select_related("unit")
        for months, field in ((3, "destination_3m"), (6, "destination_6m"))
        if not getattr(period, field)
    ]
    return {
        "warnings": client_attendance_warnings(client, today),
        "endable_periods": endable if can_edit else [],
        "open_follow_ups": follow_ups if can_edit else [],
    }


def _timeline_context(request: HttpRequest, client: Client, can_edit: bool) -> dict[str, Any]:
    return {"timeline": client_timeline(client, request.user)}


def register() -> None:
    register_client_page_section(
        ClientPageSection(
            name="guidance.status",
            template="guidance/partials/client_status.html",
            context=_status_context,
            order=40,
        )
    )
    register_client_page_section(
        ClientPageSection(
            name="guidance.timeline",
            template="guidance/partials/client_timeline.html",
            context=_timeline_context,
            order=50,
        )
    )
