from django.contrib import admin

from .models import (
    ClosureDay,
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    RoleAssignment,
    Unit,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Organiser, EmploymentAuthority)
class CodedAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ClosureDayInline(admin.TabularInline):
    model = ClosureDay
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organiser", "municipality")
    list_select_related = ("organiser", "municipality")
    search_fields = ("code", "name")
    inlines = [ClosureDayInline]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "is_active")
    list_select_related = ("unit",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "start_date", "end_date")
    filter_horizontal = ("units",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "organiser", "project", "municipality")
    list_select_related = ("user", "unit", "organiser", "project", "municipality")
    list_filter = ("role",)
