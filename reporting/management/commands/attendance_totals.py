"""``python manage.py attendance_totals [--check]``: count the dashboards' monthly attendance
totals, and the busy weeks of the weekly-limit warning, again from the attendance records.

Every attendance write keeps the totals up to date; run this after loading records past the
application (a bulk load, a restore). ``--check`` counts them again without saving and exits
with status 1 if the kept totals differ from the records.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from guidance.models import AttendanceBusyWeek
from reporting.attendance_totals import rebuild
from reporting.models import AttendanceMonthTotals


def _snapshot() -> set[tuple[Any, ...]]:
    """The kept rows: the monthly totals and the busy weeks of the weekly-limit warning."""
    months = {
        tuple(sorted(model_to_dict(row, exclude=["id"]).items()))
        for row in AttendanceMonthTotals.objects.all()
    }
    weeks = set(AttendanceBusyWeek.objects.values_list("client_id", "week", "present_dates"))
    return months | {("week", *week) for week in weeks}


class Command(BaseCommand):
    help = _("Count the monthly attendance totals of the dashboards again from the records.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Only compare the kept totals with the records; save nothing."),
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        with transaction.atomic():
            kept = _snapshot() if check else set()
            written = rebuild()
            if check:
                differing = len(kept ^ _snapshot())
                transaction.set_rollback(True)
        if not check:
            self.stdout.write(_("%(count)d monthly totals counted.") % {"count": written})
            return
        if differing:
            raise CommandError(
                _("%(count)d monthly totals differ from the attendance records; run the command "
                  "without --check to count them again.") % {"count": differing}
            )  # fmt: skip
        self.stdout.write(_("The %(count)d monthly totals match the records.") % {"count": written})
