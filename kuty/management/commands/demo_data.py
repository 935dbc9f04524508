"""``python manage.py demo_data``: a demo deployment to click through (``make run`` calls it).

Each app contributes its own demo step, lowest layer first; this command only runs them in one
transaction. Running it again does nothing, and it refuses to run in production. The data are
relative to today and drawn from a fixed random seed, so the same day gives the same data.
"""

import random
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import User
from activation_plans.demo import create_demo_plans
from clients.demo import create_demo_clients
from clients.models import Client, Period, PeriodStatus
from guidance.demo import create_demo_guidance
from guidance.models import AttendanceRecord, GroupSession, IndividualSession
from organisations.demo import (
    DEMO_PASSWORD,
    create_demo_organisations,
    create_demo_users,
    demo_data_exists,
)
from organisations.models import RoleAssignment, Unit

DEMO_SEED = 2026


class Command(BaseCommand):
    help = (
        "Create demo units, groups, a project, one user per role, and about 80 clients with "
        "plans, attendance and sessions (never in production)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--organisations-only",
            action="store_true",
            help=_("Create only the units, groups, project and demo users, no clients."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.KUTY_ENVIRONMENT == "production":
            raise CommandError(
                _(
                    "Refusing to create demo data: this is a production deployment "
                    "(KUTY_ENVIRONMENT is “production”). Demo users have a published password."
                )
            )
        if demo_data_exists():
            self.stdout.write(_("Demo data already exists; nothing was changed."))
            return

        rng = random.Random(DEMO_SEED)
        today = timezone.localdate()
        with transaction.atomic():
            organisations = create_demo_organisations()
            users = create_demo_users(organisations)
            new_users: list[User] = []
            if not options["organisations_only"]:
                # The later apps' demo steps, lowest layer first, each taking what the earlier
                # made.
                clients = create_demo_clients(organisations, users, rng=rng, today=today)
                plans = create_demo_plans(organisations, clients, rng=rng, today=today)
                create_demo_guidance(organisations, users, clients, plans, rng=rng, today=today)
                new_users = list(clients.new_users)

        units = ", ".join(unit.name for unit in organisations.units.values())
        self.stdout.write(self.style.SUCCESS(_("Demo data created: %(units)s.") % {"units": units}))
        self._print_summary(organisations.units.values())
        self._print_users([*users.all(), *new_users])

    def _print_summary(self, units: Iterable[Unit]) -> None:
        """Clients, periods by status, attendance records and sessions, per unit."""
        periods = {
            (unit_id, status): count
            for unit_id, status, count in Period.objects.values_list("unit_id", "status")
            .annotate(count=Count("pk"))
            .order_by()
        }
        columns = {
            _("Clients"): _count_by(Client, "registered_unit_id"),
            **{
                str(status.label): {
                    unit_id: count for (unit_id, s), count in periods.items() if s == status
                }
                for status in PeriodStatus
            },
            _("Attendance"): _count_by(AttendanceRecord, "period__unit_id"),
            str(capfirst(GroupSession._meta.verbose_name_plural)): _count_by(
                GroupSession, "group__unit_id"
            ),
            str(capfirst(IndividualSession._meta.verbose_name_plural)): _count_by(
                IndividualSession, "unit_id"
            ),
        }
        widths = [len(title) + 2 for title in columns]
        header = "".join(f"{title:>{w}}" for title, w in zip(columns, widths, strict=True))
        self.stdout.write(f"  {'':<28}{header}")
        for unit in units:
            counts = "".join(
                f"{by_unit.get(unit.pk, 0):>{w}}"
                for by_unit, w in zip(columns.values(), widths, strict=True)
            )
            self.stdout.write(f"  {unit.name:<28}{counts}")

    def _print_users(self, users: list[User]) -> None:
        assignments = RoleAssignment.objects.filter(user__in=users).select_related(
            "unit", "organiser", "project", "municipality"
        )
        roles: dict[int, list[str]] = {}
        for assignment in assignments:
            scope = (
                assignment.unit
                or assignment.project
                or assignment.organiser
                or assignment.municipality
            )
            label = str(assignment.get_role_display())
            roles.setdefault(assignment.user_id, []).append(
                f"{label} ({scope})" if scope else label
            )
        self.stdout.write(
            _("Sign in as any of these users with the password %(password)s:")
            % {"password": DEMO_PASSWORD}
        )
        for user in users:
            self.stdout.write(
                f"  {user.username:<20} {user.get_full_name():<20} "
                + "; ".join(sorted(roles.get(user.pk, [])))
            )


def _count_by(model: Any, unit_path: str) -> dict[int, int]:
    """How many rows of ``model`` each unit has: one query."""
    rows = model.objects.values_list(unit_path).annotate(count=Count("pk")).order_by()
    return dict(rows)
