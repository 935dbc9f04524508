"""A counsellor fills part of a month on the attendance sheet by keyboard, saves, reloads and
finds the same statuses; a unit manager on a phone (390 px) does the same with the totals,
and locks the month after confirming."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from guidance.models import AttendanceMonthLock, AttendanceRecord, AttendanceStatus
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


def _totals(page: Page, client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    row = page.locator("#att-sheet tbody tr").filter(has=_cell(page, client, "2025-11-03"))
    return {
        kind: row.locator(f'[data-total="{kind}"]').inner_text()
        for kind in ("present", "absent", "planned")
    }


def _day_total(page: Page, kind: str, day: int):  # type: ignore[no-untyped-def]
    return page.locator(f'tfoot [data-day-total="{kind}"][data-col="{day}"]')


def test_a_unit_manager_on_a_phone_records_sees_totals_and_locks(
    live_server, browser_page: Page, screenshot
):
    """At 390 px: the sheet is a focusable region that scrolls with the arrow keys, the list a
    click opens stays inside the screen, the totals follow each entry and survive the save,
    and locking asks first, then says who locked the month and when."""
    unit = factories.UnitFactory(name="Työkeskus Verstas")
    user = factories.UserFactory(first_name="Eeva", last_name="Esimies")
    factories.RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
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
    _sign_in(page, live_server, user.username)  # at 1280 px: the user's name is in the bar
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)

    # The scrolling sheet is a named region that takes the focus (axe: scrollable-region-
    # focusable), and the arrow keys scroll it.
    region = page.get_by_role("region", name="Työkeskus Verstas")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("data-testid", "sheet-region")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    expect(region).to_be_focused()
    assert region.evaluate("el => el.scrollLeft") == 0
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.getElementById('att-wrap').scrollLeft > 0", timeout=5_000
    )
    page.keyboard.press("End")  # not a cell: the key scrolls the region, the sheet ignores it
    region.evaluate("el => { el.scrollLeft = 0; }")

    # Planned days in November 2025 on Mon/Wed/Fri: 12 (no holiday on those days).
    expect(page.get_by_test_id("day-totals")).to_be_attached()
    assert _totals(page, matti) == {"present": "0", "absent": "0", "planned": "12"}

    # The rightmost fully visible cell of Matti's row: the list it opens stays on screen.
    viewport = {"width": 390, "height": 844}
    visible = [
        (box["x"], day)
        for day in ("2025-11-03", "2025-11-05", "2025-11-07", "2025-11-10", "2025-11-12")
        if (box := _cell(page, matti, day).bounding_box()) and box["x"] + box["width"] <= 390
    ]
    assert visible, "no cell of the row is on screen"
    day = max(visible)[1]
    _cell(page, matti, day).click()
    picker = page.locator(".att-picker")
    expect(picker).to_be_visible()
    box = picker.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= viewport["width"], box
    assert box["y"] >= 0, box
    assert box["y"] + box["height"] <= viewport["height"], box
    screenshot("month-sheet-390-picker")
    picker.press("ArrowDown")  # present
    picker.press("Enter")
    expect(_cell(page, matti, day)).to_have_attribute("data-value", "present")
    # The totals follow the entry at once: Matti's row and that day's foot.
    col = str(int(day[-2:]))
    assert _totals(page, matti)["present"] == "1"
    expect(_day_total(page, "present", int(col))).to_have_text("1")

    _cell(page, liisa, day).focus()
    page.keyboard.press("s")
    expect(_day_total(page, "absent", int(col))).to_have_text("1")
    assert _totals(page, liisa) == {"present": "0", "absent": "1", "planned": "12"}
    page.keyboard.press("Delete")
    expect(_day_total(page, "absent", int(col))).to_have_text("0")
    page.keyboard.press("e")
    page.get_by_test_id("save-month").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.reload()
    assert _totals(page, matti)["present"] == "1"
    assert _totals(page, liisa)["absent"] == "1"
    expect(_day_total(page, "present", int(col))).to_have_text("1")
    expect(_day_total(page, "absent", int(col))).to_have_text("1")
    screenshot("month-sheet-390-totals")

    # Locking asks first; cancelling locks nothing.
    page.get_by_test_id("lock-month").click()
    expect(page.get_by_test_id("lock-confirm")).to_be_visible()
    page.get_by_test_id("lock-confirm").get_by_role("link").click()
    expect(page.get_by_test_id("month-sheet")).to_be_visible()
    assert not AttendanceMonthLock.objects.exists()
    page.get_by_test_id("lock-month").click()
    screenshot("month-sheet-390-lock-confirm")
    page.get_by_test_id("lock-confirm").get_by_role("button").click()
    expect(page.get_by_test_id("month-locked")).to_be_visible()
    lock = AttendanceMonthLock.objects.get()
    assert lock.locked_by == user
    with translation.override("fi"):
        banner = translation.gettext("Month locked by %(who)s on %(when)s.") % {
            "who": "Eeva Esimies",
            "when": f"{timezone.localdate(lock.locked_at):%-d.%-m.%Y}",
        }
    expect(page.get_by_test_id("month-locked-by")).to_have_text(banner)
