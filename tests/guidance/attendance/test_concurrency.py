"""Two people on the same month: nothing is silently overwritten."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser

from guidance.models import AttendanceRecord
from tests.organisations.factories import RoleAssignmentFactory, UserFactory

from .conftest import cells_payload, sheet_url
from .factories import AttendanceRecordFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def colleague(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="cecilia")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


def loaded_value(response, client_uuid, day: datetime.date) -> str:
    return response.context["sheet"].cell(client_uuid, day).loaded


def test_the_second_save_of_the_same_cell_is_refused_and_names_it(
    client, counsellor, colleague, unit, matti_period, liisa_period
):
    matti, liisa = matti_period.client, liisa_period.client
    alice, cecilia = Browser(), Browser()
    alice.force_login(counsellor)
    cecilia.force_login(colleague)
    # Both open the sheet: 3.11. is empty for both.
    first_load = alice.get(sheet_url(unit))
    second_load = cecilia.get(sheet_url(unit))
    assert loaded_value(first_load, matti.uuid, D(2025, 11, 3)) == ""
    assert loaded_value(second_load, matti.uuid, D(2025, 11, 3)) == ""

    saved = alice.post(
        sheet_url(unit), {"cells": cells_payload((matti, "2025-11-03", "present", ""))}
    )
    assert saved.status_code == 302

    refused = cecilia.post(
        sheet_url(unit),
        {
            "cells": cells_payload(
                (matti, "2025-11-03", "sick", ""), (liisa, "2025-11-11", "present", "")
            )
        },
    )

    assert refused.status_code == 409
    body = refused.content.decode()
    assert (
        "Virtanen Matti, 3.11.2025: someone else changed this day after you opened the sheet. "
        "Now: Present; yours: Sick (own notice)."
    ) in body
    # Nothing of the second save was written: Alice's value stands, Liisa's day is empty.
    assert list(AttendanceRecord.objects.values_list("date", "status")) == [
        (D(2025, 11, 3), "present")
    ]
    sheet = refused.context["sheet"]
    conflict = sheet.cell(matti.uuid, D(2025, 11, 3))
    assert (conflict.value, conflict.loaded, conflict.conflict) == ("present", "present", True)
    kept = sheet.cell(liisa.uuid, D(2025, 11, 11))
    assert (kept.value, kept.loaded, kept.changed) == ("present", "", True)

    # Saving again what the page now holds keeps Alice's day and adds Cecilia's other one.
    again = cecilia.post(
        sheet_url(unit), {"cells": cells_payload((liisa, "2025-11-11", "present", ""))}
    )
    assert again.status_code == 302
    assert AttendanceRecord.objects.count() == 2


def test_a_cell_the_user_did_not_change_is_not_overwritten(
    client, counsellor, colleague, unit, matti_period
):
    matti = matti_period.client
    # Loaded as "present"; meanwhile a colleague records "sick".
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="sick")
    client.force_login(counsellor)
    response = client.post(
        sheet_url(unit),
        {
            "cells": cells_payload(
                (matti, "2025-11-03", "present", "present"), (matti, "2025-11-05", "present", "")
            )
        },
    )
    assert response.status_code == 302
    assert dict(AttendanceRecord.objects.values_list("date", "status")) == {
        D(2025, 11, 3): "sick",
        D(2025, 11, 5): "present",
    }


def test_the_same_change_by_both_is_no_conflict(client, counsellor, unit, matti_period):
    matti = matti_period.client
    AttendanceRecordFactory(period=matti_period, date=D(2025, 11, 3), status="present")
    client.force_login(counsellor)
    response = client.post(
        sheet_url(unit), {"cells": cells_payload((matti, "2025-11-03", "present", ""))}
    )
    assert response.status_code == 302
