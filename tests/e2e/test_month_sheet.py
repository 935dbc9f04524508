"""A counsellor fills part of a month on the attendance sheet by keyboard, saves, reloads and
finds the same statuses."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from guidance.models import AttendanceRecord, AttendanceStatus
from kuty.forms import LoginForm
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = datetime.date


def _sign_in(page: Page, live_server, username: str) -> None:
    with translation.override("fi"):
        form = LoginForm()
        labels = (str(form.fields["username"].label), str(form.fields["password"].label))
        sign_in = translation.gettext("Sign in")
    page.goto(live_server.url + reverse("login"))
    page.get_by_label(labels[0]).fill(username)
    page.get_by_label(labels[1]).fill(factories.PASSWORD)
    page.get_by_role("button", name=sign_in, exact=True).click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def _in_finnish() -> dict[str, str]:
    """The texts the page shows, from the same catalogues the server uses."""
    with translation.override("fi"):
        return {
            "present": str(AttendanceStatus.PRESENT.label),
            "sick_certified": str(AttendanceStatus.SICK_CERTIFIED.label),
            "unjustified": translation.gettext("Unjustified absence"),
            "saved": translation.ngettext(
                "Saved: %(count)d day changed.", "Saved: %(count)d days changed.", 7
            )
            % {"count": 7},
        }


def _cell(page: Page, client, day: str):  # type: ignore[no-untyped-def]
    return page.locator(f'button.att-cell[data-client="{client.uuid}"][data-date="{day}"]')


def test_counsellor_fills_a_month_by_keyboard(live_server, browser_page: Page, screenshot):
    unit = factories.UnitFactory(name="Työkeskus Verstas")
    user = factories.UserFactory(first_name="Aino", last_name="Ohjaaja")
    factories.RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    liisa, matti = (
        ClientFactory(registered_unit=unit, first_name="Liisa", last_name="Aalto"),
        ClientFactory(registered_unit=unit, first_name="Matti", last_name="Virtanen"),
    )
    for person in (liisa, matti):
        PeriodFactory(client=person, unit=unit, start_date=D(2025, 9, 1), weekdays="135")
    url = live_server.url + reverse(
        "guidance:attendance_month", kwargs={"unit": unit.uuid, "year": "2025", "month": "11"}
    )
    page = browser_page
    texts = _in_finnish()
    _sign_in(page, live_server, user.username)

    page.goto(url)
    expect(page.get_by_test_id("month-sheet")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Aalto Liisa")).to_be_visible()
    expect(page.locator(".att-legend kbd", has_text="t")).to_be_visible()

    # Liisa: Mon 3.11. present, Tab to Wed 5.11. sick, Tab to Fri 7.11. child sick.
    _cell(page, liisa, "2025-11-03").focus()
    page.keyboard.press("p")
    page.keyboard.press("Tab")
    expect(_cell(page, liisa, "2025-11-05")).to_be_focused()
    page.keyboard.press("s")
    page.keyboard.press("Tab")
    page.keyboard.press("l")
    # Enter goes to the next client on the same day; arrows move along the row.
    page.keyboard.press("Enter")
    expect(_cell(page, matti, "2025-11-07")).to_be_focused()
    page.keyboard.press("e")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("t")
    expect(page.get_by_test_id("sheet-status")).to_contain_text(
        f"Virtanen Matti, ke 5.11.: {texts['sick_certified']}"
    )
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("p")
    page.keyboard.press("Delete")
    expect(_cell(page, matti, "2025-11-03")).to_have_attribute("data-value", "")
    # A click opens a list; the keyboard picks from it too.
    _cell(page, matti, "2025-11-10").click()
    picker = page.locator(".att-picker")
    expect(picker).to_be_visible()
    expect(picker).to_be_focused()
    picker.press("ArrowDown")  # from "no entry" to the first status, present
    picker.press("Enter")
    expect(picker).to_be_hidden()
    expect(_cell(page, matti, "2025-11-10")).to_have_attribute(
        "aria-label", f"Virtanen Matti, ma 10.11.: {texts['present']}"
    )
    # ...and the mouse.
    _cell(page, matti, "2025-11-12").click()
    box = picker.locator('option[value="job_interview"]').bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(picker).to_be_hidden()
    expect(_cell(page, matti, "2025-11-12")).to_have_attribute("data-value", "job_interview")
    expect(_cell(page, matti, "2025-11-12")).to_be_focused()
    screenshot("month-sheet-filled")

    page.get_by_test_id("save-month").click()
    expect(page.locator(".alert-success")).to_have_text(texts["saved"])

    page.reload()
    expected = {
        (liisa, "2025-11-03"): "present",
        (liisa, "2025-11-05"): "sick",
        (liisa, "2025-11-07"): "child_sick",
        (matti, "2025-11-03"): "",
        (matti, "2025-11-05"): "sick_certified",
        (matti, "2025-11-07"): "unjustified",
        (matti, "2025-11-10"): "present",
        (matti, "2025-11-12"): "job_interview",
    }
    for (person, day), status in expected.items():
        expect(_cell(page, person, day)).to_have_attribute("data-value", status)
        expect(_cell(page, person, day)).to_have_attribute("data-loaded", status)
    expect(_cell(page, liisa, "2025-11-03")).to_have_text("P")
    expect(page.get_by_test_id("row-warnings")).to_contain_text(texts["unjustified"])
    screenshot("month-sheet-saved")
    assert AttendanceRecord.objects.count() == 7
