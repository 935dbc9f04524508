"""``python manage.py report KIND --from YYYY-MM-DD --to YYYY-MM-DD [options]`` (interfaces.md §3).

JSON and CSV go to standard output unless ``--output FILE`` is given. Exit status 0 on
success, 2 for bad options (argparse's own errors, and ours: an unknown code, a range that
ends before it starts, bad age bands, a format not available yet), 1 when the report cannot be
built or written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from reporting.builders import ReportError, build_report
from reporting.params import FORMATS, KINDS, InvalidReportParams, ReportParams
from reporting.renderers import TEXT_FORMATS, RendererNotAvailable, get_renderer

BAD_OPTIONS = 2
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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            params = ReportParams.parse(
                {
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
            )
        except InvalidReportParams as exc:
            raise CommandError(exc.text(OPTION_NAMES), returncode=BAD_OPTIONS) from None

        try:
            renderer = get_renderer(params.format)
        except RendererNotAvailable:
            raise CommandError(
                _("format %(format)s not available yet") % {"format": params.format},
                returncode=BAD_OPTIONS,
            ) from None
        output = Path(options["output"]) if options["output"] else None
        if output is None and params.format not in TEXT_FORMATS:
            raise CommandError(
                _("Give --output FILE for the %(format)s format.") % {"format": params.format},
                returncode=BAD_OPTIONS,
            )
        if output is not None and not output.parent.is_dir():
            raise CommandError(
                _("No such directory for --output: %(dir)s") % {"dir": output.parent},
                returncode=BAD_OPTIONS,
            )

        try:
            report = build_report(params, include_personal=not options["aggregate_only"])
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        data = renderer.render(report)

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
