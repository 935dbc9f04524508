"""The expense allowance's 9,00 € is verified from 1.1.2010 only (DOMAIN.md §3): the row seeded
from 1.1.2002 priced days of 2002–2009 by a guess. It now starts on 1.1.2010; a present day
before it is reported as "rate unknown" (``unpriced_days``). A verified older rate can be added
as its own row, with its source."""

import datetime
from decimal import Decimal

from django.db import migrations

ALLOWANCE_FROM = datetime.date(2010, 1, 1)
ALLOWANCE_SOURCE = "Kela: kulukorvaus 9,00 € a day from 1.1.2010 (verified)"


def seed_rates(apps, schema_editor):
    """The rates as they stand after this migration (also used by the tests' re-seeding)."""
    rate = apps.get_model("reporting", "Rate")
    rate.objects.filter(
        kind="allowance", valid_from=datetime.date(2002, 1, 1), amount=Decimal("9.00")
    ).delete()
    rate.objects.get_or_create(
        kind="allowance",
        valid_from=ALLOWANCE_FROM,
        defaults={"amount": Decimal("9.00"), "source": ALLOWANCE_SOURCE},
    )
    rate.objects.get_or_create(
        kind="state_compensation",
        valid_from=datetime.date(2002, 1, 1),
        defaults={
            "amount": Decimal("10.09"),
            "source": "Acts 189/2001 24 §, 1296/2002 / KEHA-keskus",
        },
    )


def backwards(apps, schema_editor):
    rate = apps.get_model("reporting", "Rate")
    rate.objects.filter(kind="allowance", valid_from=ALLOWANCE_FROM, amount=Decimal("9.00")).update(
        valid_from=datetime.date(2002, 1, 1), source="Act 1290/2002 / Kela"
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_run_waiting_and_heartbeat")]

    operations = [migrations.RunPython(seed_rates, backwards)]
