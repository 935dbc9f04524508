"""The three journeys of the mission, at 1280 px and on a 390 px phone, with axe on every page.

1. A counsellor looks for a client, registers her, makes a plan agreed by the client, the
   organiser and the employment authority, holds a group session, records a week of attendance
   on the month sheet and ends the period with an exit reason and a destination.
2. A project manager opens the project dashboard, narrows it to one unit and opens the records
   behind a figure.
3. A municipal official reads last month's figure on the dashboard, asks for last month's
   report, and finds the same figure in the PDF (read back with pypdf) and the XLSX (openpyxl).

Every page visited is checked with axe (WCAG 2.1 A and AA; no serious or critical finding) and
saved to artifacts/screenshots/journey-<role>-<width>-<step>.png. Reports are built in-process
(Celery's eager mode), as in the other report tests; no worker is needed.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from activation_plans.models import ActivationPlan
from clients.crypto import hetu_digest
from clients.models import Client, Destination, ExitReason, PeriodStatus
from guidance.models import AttendanceRecord, AttendanceStatus
from kuty.celery import app as celery_app
from kuty.forms import LoginForm
from reporting.models import ReportRun, RunStatus
from tests.clients.factories import make_hetu
from tests.e2e.axe import AxeLog
from tests.e2e.conftest import save_screenshot
from tests.organisations import factories
from tests.reporting.dashboards.world import TODAY as WORLD_TODAY
from tests.reporting.dashboards.world import make_world, more_people

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = datetime.date
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
# The counsellor's "today": Wednesday 19.11.2025. The period starts on Monday 3.11.
COUNSELLOR_TODAY = D(2025, 11, 19)


def fi(message: str, context: str = "") -> str:
    with translation.override("fi"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


class Journey:
    """A page, its width, the axe log and numbered screenshots of one journey."""

    def __init__(self, page: Page, live_server, role: str, width: int) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.base = live_server.url
        self.prefix = f"journey-{role}-{width}"
        self.axe = AxeLog()
        self.step = 0
        page.set_viewport_size(WIDTHS[width])

    def go(self, url: str) -> None:
        self.page.goto(self.base + url)

    def seen(self, name: str) -> None:
        """The page is finished: check it with axe and save a screenshot."""
        self.step += 1
        where = f"{self.step:02d}-{name}"
        self.axe.check(self.page, where)
        save_screenshot(self.page, f"{self.prefix}-{where}")

    def sign_in(self, username: str) -> None:
        page = self.page
        page.context.clear_cookies()
        with translation.override("fi"):
            form = LoginForm()
            labels = (str(form.fields["username"].label), str(form.fields["password"].label))
        self.go(reverse("login"))
        self.seen("login")
        page.get_by_label(labels[0]).fill(username)
        page.get_by_label(labels[1]).fill(factories.PASSWORD)
        page.get_by_role("button", name=fi("Sign in"), exact=True).click()
        expect(page.get_by_test_id("current-user")).to_be_attached()


@pytest.fixture
def eager_reports(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Reports built in-process when asked for (the embedded run), whatever the environment."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- 1. The counsellor -------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
def test_counsellor_client_plan_group_attendance_and_exit(
    live_server, browser_page: Page, monkeypatch, width: int
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: COUNSELLOR_TODAY)
    lahti = factories.MunicipalityFactory(code="398", name="Lahti")
    unit = factories.UnitFactory(name="Työkeskus Verstas", municipality=lahti)
    group = factories.GroupFactory(unit=unit, name="Puutyöryhmä")
    factories.EmploymentAuthorityFactory(name="Lahden työllisyyspalvelut")
    user = factories.UserFactory(username="aino", first_name="Aino", last_name="Ohjaaja")
    factories.RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    hetu = make_hetu(D(1990, 5, 17), 246)
    journey = Journey(browser_page, live_server, "counsellor", width)
    page = journey.page

    journey.sign_in("aino")
    journey.seen("home")

    # Find: nobody by that name yet.
    journey.go(reverse("clients:list"))
    page.get_by_label(fi("Name, personal identity code or birth date")).fill("Saarinen")
    page.get_by_role("button", name=fi("Search"), exact=True).click()
    expect(page.get_by_role("link", name="Saarinen Helmi")).to_have_count(0)
    journey.seen("client-search")

    # Create.
    page.get_by_role("link", name=fi("Register a client")).click()
    page.locator("[name=first_name]").fill("Helmi")
    page.locator("[name=last_name]").fill("Saarinen")
    page.locator("[name=hetu]").fill(hetu)
    page.locator("[name=sex]").select_option("woman")
    page.locator("[name=home_municipality]").select_option(str(lahti.pk))
    journey.seen("client-form")
    page.locator("main form[method=post] [type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Saarinen")
    client = Client.objects.get(hetu_hmac=hetu_digest(hetu))
    assert client.registered_unit == unit
    journey.seen("client-detail")

    # A plan: the content and the placement, then the three agreements.
    page.get_by_role("link", name=fi("New plan")).click()
    page.locator("[name=plan-employment_authority]").select_option(
        label="Lahden työllisyyspalvelut"
    )
    page.locator("[name=plan-activity_goal]").fill("Päivärytmi ja työelämätaidot.")
    page.locator("[name=plan-support_and_guidance]").fill("Ohjaus puutyöryhmässä.")
    page.locator("[name=placement-start_date]").fill("2025-11-03")
    page.locator("[name=placement-end_date]").fill("2026-04-30")
    page.locator("[name=placement-days_per_week]").fill("4")
    page.locator("[name=placement-hours_per_day]").fill("6")
    for day in "1234":  # 1–4 days a week (DOMAIN.md)
        page.locator(f"[name=placement-weekdays][value='{day}']").check()
    journey.seen("plan-form")
    page.locator("main form[method=post] [type=submit]").last.click()
    expect(page.locator(".alert-success")).to_contain_text(fi("The draft plan is saved."))
    journey.seen("plan-draft")
    page.locator("[name=agreement-client_agreed_on]").fill("2025-11-03")
    page.locator("[name=agreement-organiser_representative]").fill("Sosiaalityöntekijä Saara")
    page.locator("[name=agreement-organiser_agreed_on]").fill("2025-11-03")
    page.locator("[name=agreement-employment_authority_representative]").fill("Asiantuntija Ilmo")
    page.locator("[name=agreement-employment_authority_agreed_on]").fill("2025-11-03")
    page.get_by_role("button", name=fi("Record the agreement")).click()
    expect(page.locator(".alert-success")).to_contain_text(
        fi("The plan is agreed by the client, the organiser and the employment authority.")
    )
    plan = ActivationPlan.objects.get(period__client=client)
    assert plan.period.status in (PeriodStatus.AGREED, PeriodStatus.ACTIVE)
    journey.seen("plan-agreed")
    page.reload()  # the start date has passed: the period is now running
    plan.period.refresh_from_db()
    assert plan.period.status == PeriodStatus.ACTIVE

    # The group: Helmi joins it, and the group meets on Wednesday 12.11.
    journey.go(reverse("guidance:group_members", kwargs={"code": group.uuid}))
    page.locator("[name=client]").select_option(str(client.pk))
    page.locator("[name=start_date]").fill("2025-11-03")
    journey.seen("group-members")
    page.locator("main form[method=post]").filter(has=page.locator("[name=client]")).locator(
        "[type=submit]"
    ).click()
    expect(page.locator(".alert-success")).to_contain_text(fi("The client was added to the group."))
    journey.go(
        reverse("guidance:group_session_create", kwargs={"code": group.uuid}) + "?date=2025-11-12"
    )
    page.locator("[name=time]").fill("10:00")
    page.locator("[name=topic]").fill("Linnunpöntöt")
    page.get_by_label(fi("%(name)s took part") % {"name": "Saarinen Helmi"}).check()
    page.locator("[name=mark_present]").check()
    journey.seen("group-session-form")
    page.locator("main form[method=post] [type=submit]").last.click()
    expect(page.locator(".alert-success").first).to_contain_text(fi("The group session was saved."))
    journey.seen("group-session")

    # A week of attendance, Monday to Thursday 10.–13.11.; Wednesday the 12th is already
    # present from the group session.
    journey.go(
        reverse(
            "guidance:attendance_month",
            kwargs={"unit": unit.uuid, "year": "2025", "month": "11"},
        )
    )
    cell = lambda day: page.locator(  # noqa: E731
        f'button.att-cell[data-client="{client.uuid}"][data-date="2025-11-{day}"]'
    )
    expect(cell("12")).to_have_attribute("data-value", "present")
    cell("10").focus()
    for key in ("p", "p", "", "s"):  # Mon, Tue, (Wed kept), Thu sick
        if key:
            page.keyboard.press(key)
        page.keyboard.press("Tab")
    journey.seen("month-sheet")
    page.get_by_test_id("save-month").click()
    expect(page.locator(".alert-success")).to_be_visible()
    week = {
        record.date.day: record.status
        for record in AttendanceRecord.objects.filter(
            period__client=client, date__range=(D(2025, 11, 10), D(2025, 11, 14))
        )
    }
    assert week == {
        10: AttendanceStatus.PRESENT,
        11: AttendanceStatus.PRESENT,
        12: AttendanceStatus.PRESENT,
        13: AttendanceStatus.SICK,
    }
    journey.seen("month-sheet-saved")

    # End the period: exit reason and destination, shown on the client page.
    journey.go(reverse("clients:detail", kwargs={"code": client.uuid}))
    page.get_by_role("link", name=fi("End the period")).click()
    page.locator("[name=exit_date]").fill("2025-11-19")
    page.locator("[name=exit_reason]").select_option(ExitReason.COMPLETED.value)
    page.locator("[name=destination]").select_option(Destination.OPEN_LABOUR_MARKET.value)
    journey.seen("period-end")
    page.locator("main form[method=post] [type=submit]").last.click()
    plan.period.refresh_from_db()
    assert plan.period.status == PeriodStatus.ENDED
    with translation.override("fi"):
        reason = str(ExitReason.COMPLETED.label)
        destination = str(Destination.OPEN_LABOUR_MARKET.label)
    journey.go(reverse("clients:detail", kwargs={"code": client.uuid}))
    exit_shown = page.get_by_test_id("period-exit")
    expect(exit_shown).to_contain_text(reason)
    expect(exit_shown).to_contain_text(destination)
    journey.seen("client-ended")
    journey.axe.assert_clean()


# --- 2. The project manager --------------------------------------------------------------


@pytest.fixture
def world(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: WORLD_TODAY)
    world = make_world()
    more_people(world, 3)  # Helsinki's February has more than four people: nothing hidden
    for username, role, scope in (
        ("bob", "project_manager", {"project": world.project}),
        ("erkki", "municipal_official", {"municipality": world.helsinki}),
    ):
        user = factories.UserFactory(username=username, first_name=username.title())
        factories.RoleAssignmentFactory(user=user, role=role, **scope)
    return world


@pytest.mark.parametrize("width", [1280, 390])
def test_project_manager_dashboard_unit_and_records(
    live_server, browser_page: Page, world, width: int
) -> None:
    journey = Journey(browser_page, live_server, "project-manager", width)
    page = journey.page
    journey.sign_in("bob")
    journey.go(reverse("home_project_manager") + "?from=2025-01-01&to=2025-03-31")
    expect(page.locator("canvas[data-chart-source]:not([data-drawn])")).to_have_count(0)
    journey.seen("dashboard")

    # One unit: Aa-paja (A, B and the three like each of them in U1 and U2: U1 has A, B and 3).
    page.locator(f"input[name=units][value='{world.u1.uuid}']").check()
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(f"units={world.u1.uuid}"))
    expect(page.locator("canvas[data-chart-source]:not([data-drawn])")).to_have_count(0)
    active = page.get_by_test_id("kpi-active").locator(".dash-kpi-value")
    expect(active).to_have_text("4")  # A and the three like A; B left in February
    journey.seen("dashboard-unit")

    # The records behind the figure.
    page.get_by_test_id("kpi-active").get_by_role("link").click()
    table = page.get_by_test_id("records-table")
    expect(table).to_contain_text("SukunimiA EtunimiA")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(page.get_by_test_id("records-count")).to_have_text(re.compile(r"^\s*4 asiakasta\b"))
    journey.seen("records")
    journey.axe.assert_clean()


# --- 3. The municipal official -----------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize("width", [1280, 390])
def test_municipal_official_reports_of_last_month(
    live_server, browser_page: Page, world, eager_reports, media, width: int
) -> None:
    # The data: February 2025, Helsinki residents who attended: A, B and the six like them,
    # four days each (3.–6.2.), 9 € a day.
    february = (D(2025, 2, 1), D(2025, 2, 28))
    present = AttendanceRecord.objects.filter(
        date__range=february,
        status=AttendanceStatus.PRESENT,
        period__client__home_municipality=world.helsinki,
    )
    days = present.count()
    people = present.values("period__client").distinct().count()
    assert (people, days) == (8, 32)

    journey = Journey(browser_page, live_server, "municipal-official", width)
    page = journey.page
    journey.sign_in("erkki")
    journey.go(reverse("home_municipal_official") + "?from=2025-02-01&to=2025-02-28")
    expect(page.locator("canvas[data-chart-source]:not([data-drawn])")).to_have_count(0)
    # The dashboard's expense allowance for February: 32 days at 9 €.
    allowance = page.get_by_test_id("kpi-allowance").locator(".dash-kpi-value")
    expect(allowance).to_have_text("288,00\xa0€")
    on_page = allowance.inner_text().replace("\xa0", " ").removesuffix(" €")  # "288,00"
    journey.seen("dashboard")

    journey.go(reverse("reporting:index"))
    journey.seen("reports")
    page.locator("[name=kind]").select_option("allowance")
    page.get_by_role("button", name=fi("Last month"), exact=True).click()
    expect(page.locator("[name=date_from]")).to_have_value("2025-02-01")
    expect(page.locator("[name=date_to]")).to_have_value("2025-02-28")
    page.locator("[name=kind]").select_option("allowance")
    for fmt in ("pdf", "xlsx"):
        expect(page.locator(f"[name=formats][value={fmt}]")).to_be_checked()
    journey.seen("reports-last-month")
    page.get_by_role("button", name=fi("Build the report"), exact=True).click()
    run = ReportRun.objects.get()
    assert run.status == RunStatus.READY, run.status
    expect(page.locator("h1")).to_contain_text("1.2.2025–28.2.2025")
    journey.seen("report-ready")

    files = {}
    for fmt in ("pdf", "xlsx"):
        link = page.locator(
            f"a[href='{reverse('reporting:download', kwargs={'code': run.uuid, 'fmt': fmt})}']"
        )
        with page.expect_download() as info:
            link.click()
        path = info.value.path()
        with open(path, "rb") as handle:
            files[fmt] = handle.read()

    # The PDF: the total row says 8 clients, 32 days present and the dashboard's sum.
    total = re.escape(fi("Total", "report"))
    text = _pdf_text(files["pdf"])
    assert re.search(rf"{total} {people} {days} {on_page}\s?€", text), text
    # The XLSX: the same row on the payers' sheet, the sum as a number.
    book = load_workbook(io.BytesIO(files["xlsx"]))
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    euros = int(on_page.removesuffix(",00"))
    assert (fi("Total", "report"), people, days, euros) in rows, rows[:20]
    journey.axe.assert_clean()
