"""``python manage.py access_log_verify``: walk the access log's hash chain and name the first
entries that were changed, removed or written past the application. Exit 0 when the chain is
whole, 1 when it is not."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.chain import verify

# The verifier's findings in the reader's language.
PROBLEMS = {
    "entry changed": gettext_lazy("entry changed"),
    "entry removed": gettext_lazy("entry removed"),
    "entries before this one were removed": gettext_lazy("entries before this one were removed"),
    "a seal before this one was changed or removed": gettext_lazy(
        "a seal before this one was changed or removed"
    ),
    "entry without a seal (written past the application)": gettext_lazy(
        "entry without a seal (written past the application)"
    ),
}


class Command(BaseCommand):
    help = _("Check the access log's hash chain and name the first entry changed or removed.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=20, help=_("How many problems to list at most.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify(limit=max(1, options["limit"]))
        if verdict.ok:
            self.stdout.write(
                _("The access log is whole: %(count)d entries, chain head %(head)s.")
                % {"count": verdict.entries, "head": verdict.head}
            )
            return
        for problem in verdict.problems:
            self.stdout.write(
                _("Entry %(entry)s (seal %(seq)s): %(problem)s")
                % {
                    "entry": problem.entry_id if problem.entry_id is not None else "–",
                    "seq": problem.seq if problem.seq is not None else "–",
                    "problem": PROBLEMS.get(problem.text, problem.text),
                }
            )
        self.stderr.write(
            _("The access log has been tampered with: %(count)d problems found.")
            % {"count": len(verdict.problems)}
        )
        raise SystemExit(1)
