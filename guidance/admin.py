"""Admin for guidance: the month locks only, read-only.

Sessions, rosters, group memberships and attendance are deliberately not in the admin: they
are client records (DOMAIN.md §6), and the admin would bypass both the unit scoping and the
access log. They are handled on the guidance pages.
"""

from django.contrib import admin
from django.http import HttpRequest

from .models import AttendanceMonthLock


@admin.register(AttendanceMonthLock)
class AttendanceMonthLockAdmin(admin.ModelAdmin):
    list_display = ("unit", "month", "locked_by", "locked_at")
    list_filter = ("unit",)
    list_select_related = ("unit", "locked_by")
    ordering = ("-month", "unit__name")

    # Locks are made on the attendance pages, where the access log records who did what.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
