"""The counsellor's journey after a group meeting: tick who came, write a private note, mark
them present, save; the group session page then shows names and ticks but no notes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from guidance.models import AttendanceRecord, GroupSessionParticipant
from tests.clients.factories import ClientFactory
from tests.e2e.conftest import browser_page, screenshot  # noqa: F401 - fixtures
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import GroupMembershipFactory
from tests.organisations.factories import (
    PASSWORD,
    GroupFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Kertoi uudesta harrastuksesta."


def test_counsellor_records_a_group_session(live_server, browser_page: Page, screenshot) -> None:  # noqa: F811
    today = timezone.localdate()
    unit = UnitFactory(name="Työkeskus Verstas")
    user = UserFactory(username="aino.ohjaaja", first_name="Aino", last_name="Ohjaaja")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    group = GroupFactory(unit=unit, name="Tiistairyhmä")
    maija = ClientFactory(registered_unit=unit, first_name="Maija", last_name="Mäkinen")
    pekka = ClientFactory(registered_unit=unit, first_name="Pekka", last_name="Peltonen")
    for person in (maija, pekka):
        GroupMembershipFactory(
            group=group, client=person, start_date=today - datetime.timedelta(days=30)
        )
    period = active_period(maija, unit, today)
    page = browser_page

    page.goto(live_server.url + reverse("login"))
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.goto(
        live_server.url + reverse("guidance:group_session_create", kwargs={"code": group.uuid})
    )

    rows = page.get_by_test_id("roster-row")
    expect(rows).to_have_count(2)
    page.locator('input[name="time"]').fill("13:00")
    page.locator('input[name="topic"]').fill("Arjen taidot")
    with translation.override("fi"):  # the browser asks for Finnish
        took_part = gettext("%(name)s took part") % {"name": maija.full_name}
        note = gettext("Private note on %(name)s") % {"name": maija.full_name}
    page.get_by_label(took_part, exact=True).check()
    page.get_by_label(note, exact=True).fill(NOTE)
    page.locator('input[name="mark_present"]').check()
    screenshot("group-session-roster")
    page.locator('form[method="post"] button[type="submit"]').last.click()

    expect(page.get_by_test_id("roster-row")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text(NOTE)
    screenshot("group-session-saved")
    line = GroupSessionParticipant.objects.get(client=maija)
    assert (line.took_part, line.note) == (True, NOTE)
    assert not GroupSessionParticipant.objects.get(client=pekka).took_part
    assert AttendanceRecord.objects.get(period=period, date=today).status == "present"

    page.goto(live_server.url + reverse("guidance:client_timeline", kwargs={"client": maija.uuid}))
    expect(page.get_by_test_id("timeline-note")).to_have_text(NOTE)
