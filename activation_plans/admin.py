"""Only the plan types are kept in the admin: they are data with validity dates.

Plans themselves carry secret client data and are opened only through the plan pages, which
check the user's client relationship and write the access log (DOMAIN.md §6).
"""

from django.contrib import admin

from .models import PlanType


@admin.register(PlanType)
class PlanTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fi", "name_sv", "name_en", "valid_from", "valid_to")
    search_fields = ("code", "name_fi", "name_sv", "name_en")
