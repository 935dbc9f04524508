"""``python manage.py import_attendance FILE [--user USERNAME] [--reason TEXT]``
(interfaces.md §2)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from guidance.attendance_import import MAX_REASON_LENGTH, attendance_import
from organisations.importing import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Create or update daily attendance records from a CSV file, one row per client and "
        "day (columns hetu, unit, date, status, hours). All or nothing: on any error nothing "
        "is saved, every error is printed as 'row N, column C: message' and the exit status "
        "is 1. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "Who imports the file: named in the access log of each client whose records "
                "are created or changed (without it, the log names import_attendance) and on "
                "late corrections. Needed when the file changes a month a unit has locked."
            ),
        )
        parser.add_argument(
            "--reason",
            metavar="TEXT",
            default="",
            help=(
                "The reason of the late corrections, as on the month sheet. Needed with --user "
                "when the file changes a month a unit has locked."
            ),
        )

    def import_data(self, data: bytes, **options: Any) -> list[str]:
        user = None
        if options.get("user"):
            try:
                user = get_user_model().objects.get(username=options["user"], is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    _("No active user has the user name %(name)s.") % {"name": options["user"]}
                ) from None
        reason = (options.get("reason") or "").strip()
        if len(reason) > MAX_REASON_LENGTH:
            raise CommandError(
                _("The reason is at most %(count)d characters long.") % {"count": MAX_REASON_LENGTH}
            )
        return attendance_import(data=data, user=user, reason=reason).lines()
