"""``python manage.py purge_access_log``: remove the access-log rows older than
``ACCESS_LOG_RETENTION_YEARS`` now (the nightly Celery task does the same) and log it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
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
        self.stdout.write(
            _("%(count)d access-log rows older than %(years)d years removed.")
            % {"count": removed, "years": years}
        )
