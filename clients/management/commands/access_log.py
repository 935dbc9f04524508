"""``python manage.py access_log HETU --user USERNAME [options]`` (interfaces.md §4).

What Act 703/2023 lets a client ask: who has processed their data, when and how. The same
builder as the page and its PDF (clients/access_log_report.py); ``--user`` is the person asking,
who must be allowed to read the log on the page (a unit manager of one of the client's units,
or the client's responsible counsellor).

JSON goes to standard output unless ``--output FILE`` is given; a PDF needs ``--output``. The
request itself is logged for that user, in the transaction that writes the output: ``export``
for JSON, ``print`` for the PDF. Exit status 0 on success, 1 when the client or the user is
unknown or the user may not read the client's log (or the output cannot be written), 2 for
bad options. The identity code is never repeated in a message.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from clients.access import clients_visible_to
from clients.access_log_report import (
    PDF_LANGUAGES,
    build_client_access_log,
    client_access_log_record_request,
    may_see_access_log,
    pdf_language,
    render_client_access_log_pdf,
)
from clients.access_log_what import EXPORTED, PRINTED
from clients.models import Client

NOT_ALLOWED = 1
BAD_OPTIONS = 2
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def _date(value: str | None, option: str) -> datetime.date | None:
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
    raise CommandError(
        _("%(option)s: %(value)s is not a date (YYYY-MM-DD).") % {"option": option, "value": value},
        returncode=BAD_OPTIONS,
    )


class Command(BaseCommand):
    help = _(
        "A client's access log (Act 703/2023): who has processed their data, when and how, "
        "as JSON or as a PDF to hand to the client."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("hetu", metavar="HETU", help=_("The client's personal identity code."))
        parser.add_argument(
            "--user",
            required=True,
            metavar="USERNAME",
            help=_("The person asking; they must be allowed to read the client's access log."),
        )
        parser.add_argument(
            "--from", dest="date_from", metavar="YYYY-MM-DD", help=_("First day (inclusive).")
        )
        parser.add_argument(
            "--to", dest="date_to", metavar="YYYY-MM-DD", help=_("Last day (inclusive).")
        )
        parser.add_argument("--format", dest="format", choices=("json", "pdf"), default="json")
        parser.add_argument("--output", metavar="FILE", help=_("Write to FILE, not stdout."))
        parser.add_argument(
            "--lang",
            choices=PDF_LANGUAGES,
            help=_("Language of the PDF (default: the client's language of service)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_from and date_to and date_to < date_from:
            raise CommandError(_("--to: the range ends before it starts."), returncode=BAD_OPTIONS)
        output = self._output(options["output"], options["format"])
        user = self._user(options["user"])
        client = self._client(options["hetu"], user)

        # The log row and the output together: a failed write leaves no row behind.
        with transaction.atomic():
            if options["format"] == "pdf":
                data = self._pdf(client, user, options["lang"], date_from, date_to)
            else:
                data = self._json(client, user, date_from, date_to)
            self._write(data, output)

    def _json(
        self,
        client: Client,
        user: Any,
        date_from: datetime.date | None,
        date_to: datetime.date | None,
    ) -> bytes:
        client_access_log_record_request(
            action=Action.EXPORT,
            client=client,
            head=EXPORTED,
            date_from=date_from,
            date_to=date_to,
            user=user,
        )
        report = build_client_access_log(client=client, date_from=date_from, date_to=date_to)
        return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def _pdf(
        self,
        client: Client,
        user: Any,
        lang: str | None,
        date_from: datetime.date | None,
        date_to: datetime.date | None,
    ) -> bytes:
        language = pdf_language(client, lang)
        client_access_log_record_request(
            action=Action.PRINT,
            client=client,
            head=PRINTED,
            date_from=date_from,
            date_to=date_to,
            language=language,
            user=user,
        )
        return render_client_access_log_pdf(
            client=client, printed_by=user, language=language, date_from=date_from, date_to=date_to
        )

    def _output(self, value: str | None, fmt: str) -> Path | None:
        output = Path(value) if value else None
        if output is None and fmt == "pdf":
            raise CommandError(_("Give --output FILE for the PDF."), returncode=BAD_OPTIONS)
        if output is not None and not output.parent.is_dir():
            raise CommandError(
                _("No such directory for --output: %(dir)s") % {"dir": output.parent},
                returncode=BAD_OPTIONS,
            )
        return output

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user has the user name %(name)s.") % {"name": username},
                returncode=NOT_ALLOWED,
            )
        return user

    def _client(self, hetu: str, user: Any) -> Client:
        """The client, as the page would give it to ``user``."""
        client = Client.objects.select_related("registered_unit__organiser").with_hetu(hetu)
        found = client.first()
        if found is None:
            raise CommandError(
                _("No client has this personal identity code."), returncode=NOT_ALLOWED
            )
        visible = clients_visible_to(user).filter(pk=found.pk).exists()
        if not visible or not may_see_access_log(user, found):
            raise CommandError(
                _("The user %(name)s may not read this client's access log.")
                % {"name": user.get_username()},
                returncode=NOT_ALLOWED,
            )
        return found

    def _write(self, data: bytes, output: Path | None) -> None:
        if output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s") % {"path": output, "reason": exc.strerror}
            ) from None
        self.stdout.write(_("Wrote the access log to %(path)s.") % {"path": output})
