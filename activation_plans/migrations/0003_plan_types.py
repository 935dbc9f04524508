"""The plan types, as data."""

import datetime

from django.db import migrations

TYPES = [
    {
        "code": "activation_plan",
        "name_fi": "Aktivointisuunnitelma",
        "name_sv": "Aktiveringsplan",
        "name_en": "Activation plan",
        "valid_from": datetime.date(2001, 9, 1),
    },
    {
        "code": "multisectoral_employment_plan",
        "name_fi": "Monialainen työllistymissuunnitelma",
        "name_sv": "Sektorsövergripande sysselsättningsplan",
        "name_en": "Multi-sectoral employment plan",
        "valid_from": datetime.date(2015, 1, 1),
    },
]


def forwards(apps, schema_editor):
    plan_type = apps.get_model("activation_plans", "PlanType")
    for row in TYPES:
        plan_type.objects.update_or_create(code=row["code"], defaults=row)


def backwards(apps, schema_editor):
    apps.get_model("activation_plans", "PlanType").objects.filter(
        code__in=[t["code"] for t in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activation_plans", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
