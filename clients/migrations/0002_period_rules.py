"""The period rules of Act 189/2001 as data with validity dates (DOMAIN.md §2)."""

import datetime
from decimal import Decimal

from django.db import migrations

RULES = [
    {
        "valid_from": datetime.date(2001, 9, 1),
        "min_months": 3,
        "max_months": 24,
        "min_days_per_week": 1,
        "max_days_per_week": 5,
        "min_hours_per_day": Decimal(4),
        "max_hours_per_day": Decimal(8),
        "max_hours_per_week": Decimal(32),
        "source": "Act 189/2001",
    },
    {
        "valid_from": datetime.date(2015, 7, 1),
        "min_months": 3,
        "max_months": 24,
        "min_days_per_week": 1,
        "max_days_per_week": 4,
        "min_hours_per_day": Decimal(4),
        "max_hours_per_day": Decimal(8),
        "max_hours_per_week": Decimal(32),
        "source": "Act 189/2001 as amended by 142/2015",
    },
]


def forwards(apps, schema_editor):
    rule_set = apps.get_model("clients", "PeriodRuleSet")
    for rule in RULES:
        rule_set.objects.update_or_create(valid_from=rule["valid_from"], defaults=rule)


def backwards(apps, schema_editor):
    rule_set = apps.get_model("clients", "PeriodRuleSet")
    rule_set.objects.filter(valid_from__in=[r["valid_from"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
