"""``python manage.py generate_scale_data [--clients N] [--years Y]``: a deployment-sized data set
for ``make bench`` (:mod:`kuty.scale_data`): 40 units, and by default 40,000 clients with two
years of attendance (about 5.6 million records), loaded with PostgreSQL's COPY.

It refuses a database that already has clients unless ``--force`` (add to them) or ``--flush``
(empty the client data first), and it never runs in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clients.models import Client
from kuty import scale_data


class Command(BaseCommand):
    help = (
        "Generate a deployment-sized data set for the benchmark: 40 units, N clients with "
        "periods, plans and attendance over Y years (never in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=40_000, help="Clients (40,000).")
        parser.add_argument("--years", type=int, default=2, help="Years of periods (2).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (2026).")
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that has clients already."
        )
        parser.add_argument(
            "--flush", action="store_true", help="Empty the client data first (not the log)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.KUTY_ENVIRONMENT == "production":
            raise CommandError("Refusing to generate test data in a production deployment.")
        if options["clients"] < 1 or options["years"] < 1:
            raise CommandError("--clients and --years must be at least 1.")
        if options["flush"]:
            scale_data.flush_clients(self.stderr)
        elif Client.objects.exists() and not options["force"]:
            raise CommandError(
                f"The database has {Client.objects.count():,} clients already. Give --force to "
                "add to them or --flush to empty the client data first."
            )
        result = scale_data.generate(
            clients=options["clients"],
            years=options["years"],
            seed=options["seed"],
            stream=self.stderr,
        )
        rate = result.records / max(result.seconds.get("attendance", 0), 1e-9) * 60
        self.stdout.write(
            f"Generated {result.clients:,} clients, {result.periods:,} periods, "
            f"{result.plans:,} plans, {result.memberships:,} group memberships, "
            f"{result.records:,} attendance records ({rate / 1e6:.1f} million a minute) and "
            f"{result.totals:,} monthly totals in {result.seconds['total']:.0f} s."
        )
        for step, seconds in result.seconds.items():
            self.stdout.write(f"  {step:<22} {seconds:8.1f} s")
