"""The number of rows in every table, to show that a failed all-or-nothing operation left the
database as it was."""

from __future__ import annotations

from django.apps import apps


def row_counts() -> dict[str, int]:
    """{model label: row count} for every concrete model the project and Django keep."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
