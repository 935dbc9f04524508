from django.contrib import admin

from .models import AccessLogEntry


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """An admin that shows records and never adds, changes or deletes them."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyModelAdmin):
    """Read only: the access log is append-only."""

    list_display = ("at", "username", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "object_id")
