"""``python manage.py report KIND --from YYYY-MM-DD --to YYYY-MM-DD [options]`` (interfaces.md §3).

JSON and CSV go to standard output unless ``--output FILE`` is given. Exit status 0 on
success, 2 for bad options (argparse's own errors, and ours: an unknown code, a range that
ends before it starts, bad age bands, a format not available yet, no ``--user`` for a report
that names clients, an unknown user, filters the user may not report on), 1 when the report
cannot be built or written.

``--user USERNAME`` is the person the output is for. It is required unless
``--aggregate-only`` (no row names a client). The user may run what the reports page offers
them (reporting/access.py): the filters must be one of their scopes — a municipal official
without filters gets their municipality, with its small counts hidden — and identifying rows
need a scope whose clients they see. Every client named in the output gets one ``export`` row
in the access log for that user, written with one INSERT in the transaction that writes the
output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record_many
from reporting.access import scope_for_params
from reporting.builders import ReportError, build_report
from reporting.exports import report_client_uuids
from reporting.params import FORMATS, KINDS, InvalidReportParams, ReportParams
from reporting.renderers import TEXT_FORMATS, RendererNotAvailable, get_renderer
from reporting.runs import effective_suppression

BAD_OPTIONS = 2
COMMAND = "report"
# How the parameters' fields are called on the command line, for the error messages.
OPTION_NAMES = {
    "kind": "KIND",
    "from": "--from",
    "to": "--to",
    "units": "--unit",
    "municipality": "--municipality",
    "organiser": "--organiser",
    "project": "--project",
    "age_bands": "--age-bands",
    "suppress_below": "--suppress-below",
    "format": "--format",
}


class Command(BaseCommand):
    help = _("Build a report (outcome, allowance, attendance, state-compensation) for a range.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS, help=_("The report to build."))
        parser.add_argument(
            "--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help=_("First day.")
        )
        parser.add_argument(
            "--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help=_("Last day.")
        )
        parser.add_argument(
            "--unit",
            dest="units",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help=_("Only these units (repeat or list several)."),
        )
        parser.add_argument(
            "--municipality", metavar="CODE", help=_("Only clients of this home municipality.")
        )
        parser.add_argument("--organiser", metavar="CODE", help=_("Only this organiser's units."))
        parser.add_argument("--project", metavar="CODE", help=_("Only this project's units."))
        parser.add_argument(
            "--age-bands",
            dest="age_bands",
            metavar="BANDS",
            help=_('Age bands for the outcome report, default "0-24,25-54,55-".'),
        )
        parser.add_argument(
            "--suppress-below",
            dest="suppress_below",
            metavar="N",
            help=_("Show counts of people from 1 to N-1 as empty (for published figures)."),
        )
        parser.add_argument("--format", dest="format", choices=FORMATS, default="json")
        parser.add_argument("--output", metavar="FILE", help=_("Write to FILE, not stdout."))
        parser.add_argument(
            "--aggregate-only",
            action="store_true",
            help=_("Leave out every row that names a client (no identity codes, no names)."),
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=_(
                "The person the output is for: the report is what they may run, and each "
                "client named in it is logged as exported to them. Required unless "
                "--aggregate-only."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = {
            "kind": options["kind"],
            "from": options["date_from"],
            "to": options["date_to"],
            "units": options["units"],
            "municipality": options["municipality"],
            "organiser": options["organiser"],
            "project": options["project"],
            "age_bands": options["age_bands"],
            "suppress_below": options["suppress_below"],
            "format": options["format"],
        }
        params = self._parse(raw)
        renderer = self._renderer(params.format)
        output = self._output(options["output"], params.format)
        aggregate_only = options["aggregate_only"]
        user = self._user(options["user"], aggregate_only=aggregate_only)
        if user is not None:
            params = self._parse(self._narrowed(user, raw, aggregate_only=aggregate_only))

        try:
            report = build_report(params, include_personal=not aggregate_only)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        data = renderer.render(report)

        # The log rows and the output together: a failed write leaves no row behind.
        with transaction.atomic():
            access_log_record_many(
                action=Action.EXPORT,
                client_uuids=report_client_uuids(report),
                user=user,
                username=COMMAND,
                basis="report command",
                detail=_describe(params, output),
            )
            self._write(data, output, params)

    def _parse(self, raw: dict[str, Any]) -> ReportParams:
        try:
            return ReportParams.parse(raw)
        except InvalidReportParams as exc:
            raise CommandError(exc.text(OPTION_NAMES), returncode=BAD_OPTIONS) from None

    def _renderer(self, fmt: str) -> Any:
        try:
            return get_renderer(fmt)
        except RendererNotAvailable:
            raise CommandError(
                _("format %(format)s not available yet") % {"format": fmt},
                returncode=BAD_OPTIONS,
            ) from None

    def _output(self, value: str | None, fmt: str) -> Path | None:
        output = Path(value) if value else None
        if output is None and fmt not in TEXT_FORMATS:
            raise CommandError(
                _("Give --output FILE for the %(format)s format.") % {"format": fmt},
                returncode=BAD_OPTIONS,
            )
        if output is not None and not output.parent.is_dir():
            raise CommandError(
                _("No such directory for --output: %(dir)s") % {"dir": output.parent},
                returncode=BAD_OPTIONS,
            )
        return output

    def _user(self, username: str | None, *, aggregate_only: bool) -> Any:
        """The person the output is for; None only for an aggregate report without one."""
        if not username:
            if aggregate_only:
                return None
            raise CommandError(
                _(
                    "Give --user USERNAME, the person the output is for, or --aggregate-only "
                    "for a report that names no client."
                ),
                returncode=BAD_OPTIONS,
            )
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user has the user name %(name)s.") % {"name": username},
                returncode=BAD_OPTIONS,
            )
        return user

    def _narrowed(self, user: Any, raw: dict[str, Any], *, aggregate_only: bool) -> dict[str, Any]:
        """The raw parameters as the reports page would take them from ``user``: the filters
        replaced by their scope's, small counts hidden where the scope hides them."""
        scope = scope_for_params(user, raw)
        name = user.get_username()
        if scope is None or raw["kind"] not in scope.kinds:
            raise CommandError(
                _(
                    "The user %(name)s may not run the %(kind)s report on these filters. Give "
                    "one of their units, organisers, projects or municipalities, as the reports "
                    "page offers them."
                )
                % {"name": name, "kind": raw["kind"]},
                returncode=BAD_OPTIONS,
            )
        if not aggregate_only and raw["kind"] != "outcome" and not scope.personal_allowed:
            raise CommandError(
                _(
                    "The user %(name)s may not see the identity codes and names of these "
                    "clients. Add --aggregate-only."
                )
                % {"name": name},
                returncode=BAD_OPTIONS,
            )
        return {
            **raw,
            "suppress_below": effective_suppression(scope, raw["suppress_below"]),
            **scope.filters(),
        }

    def _write(self, data: bytes, output: Path | None, params: ReportParams) -> None:
        if output is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s") % {"path": output, "reason": exc.strerror}
            ) from None
        self.stdout.write(
            _("Wrote the %(kind)s report to %(path)s.") % {"kind": params.kind, "path": output}
        )


def _describe(params: ReportParams, output: Path | None) -> str:
    """What the access log says was handed out: the report, its filters and where it went."""
    filters = "; ".join(
        f"{name} {','.join(value) if isinstance(value, list) else value}"
        for name, value in params.filters.items()
        if value
    )
    where = output.name if output is not None else "standard output"
    return (
        f"report command: {params.kind} {params.date_from}–{params.date_to}"
        f"{', ' + filters if filters else ''}, {params.format} to {where}"
    )
