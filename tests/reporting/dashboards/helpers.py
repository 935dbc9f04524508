"""Reading a dashboard page in tests: its charts' tables as text, and the key figures."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .world import RANGE


def get(client, url_name: str = "dashboards:project", **query: Any):  # type: ignore[no-untyped-def]
    return client.get(reverse(url_name), {**RANGE, **query})


def table(response, key: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rows of chart ``key``'s table (the total row last), each as its cells' text."""
    chart = next(c for c in response.context["dashboard"].charts if c.key == key)
    rows = [*chart.table.rows, *([chart.table.foot] if chart.table.foot else [])]
    return [[row.header.text, *(cell.text for cell in row.cells)] for row in rows]


def links(response, key: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    chart = next(c for c in response.context["dashboard"].charts if c.key == key)
    rows = [*chart.table.rows, *([chart.table.foot] if chart.table.foot else [])]
    return [[cell.url for cell in row.cells] for row in rows]


def kpis(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {kpi.key: kpi.value for kpi in response.context["dashboard"].kpis}


def chart_data(response, key: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    chart = next(c for c in response.context["dashboard"].charts if c.key == key)
    return chart.data
