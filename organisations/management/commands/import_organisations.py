"""``python manage.py import_organisations FILE`` (interfaces.md §0)."""

from typing import Any

from organisations.importing import CsvImportCommand
from organisations.services import organisation_structure_import


class Command(CsvImportCommand):
    help = (
        "Create or update municipalities, organisers, employment authorities, units and "
        "projects from a CSV file. All or nothing: on any error nothing is saved, every error "
        "is printed as 'row N, column C: message' and the exit status is 1."
    )

    def import_data(self, data: bytes, **options: Any) -> list[str]:
        return organisation_structure_import(data=data).lines()
