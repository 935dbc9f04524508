"""The month sheet: what it shows, saving a month in one request, and who may do what."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AccessLogEntry, Action
from guidance.models import (
    AttendanceMonthLock,
    AttendanceRecord,
    AttendanceStatus,
    GroupMembership,
)
from organisations.models import ClosureDay
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import GroupFactory, RoleAssignmentFactory, UserFactory

from .conftest import NOVEMBER, cells_payload, lock_url, sheet_url
from .factories import AttendanceRecordFactory, keep_counts

pytestmark = pytest.mark.django_db

D = datetime.date


def cell_html(body: str, client, day: str) -> str:
    """The <button> of one cell, or "" when the day has no editable cell."""
    match = re.search(
        rf'<button type="button" class="att-cell[^"]*" data-client="{client.uuid}" '
        rf'data-date="{day}"[^>]*>[^<]*</button>',
        body,
    )
    return match.group(0) if match else ""


# Showing ---------------------------------------------------------------------------------


def test_the_sheet_has_a_row_per_client_and_a_column_per_day(
    client, counsellor, unit, matti_period, liisa_period
):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="present")
    client.force_login(counsellor)
    response = client.get(sheet_url(unit))
    assert response.status_code == 200
    body = response.content.decode()
    sheet = response.context["sheet"]
    assert [row.client.full_name for row in sheet.rows] == ["Aalto Liisa", "Virtanen Matti"]
    assert len(sheet.columns) == 30
    # The client column, 30 days and the three totals (present, absent, planned).
    assert body.count('<th scope="col"') == 34
    assert body.count('<th scope="row"') == 4  # two clients, and the foot's two totals
    monday = cell_html(body, matti_period.client, "2025-11-03")
    assert 'data-value="present"' in monday
    assert 'data-loaded="present"' in monday
    assert 'aria-label="Virtanen Matti, Mon 3.11.: Present"' in monday
    # Tuesday is not one of Matti's days; Liisa's period starts on 10.11.
    assert cell_html(body, matti_period.client, "2025-11-04") == ""
    assert cell_html(body, liisa_period.client, "2025-11-04") == ""
    assert cell_html(body, liisa_period.client, "2025-11-11") != ""
    for key in ("<kbd>p</kbd>", "<kbd>s</kbd>", "<kbd>t</kbd>", "<kbd>x</kbd>"):
        assert key in body
    assert 'aria-live="polite"' in body
    assert "js/month_sheet.js" in body


def test_the_finnish_sheet_names_days_and_statuses_in_finnish(
    client, counsellor, unit, matti_period
):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 4), status="sick")
    client.force_login(counsellor)
    body = client.get(sheet_url(unit), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    with translation.override("fi"):
        sick = str(AttendanceStatus.SICK.label)
    assert f'aria-label="Virtanen Matti, ti 4.11.: {sick}"' in body
    assert "Pyhäinpäivä" in body  # 1.11.2025, All Saints' Day


def test_drafts_and_periods_outside_the_month_are_not_on_the_sheet(client, counsellor, unit):
    PeriodFactory(unit=unit, status="draft", start_date=D(2025, 11, 3))
    PeriodFactory(unit=unit, start_date=D(2025, 12, 1))
    PeriodFactory(unit=unit, start_date=D(2025, 4, 1), end_date=D(2025, 10, 31))
    client.force_login(counsellor)
    assert client.get(sheet_url(unit)).context["sheet"].rows == []


def test_holidays_and_closure_days_are_prefilled_as_not_organised(
    client, counsellor, unit, matti_period
):
    ClosureDay.objects.create(unit=unit, date=D(2025, 12, 29), reason="Inventory")
    client.force_login(counsellor)
    december = D(2025, 12, 1)
    body = client.get(sheet_url(unit, december)).content.decode()
    matti = matti_period.client
    for day in ("2025-12-24", "2025-12-26", "2025-12-29"):
        cell = cell_html(body, matti, day)
        assert 'data-value="not_organised"' in cell
        assert 'data-loaded=""' in cell
        assert "att-default" in cell
    assert 'data-value=""' in cell_html(body, matti, "2025-12-22")
    assert "Christmas Eve" in body  # the holiday's name in the column header
    assert not AttendanceRecord.objects.exists()  # shown, not saved until the month is saved


def test_viewing_the_sheet_is_logged_once(client, counsellor, unit, matti_period):
    client.force_login(counsellor)
    client.get(sheet_url(unit))
    entry = AccessLogEntry.objects.get(action=Action.VIEW)
    assert entry.user == counsellor
    assert (entry.object_type, entry.object_id) == ("organisations.unit", str(unit.uuid))
    assert entry.detail == "attendance 2025-11"


def test_viewing_the_sheet_logs_each_client_on_it(
    client, counsellor, unit, matti_period, liisa_period
):
    PeriodFactory(unit=unit, start_date=D(2025, 12, 1))  # not on the November sheet
    client.force_login(counsellor)
    client.get(sheet_url(unit))
    views = AccessLogEntry.objects.filter(action=Action.VIEW, user=counsellor)
    assert sorted(views.values_list("client_uuid", flat=True)) == sorted(
        [matti_period.client.uuid, liisa_period.client.uuid]
    )
    assert set(views.values_list("object_type", "object_id", "detail")) == {
        ("organisations.unit", str(unit.uuid), "attendance 2025-11")
    }


def test_a_sheet_without_clients_is_logged_once_for_the_unit(client, counsellor, unit):
    client.force_login(counsellor)
    client.get(sheet_url(unit))
    entry = AccessLogEntry.objects.get(action=Action.VIEW)
    assert entry.client_uuid is None
    assert (entry.object_type, entry.object_id) == ("organisations.unit", str(unit.uuid))


def test_a_refused_save_logs_the_sheet_it_shows_again(
    client, counsellor, unit, matti_period, liisa_period
):
    client.force_login(counsellor)
    payload = cells_payload((liisa_period.client, "2025-11-04", "present", ""))  # not hers
    assert client.post(sheet_url(unit), {"cells": payload}).status_code == 400
    assert not AccessLogEntry.objects.filter(action__in=[Action.CHANGE, Action.CREATE]).exists()
    views = AccessLogEntry.objects.filter(action=Action.VIEW)
    assert sorted(views.values_list("client_uuid", flat=True)) == sorted(
        [matti_period.client.uuid, liisa_period.client.uuid]
    )


def test_the_group_filter_shows_its_members_only(
    client, counsellor, unit, matti_period, liisa_period
):
    group = GroupFactory(unit=unit, name="Puutyöryhmä")
    GroupMembership.objects.create(
        group=group, client=liisa_period.client, start_date=D(2025, 10, 1)
    )
    client.force_login(counsellor)
    response = client.get(sheet_url(unit, group=str(group.uuid)))
    assert [row.client for row in response.context["sheet"].rows] == [liisa_period.client]
    assert "Puutyöryhmä" in response.content.decode()


def test_warnings_are_shown_on_the_row_in_words(client, counsellor, unit, matti_period):
    for day in (3, 5, 7, 10):
        AttendanceRecordFactory(period=matti_period, date=D(2025, 11, day), status="sick")
    client.force_login(counsellor)
    body = client.get(sheet_url(unit)).content.decode()
    assert 'data-testid="row-warnings"' in body
    assert "Sick over 3 days without a certificate (3.11.2025–10.11.2025)" in body


def test_an_impossible_month_is_not_found(client, counsellor, unit):
    client.force_login(counsellor)
    url = reverse(
        "guidance:attendance_month", kwargs={"unit": unit.uuid, "year": 2025, "month": 13}
    )
    assert client.get(url).status_code == 404


def test_the_index_lets_a_user_of_several_units_choose(client, counsellor, unit, other_unit):
    RoleAssignmentFactory(user=counsellor, role="counsellor", unit=other_unit)
    client.force_login(counsellor)
    response = client.get(reverse("guidance:attendance_index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert unit.name in body
    assert other_unit.name in body


def test_the_index_is_not_found_without_client_units(client, unit):
    official = UserFactory(username="erkki")
    RoleAssignmentFactory(user=official, role="municipal_official", municipality=unit.municipality)
    client.force_login(official)
    assert client.get(reverse("guidance:attendance_index")).status_code == 404


def test_the_index_takes_a_one_unit_user_to_the_current_month(client, counsellor, unit):
    client.force_login(counsellor)
    response = client.get(reverse("guidance:attendance_index"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/guidance/attendance/{unit.uuid}/")


# Saving ----------------------------------------------------------------------------------


def test_a_month_is_saved_in_one_request(client, counsellor, unit, matti_period, liisa_period):
    matti, liisa = matti_period.client, liisa_period.client
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 7), status="present")
    client.force_login(counsellor)
    payload = cells_payload(
        (matti, "2025-11-03", "present", ""),
        (matti, "2025-11-05", "sick", ""),
        (matti, "2025-11-07", "", "present"),
        (liisa, "2025-11-11", "child_sick", ""),
    )
    response = client.post(sheet_url(unit), {"cells": payload})

    assert response.status_code == 302
    assert response["Location"] == sheet_url(unit)
    saved = {
        (r.period.client.last_name, r.date.day): (r.status, r.hours, r.updated_by)
        for r in AttendanceRecord.objects.select_related("period__client")
    }
    assert saved == {
        ("Virtanen", 3): ("present", Decimal("6.0"), counsellor),
        ("Virtanen", 5): ("sick", Decimal("0.0"), counsellor),
        ("Aalto", 11): ("child_sick", Decimal("0.0"), counsellor),
    }
    changes = AccessLogEntry.objects.filter(action__in=[Action.CHANGE, Action.CREATE])
    assert sorted(e.client_uuid for e in changes) == sorted([matti.uuid, liisa.uuid])
    matti_entry = changes.get(client_uuid=matti.uuid)
    assert matti_entry.action == Action.CHANGE
    assert "1 created, 0 changed, 1 removed" not in matti_entry.detail
    assert "2 created, 0 changed, 1 removed" in matti_entry.detail
    assert changes.get(client_uuid=liisa.uuid).action == Action.CREATE

    page = client.get(response["Location"]).content.decode()
    assert 'data-value="sick"' in cell_html(page, matti, "2025-11-05")
    assert "Saved: 4 days changed." in page


def test_saving_prefilled_holidays_records_them(client, counsellor, unit, matti_period):
    matti = matti_period.client
    client.force_login(counsellor)
    payload = cells_payload(
        (matti, "2025-12-24", "not_organised", ""), (matti, "2025-12-26", "not_organised", "")
    )
    assert client.post(sheet_url(unit, D(2025, 12, 1)), {"cells": payload}).status_code == 302
    assert set(AttendanceRecord.objects.values_list("date", "status")) == {
        (D(2025, 12, 24), "not_organised"),
        (D(2025, 12, 26), "not_organised"),
    }


def test_saving_the_same_values_again_changes_nothing(client, counsellor, unit, matti_period):
    matti = matti_period.client
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="present")
    client.force_login(counsellor)
    payload = cells_payload((matti, "2025-11-03", "present", "present"))
    client.post(sheet_url(unit), {"cells": payload})
    assert not AccessLogEntry.objects.filter(action__in=[Action.CHANGE, Action.CREATE]).exists()


def test_a_date_outside_the_clients_periods_is_refused_by_name(
    client, counsellor, unit, matti_period, liisa_period
):
    client.force_login(counsellor)
    payload = cells_payload(
        (matti_period.client, "2025-11-03", "present", ""),
        (liisa_period.client, "2025-11-04", "present", ""),  # her period starts on 10.11.
    )
    response = client.post(sheet_url(unit), {"cells": payload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Aalto Liisa, 4.11.2025: the date is outside the client&#x27;s periods" in body
    assert not AttendanceRecord.objects.exists()  # all or nothing
    # The valid edit is kept on the page so it is not lost.
    kept = cell_html(body, matti_period.client, "2025-11-03")
    assert 'data-value="present"' in kept
    assert 'data-loaded=""' in kept
    assert "att-changed" in kept


def test_a_date_in_another_month_is_refused(client, counsellor, unit, matti_period):
    client.force_login(counsellor)
    payload = cells_payload((matti_period.client, "2025-12-01", "present", ""))
    response = client.post(sheet_url(unit), {"cells": payload})
    assert response.status_code == 400
    assert "Virtanen Matti, 1.12.2025" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_an_unknown_status_is_refused(client, counsellor, unit, matti_period):
    client.force_login(counsellor)
    payload = cells_payload((matti_period.client, "2025-11-03", "holiday", ""))
    response = client.post(sheet_url(unit), {"cells": payload})
    assert response.status_code == 400
    assert "Virtanen Matti, 3.11.2025: “holiday” is not an attendance status." in (
        response.content.decode()
    )
    assert not AttendanceRecord.objects.exists()


@pytest.mark.parametrize(
    "cells",
    [
        "[{not json",
        "[" * 50_000 + "]" * 50_000,  # deeper than the parser follows
        '{"a": ' * 5_000 + "1" + "}" * 5_000,
        "[" + ",".join(["{}"] * 1_000_000) + "]",  # far larger than any sheet
    ],
    ids=["broken", "deep-lists", "deep-objects", "huge"],
)
def test_unreadable_cells_are_refused(client, counsellor, unit, matti_period, cells):
    client.force_login(counsellor)
    response = client.post(sheet_url(unit), {"cells": cells})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_client_of_another_unit_cannot_be_saved_here(
    client, counsellor, unit, other_unit, matti_period
):
    stranger = PeriodFactory(
        client=ClientFactory(registered_unit=other_unit), unit=other_unit, weekdays="135"
    )
    client.force_login(counsellor)
    payload = cells_payload((stranger.client, "2025-11-03", "present", ""))
    assert client.post(sheet_url(unit), {"cells": payload}).status_code == 400
    assert not AttendanceRecord.objects.exists()


# Who may ----------------------------------------------------------------------------------


def test_an_outsider_gets_404_for_everything(client, outsider, unit, matti_period):
    client.force_login(outsider)
    payload = cells_payload((matti_period.client, "2025-11-03", "present", ""))
    assert client.get(sheet_url(unit)).status_code == 404
    assert client.post(sheet_url(unit), {"cells": payload}).status_code == 404
    assert client.post(lock_url(unit)).status_code == 404
    assert client.post(lock_url(unit, unlock=True)).status_code == 404
    assert not AttendanceRecord.objects.exists()
    assert not AccessLogEntry.objects.exclude(action=Action.LOGIN).exists()


def test_a_project_manager_sees_but_may_not_save(client, project_manager, unit, matti_period):
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="present")
    client.force_login(project_manager)
    response = client.get(sheet_url(unit))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="att-cell' not in body  # nothing to type into
    assert "Virtanen Matti, Mon 3.11.: Present" in body
    assert 'data-testid="save-month"' not in body
    payload = cells_payload((matti_period.client, "2025-11-05", "present", ""))
    assert client.post(sheet_url(unit), {"cells": payload}).status_code == 403
    assert client.post(lock_url(unit)).status_code == 403
    assert AttendanceRecord.objects.count() == 1


def test_a_counsellor_saves_but_may_not_lock(client, counsellor, unit, matti_period):
    client.force_login(counsellor)
    body = client.get(sheet_url(unit)).content.decode()
    assert "Lock the month" not in body
    assert client.post(lock_url(unit)).status_code == 403
    assert client.post(lock_url(unit, unlock=True)).status_code == 403
    assert not AttendanceMonthLock.objects.exists()


def test_lock_and_unlock_need_post(client, unit_manager, unit):
    client.force_login(unit_manager)
    assert client.get(lock_url(unit)).status_code == 200  # the confirmation, see test_totals
    assert client.get(lock_url(unit, unlock=True)).status_code == 405
    assert not AttendanceMonthLock.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, unit):
    response = client.get(sheet_url(unit))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Queries --------------------------------------------------------------------------------


def _unit_with_clients(unit, count: int) -> None:
    group = GroupFactory(unit=unit)
    ClosureDay.objects.create(unit=unit, date=D(2025, 11, 14))
    for index in range(count):
        period = PeriodFactory(
            client=ClientFactory(registered_unit=unit), unit=unit, weekdays="135"
        )
        GroupMembership.objects.create(group=group, client=period.client, start_date=D(2025, 9, 1))
        AttendanceRecordFactory(period=period, date=D(2025, 11, 3), status="present")
        AttendanceRecordFactory(
            period=period, date=D(2025, 11, 5), status="sick" if index % 2 else "unjustified"
        )


@pytest.mark.parametrize("clients", [5, 30])
def test_the_sheet_takes_the_same_queries_for_5_or_30_clients(
    client, counsellor, unit, django_assert_num_queries, clients
):
    _unit_with_clients(unit, clients)
    client.force_login(counsellor)
    url = sheet_url(unit, NOVEMBER)
    # Savepoint and release (ATOMIC_REQUESTS), session, user, roles, unit, periods with their
    # clients, records, closure days, lock, weeks over the person's limit, late corrections,
    # the access-log row, groups. The totals are counted from the cells: no query of their own.
    with django_assert_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["sheet"].rows) == clients
    body = response.content.decode()
    assert f'data-day-total="present" data-col="3">{clients}<' in body
    assert f'data-day-total="absent" data-col="5">{clients}<' in body


def test_the_sheet_warns_of_a_week_over_the_persons_limit(
    client, counsellor, unit, matti, matti_period
):
    """Matti comes Mon, Wed and Fri; present on two more days of the same week in another
    unit, he has 5 present dates that week: the sheet says so on his row."""
    from tests.organisations.factories import UnitFactory

    other = PeriodFactory(
        client=matti,
        unit=UnitFactory(),
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 2, 28),
        weekdays="24",
        days_per_week=1,
    )
    for day in (3, 5, 7):
        AttendanceRecordFactory(period=matti_period, date=datetime.date(2025, 11, day))
    for day in (4, 6):
        AttendanceRecordFactory(period=other, date=datetime.date(2025, 11, day))
    keep_counts({matti.pk}, datetime.date(2025, 11, 3), datetime.date(2025, 11, 7))
    client.force_login(counsellor)
    response = client.get(sheet_url(unit, NOVEMBER), HTTP_ACCEPT_LANGUAGE="en")
    (row,) = [r for r in response.context["sheet"].rows if r.client == matti]
    assert [(w.kind, w.days) for w in row.warnings] == [("over_weekly_days", 5)]
    assert "More days in a week than allowed" in response.content.decode()
