"""The month sheet's totals (per client and per day), the confirmation before locking a month
and what the lock banner says."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import translation

from guidance.models import AttendanceMonthLock
from organisations.models import ClosureDay

from .conftest import CONFIRMED, NOVEMBER, lock_url, sheet_url
from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db

D = datetime.date
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def row_html(body: str, name: str) -> str:
    """The <tr> of the client called ``name`` (as the sheet writes it)."""
    rows = re.findall(r"<tr>.*?</tr>", body, flags=re.S)
    found = [row for row in rows if f">{name}</a>" in row]
    assert len(found) == 1, name
    return found[0]


def row_totals(body: str, name: str) -> dict[str, int]:
    return {
        kind: int(value)
        for kind, value in re.findall(
            r'data-total="(present|absent|planned)">(\d+)<', row_html(body, name)
        )
    }


def day_totals(body: str, kind: str) -> dict[int, int]:
    """Day of the month -> the figure in the foot row ``kind`` (present / absent)."""
    return {
        int(day): int(value)
        for day, value in re.findall(rf'data-day-total="{kind}" data-col="(\d+)">(\d+)<', body)
    }


@pytest.fixture
def november(unit, matti_period, liisa_period):  # type: ignore[no-untyped-def]
    """Matti (Mon/Wed/Fri, 12 days in November 2025, Fri 14.11. a closure day, so 11 planned)
    and Liisa (Tue/Thu from 10.11., 6 planned days)."""
    ClosureDay.objects.create(unit=unit, date=D(2025, 11, 14), reason="Staff training")
    for day, status in (
        (3, "present"),
        (4, "present"),  # a Tuesday: recorded, though not one of his days
        (5, "sick"),
        (7, "present"),
        (10, "unjustified"),
        (12, "present"),
    ):
        AttendanceRecordFactory(period=matti_period, date=D(2025, 11, day), status=status)
    for day, status in ((11, "present"), (13, "child_sick"), (18, "present")):
        AttendanceRecordFactory(period=liisa_period, date=D(2025, 11, day), status=status)
    return unit


def test_the_sheet_totals_each_clients_days(client, counsellor, november):
    client.force_login(counsellor)
    body = client.get(sheet_url(november)).content.decode()

    # The closure day 14.11. is shown as not organised: neither present nor absent, not planned.
    assert row_totals(body, "Virtanen Matti") == {"present": 4, "absent": 2, "planned": 11}
    assert row_totals(body, "Aalto Liisa") == {"present": 2, "absent": 1, "planned": 6}
    for header in ("Present", "Absent", "Planned"):
        assert f'<th scope="col" class="att-total">{header}</th>' in body


def test_the_sheet_totals_each_day(client, counsellor, november):
    client.force_login(counsellor)
    body = client.get(sheet_url(november)).content.decode()

    present, absent = day_totals(body, "present"), day_totals(body, "absent")
    assert set(present) == set(absent) == set(range(1, 31))
    assert {day: n for day, n in present.items() if n} == {3: 1, 4: 1, 7: 1, 11: 1, 12: 1, 18: 1}
    assert {day: n for day, n in absent.items() if n} == {5: 1, 10: 1, 13: 1}
    assert present[14] == absent[14] == 0  # the closure day


def test_the_totals_follow_a_save(client, counsellor, november, matti_period):
    from .conftest import cells_payload

    client.force_login(counsellor)
    payload = cells_payload(
        (matti_period.client, "2025-11-17", "present", ""),
        (matti_period.client, "2025-11-03", "sick_certified", "present"),
    )
    response = client.post(sheet_url(november), {"cells": payload}, follow=True)

    body = response.content.decode()
    assert row_totals(body, "Virtanen Matti") == {"present": 4, "absent": 3, "planned": 11}
    assert day_totals(body, "present")[17] == 1
    assert (day_totals(body, "present")[3], day_totals(body, "absent")[3]) == (0, 1)


def test_a_refused_save_totals_what_the_sheet_shows(client, counsellor, november, matti_period):
    """A save refused for another person's change shows the user's other changes kept: the
    totals count them, and the other person's value in the cell in conflict."""
    from .conftest import cells_payload

    client.force_login(counsellor)
    payload = cells_payload(
        (matti_period.client, "2025-11-17", "present", ""),
        (matti_period.client, "2025-11-05", "present", ""),  # someone saved "sick" meanwhile
    )
    response = client.post(sheet_url(november), {"cells": payload})
    assert response.status_code == 409
    body = response.content.decode()
    assert row_totals(body, "Virtanen Matti") == {"present": 5, "absent": 2, "planned": 11}
    assert day_totals(body, "present")[17] == 1


