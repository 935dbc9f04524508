"""Seed the rate table with the rates in force (DOMAIN.md §3).

Both rows start on 1.1.2002. That date is an assumption: these are the euro amounts of the
acts named in ``source`` and they have not changed since, but the exact day each came into
force was not verified. Change the rows in the admin (or add a new dated row) rather than
editing this migration.
"""

import datetime
from decimal import Decimal

from django.db import migrations

RATES = [
    ("allowance", datetime.date(2002, 1, 1), Decimal("9.00"), "Act 1290/2002 / Kela"),
    (
        "state_compensation",
        datetime.date(2002, 1, 1),
        Decimal("10.09"),
        "Acts 189/2001 24 §, 1296/2002 / KEHA-keskus",
    ),
]


def seed_rates(apps, schema_editor):
    Rate = apps.get_model("reporting", "Rate")
    for kind, valid_from, amount, source in RATES:
        Rate.objects.get_or_create(
            kind=kind, valid_from=valid_from, defaults={"amount": amount, "source": source}
        )


def unseed_rates(apps, schema_editor):
    Rate = apps.get_model("reporting", "Rate")
    for kind, valid_from, _amount, _source in RATES:
        Rate.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_rates, unseed_rates),
    ]
