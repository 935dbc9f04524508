"""The dashboards' cache is an optimisation: with the cache down, every page still answers,
with the figures counted live, and the failure is logged as a warning."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from .helpers import kpis

pytestmark = pytest.mark.django_db

BROKEN = {"default": {"BACKEND": "tests.kuty.broken_cache.BrokenCache"}}


def test_the_dashboard_counts_its_figures_when_the_cache_is_down(
    client, bob, world, settings, caplog
):
    client.force_login(bob)
    query = {"from": "2025-03-01", "to": "2025-03-31"}
    counted = client.get(reverse("dashboards:project"), query)
    settings.DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = BROKEN
    with caplog.at_level(logging.WARNING, logger="kuty.cache"):
        response = client.get(reverse("dashboards:project"), query)
    assert response.status_code == 200
    assert kpis(response) == kpis(counted)
    assert "cache unavailable" in caplog.text


def test_the_records_behind_a_figure_answer_with_the_cache_down(client, bob, world, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    settings.CACHES = BROKEN
    client.force_login(bob)
    response = client.get(
        reverse("dashboards:records"),
        {"from": "2025-03-01", "to": "2025-03-31", "figure": "active"},
    )
    assert response.status_code == 200
