"""``python manage.py import_participants FILE [--allow-temporary] [--user USERNAME]``
(interfaces.md §1)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from clients.participant_import import participants_import
from organisations.importing import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Create or update clients and their KUTY periods from a CSV file, one row per period. "
        "All or nothing: on any error nothing is saved, every error is printed as "
        "'row N, column C: message' and the exit status is 1. Importing the same file again "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--allow-temporary",
            action="store_true",
            help="Accept temporary identity codes (individual number 900–999).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "Who imports the file, named in the access log of each client created or "
                "changed (without it, the log names import_participants)."
            ),
        )

    def import_data(self, data: bytes, **options: Any) -> list[str]:
        user = None
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(
                    _("No active user has the user name %(name)s.") % {"name": options["user"]}
                )
        counts = participants_import(
            data=data, allow_temporary=options["allow_temporary"], user=user
        )
        return counts.lines()
