"""``python manage.py demo_data``: a demo deployment to click through (``make run`` calls it).

Each app contributes its own demo step, lowest layer first; this command only runs them in one
transaction. Running it again does nothing, and it refuses to run in production.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from organisations.demo import (
    DEMO_PASSWORD,
    DemoUsers,
    create_demo_organisations,
    create_demo_users,
    demo_data_exists,
)
from organisations.models import RoleAssignment


class Command(BaseCommand):
    help = "Create demo units, groups, a project and one user per role (never in production)."

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

        with transaction.atomic():
            organisations = create_demo_organisations()
            users = create_demo_users(organisations)
            # Later apps add their demo steps here, lowest layer first, each taking what the
            # earlier steps created, e.g.:
            #   clients = create_demo_clients(organisations, users)
            #   plans = create_demo_plans(clients, users)
            #   create_demo_attendance(plans)

        units = ", ".join(unit.name for unit in organisations.units.values())
        self.stdout.write(self.style.SUCCESS(_("Demo data created: %(units)s.") % {"units": units}))
        self._print_users(users)

    def _print_users(self, users: DemoUsers) -> None:
        assignments = RoleAssignment.objects.filter(user__in=users.all()).select_related(
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
        for user in users.all():
            self.stdout.write(
                f"  {user.username:<15} {user.get_full_name():<20} "
                + "; ".join(sorted(roles.get(user.pk, [])))
            )
