"""Admin for the law's dated limits only.

Clients and periods are deliberately not in the admin: their records are secret (DOMAIN.md §6),
administrators see no personal data unless they also hold a unit role, and the admin would
bypass both the unit scoping and the access log. They are handled on the clients' own pages.
"""

from django.contrib import admin

from .models import PeriodLimit


@admin.register(PeriodLimit)
class PeriodLimitAdmin(admin.ModelAdmin):
    list_display = ("kind", "valid_from", "value", "source", "verified")
    list_filter = ("kind", "verified")
    ordering = ("kind", "-valid_from")
