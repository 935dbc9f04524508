"""The client page says how and where an ended period ended (issue 14: a new user could not
find the exit reason and destination anywhere but the report)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from clients.models import Destination, ExitReason
from tests.clients.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def test_an_ended_periods_exit_reason_and_destination_are_on_the_client_page(
    client, counsellor, kuty_client
):
    PeriodFactory(
        client=kuty_client,
        ended=True,
        start_date=datetime.date(2024, 1, 8),
        end_date=datetime.date(2024, 7, 7),
        exit_reason=ExitReason.INTERRUPTED,
        destination=Destination.SUBSIDISED_WORK,
    )
    client.force_login(counsellor)
    with translation.override("en"):
        body = client.get(
            reverse("clients:detail", kwargs={"code": kuty_client.uuid}),
            headers={"accept-language": "en"},
        ).content.decode()
    assert body.count('data-testid="period-exit"') == 1
    assert "Exit reason: Interrupted by the client" in body
    assert "Destination: Subsidised work" in body
    # ... and in the timeline on the same page.
    assert "Period ended:" in body


def test_a_running_period_has_no_exit_line(client, counsellor, kuty_client):
    PeriodFactory(client=kuty_client, start_date=datetime.date(2026, 3, 2))
    client.force_login(counsellor)
    body = client.get(reverse("clients:detail", kwargs={"code": kuty_client.uuid})).content
    assert b'data-testid="period-exit"' not in body
