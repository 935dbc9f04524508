"""Admin for the law's period rules only.

Clients and periods are deliberately not in the admin: their records are secret (DOMAIN.md §6),
administrators see no personal data unless they also hold a unit role, and the admin would
bypass both the unit scoping and the access log. They are handled on the clients' own pages.
"""

from django.contrib import admin

from .models import PeriodRuleSet


@admin.register(PeriodRuleSet)
class PeriodRuleSetAdmin(admin.ModelAdmin):
    list_display = (
        "valid_from",
        "min_months",
        "max_months",
        "min_days_per_week",
        "max_days_per_week",
        "min_hours_per_day",
        "max_hours_per_day",
        "max_hours_per_week",
        "source",
    )
    ordering = ("-valid_from",)
