"""Links from a figure to the records behind it, for roles that may see those clients.

A figure of one unit links when the user may see that unit's clients; a figure of all the
selected units when they may see the clients of every one of them. The municipal view never
links. The attendance of a unit and month links to the unit's month sheet.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .scope import Selection


def selection_query(selection: Selection, **extra: Any) -> list[tuple[str, str]]:
    """The selection as GET parameters (the filters), plus ``extra`` ones."""
    query = [("from", selection.date_from.isoformat()), ("to", selection.date_to.isoformat())]
    if selection.chosen:
        query += [("units", str(unit.uuid)) for unit in selection.units]
    if selection.municipality is not None and len(selection.scope.municipalities) > 1:
        query.append(("municipality", selection.municipality.code))
    query += [(name, str(value)) for name, value in extra.items() if value not in (None, "")]
    return query


class Links:
    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.by_uuid = {str(unit.uuid): unit.pk for unit in selection.units}

    def url(self, figure: str, *, unit: Any = None, **extra: Any) -> str:
        """The drill-down page of ``figure`` (for one unit, given by its UUID, or all the
        selected units), or "" when the user may not open it."""
        if unit is not None:
            unit_pk = self.by_uuid.get(str(unit))
            if unit_pk is None or not self.selection.drillable({unit_pk}):
                return ""
            query = [
                (name, value)
                for name, value in selection_query(self.selection, figure=figure, **extra)
                if name != "units"
            ]
            query.append(("units", str(unit)))
        elif not self.selection.drillable():
            return ""
        else:
            query = selection_query(self.selection, figure=figure, **extra)
        return f"{reverse('dashboards:records')}?{urlencode(query)}"

    def month_sheet(self, unit_id: int, unit_uuid: Any, month: datetime.date) -> str:
        if not self.selection.drillable({unit_id}):
            return ""
        return reverse(
            "guidance:attendance_month",
            kwargs={"unit": unit_uuid, "year": f"{month:%Y}", "month": f"{month:%m}"},
        )
