"""``python manage.py import_participants FILE [--allow-temporary]`` (interfaces.md §1)."""

from typing import Any

from django.core.management.base import CommandParser

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

    def import_data(self, data: bytes, **options: Any) -> list[str]:
        return participants_import(data=data, allow_temporary=options["allow_temporary"]).lines()