# Locking -----------------------------------------------------------------------------------


def test_locking_asks_for_confirmation_first(client, unit_manager, unit):
    client.force_login(unit_manager)
    sheet = client.get(sheet_url(unit)).content.decode()
    # The sheet links to the question; it has no form that locks at once.
    assert f'data-testid="lock-month" href="{lock_url(unit)}"' in sheet
    assert f'action="{lock_url(unit)}"' not in sheet

    page = client.get(lock_url(unit))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lock November 2025 of" in body
    assert "Yes, lock the month" in body
    assert 'name="confirm" value="lock"' in body
    assert f'href="{sheet_url(unit)}"' in body  # cancel goes back to the sheet
    assert not AttendanceMonthLock.objects.exists()


@pytest.mark.parametrize("data", [{}, {"confirm": ""}, {"confirm": "yes"}])
def test_a_lock_without_confirmation_does_not_lock(client, unit_manager, unit, data):
    client.force_login(unit_manager)
    response = client.post(lock_url(unit), data)
    assert response.status_code == 302
    assert response["Location"] == lock_url(unit)  # back to the question
    assert not AttendanceMonthLock.objects.exists()


def test_a_confirmed_lock_locks(client, unit_manager, unit):
    client.force_login(unit_manager)
    response = client.post(lock_url(unit), CONFIRMED)
    assert response["Location"] == sheet_url(unit)
    assert AttendanceMonthLock.objects.get().locked_by == unit_manager


def test_a_counsellor_gets_no_confirmation_page(client, counsellor, outsider, unit):
    client.force_login(counsellor)
    assert client.get(lock_url(unit)).status_code == 403
    assert client.post(lock_url(unit), CONFIRMED).status_code == 403
    client.force_login(outsider)
    assert client.get(lock_url(unit)).status_code == 404
    assert not AttendanceMonthLock.objects.exists()


@pytest.fixture
def locked_by_dora(unit, unit_manager):  # type: ignore[no-untyped-def]
    unit_manager.first_name, unit_manager.last_name = "Dora", "Esimies"
    unit_manager.save()
    lock = AttendanceMonthLock.objects.create(unit=unit, month=NOVEMBER, locked_by=unit_manager)
    # 2.12.2025 00:30 in Helsinki is still 1.12. in UTC: the banner gives the local date.
    locked_at = datetime.datetime(2025, 12, 2, 0, 30, tzinfo=HELSINKI)
    AttendanceMonthLock.objects.filter(pk=lock.pk).update(locked_at=locked_at)
    return lock


def test_the_lock_banner_says_who_locked_the_month_and_when(
    client, counsellor, unit, locked_by_dora
):
    client.force_login(counsellor)
    with translation.override("en"):
        body = client.get(sheet_url(unit)).content.decode()
    banner = re.search(r'data-testid="month-locked-by">([^<]*)<', body)
    assert banner is not None
    assert banner.group(1) == "Month locked by Dora Esimies on 2.12.2025."
    assert "has gone out" not in body.split('data-testid="month-locked"')[1].split("</div>")[0]
    assert "has been sent" not in body


def test_the_confirmation_page_of_a_locked_month_says_so(
    client, unit_manager, unit, locked_by_dora
):
    client.force_login(unit_manager)
    with translation.override("en"):
        body = client.get(lock_url(unit)).content.decode()
    assert "Month locked by Dora Esimies on 2.12.2025." in body
    assert 'name="confirm"' not in body
