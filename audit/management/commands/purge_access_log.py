"""``python manage.py purge_access_log``: remove the access-log rows older than
``ACCESS_LOG_RETENTION_YEARS`` now (the nightly Celery task does the same) and log it. With two
database roles it runs as the schema's owner (manage.py switches to MIGRATE_DATABASE_URL)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import ProgrammingError
from django.utils.translation import gettext as _

from audit.retention import access_log_purge


class Command(BaseCommand):
    help = _("Remove the access-log rows past their retention (ACCESS_LOG_RETENTION_YEARS).")

    def handle(self, *args: Any, **options: Any) -> None:
        years = settings.ACCESS_LOG_RETENTION_YEARS
        try:
            removed = access_log_purge(years=years)
        except ValueError as error:
            raise CommandError(
                _("ACCESS_LOG_RETENTION_YEARS must be at least 1; nothing was removed.")
            ) from error
        except ProgrammingError as error:
            cause = error.__cause__
            code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
            if code != "42501":  # insufficient_privilege (psycopg2, psycopg 3)
                raise
            raise CommandError(
                _(
                    "This database role may not remove access-log rows: set "
                    "MIGRATE_DATABASE_URL to the schema owner's database URL."
                )
            ) from error
        self.stdout.write(
            _("%(count)d access-log rows older than %(years)d years removed.")
            % {"count": removed, "years": years}
        )
