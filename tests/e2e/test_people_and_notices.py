"""Issue "daily work without the admin", as a new unit manager would do it in a browser.

Dora, a unit manager, invites a counsellor by e-mail; he opens the link, sets a password and
signs in. Dora then prepares the Kela absence notices of the first half of January and marks
them sent. Nothing goes through the Django admin. Every page is checked with axe and saved as a
screenshot (artifacts/screenshots/people-notices-NN-<step>.png).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from absence_notices.models import AbsenceNotice
from accounts.models import User
from clients.models import Benefit
from guidance.models import AttendanceRecord, AttendanceStatus
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.e2e.axe import AxeLog
from tests.e2e.conftest import save_screenshot
from tests.organisations import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = datetime.date
TODAY = D(2025, 1, 20)  # the first half of January has ended
NEW_PASSWORD = "puutyo-Verstas-2025"


def fi(message: str, context: str = "") -> str:
    with translation.override("fi"):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def test_a_unit_manager_invites_a_counsellor_and_sends_the_kela_notices(
    live_server, browser_page: Page, monkeypatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    unit = factories.UnitFactory(name="Työkeskus Paja")
    dora = factories.UserFactory(username="dora", first_name="Dora", last_name="Esimies")
    factories.RoleAssignmentFactory(user=dora, role="unit_manager", unit=unit)
    matti = ClientFactory(
        registered_unit=unit,
        first_name="Matti",
        last_name="Virtanen",
        benefit=Benefit.LABOUR_MARKET_SUBSIDY,
    )
    period = PeriodFactory(
        client=matti,
        unit=unit,
        start_date=D(2024, 10, 1),
        end_date=D(2025, 6, 30),
        weekdays="1234",
        days_per_week=4,
    )
    for day, status in [
        (D(2025, 1, 2), AttendanceStatus.PRESENT),
        (D(2025, 1, 7), AttendanceStatus.SICK),
        (D(2025, 1, 13), AttendanceStatus.PRESENT),
    ]:
        hours = period.hours_per_day if status == AttendanceStatus.PRESENT else 0
        AttendanceRecord.objects.create(period=period, date=day, status=status, hours=hours)
    page, axe, steps = browser_page, AxeLog(), iter(range(1, 100))
    page.set_viewport_size({"width": 1280, "height": 900})

    def seen(name: str) -> None:
        where = f"{next(steps):02d}-{name}"
        axe.check(page, where)
        save_screenshot(page, f"people-notices-{where}")

    def sign_in(username: str, password: str) -> None:
        page.context.clear_cookies()
        page.goto(live_server.url + reverse("login"))
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.get_by_role("button", name=fi("Sign in"), exact=True).click()
        expect(page.get_by_test_id("current-user")).to_be_attached()

    # Dora invites Ville from the menu's "People".
    sign_in("dora", factories.PASSWORD)
    page.get_by_role("link", name=fi("People", "staff"), exact=True).first.click()
    seen("people")
    page.goto(live_server.url + reverse("people:invite"))
    page.locator("input[name=first_name]").fill("Ville")
    page.locator("input[name=last_name]").fill("Virkkunen")
    page.locator("input[name=email]").fill("ville.virkkunen@example.invalid")
    page.locator("select[name=role]").select_option("counsellor")
    page.locator("select[name=unit]").select_option(str(unit.pk))
    seen("invite")
    page.get_by_role("button", name=fi("Send the invitation")).click()
    expect(page.get_by_text("Ville Virkkunen").first).to_be_visible()
    seen("invited")

    # Ville opens the link in the mail, chooses a password and signs in.
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/\S+/)", message.body)
    assert link, message.body
    page.context.clear_cookies()
    page.goto(live_server.url + link.group(1))
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    seen("set-password")
    page.get_by_role("button", name=fi("Save the password")).click()
    ville = User.objects.get(email="ville.virkkunen@example.invalid")
    assert ville.check_password(NEW_PASSWORD)
    sign_in(ville.get_username(), NEW_PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("Ville")
    seen("counsellor-home")

    # Dora prepares the notices of 1.–14.1. and marks them sent.
    sign_in("dora", factories.PASSWORD)
    page.get_by_role("link", name=fi("Absence notices", "absence notice"), exact=True).first.click()
    expect(page.get_by_text("Virtanen Matti").first).to_be_visible()
    seen("notices")
    pdf_url = reverse("absence_notices:unit_pdf", args=[unit.uuid, 2025, 1, 1])
    expect(page.locator(f"a[href^='{pdf_url}']").first).to_be_visible()
    pdf = page.request.get(live_server.url + pdf_url)  # the link, with Dora's session
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    page.locator(
        f"form[action='{reverse('absence_notices:mark_sent', args=[unit.uuid, 2025, 1, 1])}'] "
        "button"
    ).first.click()
    seen("notices-sent")
    notice = AbsenceNotice.objects.get()
    assert (notice.client_id, notice.sent_by_id) == (matti.pk, dora.pk)
    assert notice.sent_at is not None
    axe.assert_clean()
