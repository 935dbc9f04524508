from django.contrib import admin

from .models import Rate


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ["kind", "valid_from", "amount", "source"]
    list_filter = ["kind"]
    ordering = ["kind", "-valid_from"]
