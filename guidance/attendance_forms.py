"""Forms of the attendance month sheet."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Group, Unit

from .attendance_selectors import CellEdit, attendance_groups
from .attendance_services import MAX_REASON_LENGTH

# A month of 31 days for a few hundred clients is far below this; more is not a sheet.
MAX_CELLS = 20_000
MAX_CELL_JSON_LENGTH = 200  # characters of one cell object, generously


class SheetFilterForm(forms.Form):
    """``?group=<uuid>``: show only the members of one of the unit's groups."""

    group = forms.ChoiceField(
        label=_("Group"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(group.uuid): group for group in attendance_groups(unit=unit)}
        self.fields["group"].choices = [
            ("", _("All clients of the unit")),
            *((code, group.name) for code, group in self.groups.items()),
        ]

    def chosen_group(self) -> Group | None:
        """The valid group, or None (an unknown group is shown as an error and ignored)."""
        if self.is_valid():
            return self.groups.get(self.cleaned_data.get("group") or "")
        return None


class MonthSheetForm(forms.Form):
    """The month sheet's save: the changed cells as JSON, and the reason in a locked month.

    ``cells`` is a list of ``{"client": <uuid>, "date": "YYYY-MM-DD", "status": <code or "">,
    "loaded": <code or "">}``, written by static/js/month_sheet.js from the table.
    """

    cells = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the late correction"),
        max_length=MAX_REASON_LENGTH,
        required=False,
        help_text=_("Needed when you change a locked month, e.g. “certificate arrived late”."),
    )

    def clean_cells(self) -> list[CellEdit]:
        raw = self.cleaned_data.get("cells") or "[]"
        unreadable = forms.ValidationError(
            _("The sheet's changes could not be read. Reload the page and enter them again."),
            code="unreadable",
        )
        # A real sheet sends at most MAX_CELLS small objects; anything far larger, or nested
        # deeper than Python's parser can follow, is not from the sheet.
        if len(raw) > MAX_CELLS * MAX_CELL_JSON_LENGTH:
            raise unreadable
        try:
            items = json.loads(raw)
        except (ValueError, RecursionError):
            raise unreadable from None
        if not isinstance(items, list) or len(items) > MAX_CELLS:
            raise unreadable
        edits = []
        for item in items:
            if not isinstance(item, dict):
                raise unreadable
            try:
                edits.append(
                    CellEdit(
                        client_uuid=uuid.UUID(str(item["client"])),
                        day=datetime.date.fromisoformat(str(item["date"])),
                        status=str(item.get("status") or ""),
                        loaded=str(item.get("loaded") or ""),
                    )
                )
            except (KeyError, ValueError):
                raise unreadable from None
        return edits
