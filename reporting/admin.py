from django.contrib import admin

from audit.admin import ReadOnlyModelAdmin

from .models import Rate, ReportRun


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["kind", "valid_from", "amount", "source"]
    list_filter = ["kind"]
    ordering = ["kind", "-valid_from"]


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyModelAdmin):
    """Report runs for administrators following the queue: what was asked, by whom, how it
    went and why a run failed. Read-only, and without the files: they may hold personal data,
    which the people who asked download on the reports page."""

    list_display = [
        "created_at",
        "kind",
        "date_from",
        "date_to",
        "scope_description",
        "requested_by",
        "scheduled",
        "status",
        "attempts",
    ]
    list_filter = ["status", "kind", "scheduled"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    list_select_related = ["requested_by"]
    fields = [
        "uuid",
        "kind",
        "formats",
        "date_from",
        "date_to",
        "scope",
        "scope_description",
        "include_personal",
        "requested_by",
        "scheduled",
        "status",
        "progress",
        "attempts",
        "failure_reason",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
