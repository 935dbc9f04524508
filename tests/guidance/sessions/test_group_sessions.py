"""Group sessions: one screen with the roster, ticks and private notes saved at once; each
note reaches only that client's own record; attendance marked present on request."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from guidance.models import (
    AttendanceMonthLock,
    AttendanceRecord,
    AttendanceStatus,
    GroupSession,
    GroupSessionParticipant,
)
from guidance.session_services import (
    RosterLine,
    attendance_mark_present,
    group_session_create,
)
from guidance.timeline import client_timeline
from tests.clients.factories import ClientFactory
from tests.guidance.sessions.conftest import active_period
from tests.guidance.sessions.factories import (
    AttendanceRecordFactory,
    GroupMembershipFactory,
    GroupSessionFactory,
    ParticipantFactory,
    at,
)

pytestmark = pytest.mark.django_db

NOTE_A = "Aino jännitti ryhmää mutta osallistui keskusteluun."
NOTE_B = "Bertta lähti kesken, sovittu yksilötapaaminen."


@pytest.fixture
def members(group, unit, today):  # type: ignore[no-untyped-def]
    """Aino and Bertta with periods in the unit, Cecilia a member without a period, and Ville
    whose membership ended last week (not on today's roster)."""
    aino = ClientFactory(registered_unit=unit, first_name="Aino", last_name="Aalto")
    bertta = ClientFactory(registered_unit=unit, first_name="Bertta", last_name="Berg")
    cecilia = ClientFactory(registered_unit=unit, first_name="Cecilia", last_name="Carlsson")
    ville = ClientFactory(registered_unit=unit, first_name="Ville", last_name="Virta")
    for person in (aino, bertta, cecilia):
        GroupMembershipFactory(group=group, client=person)
    GroupMembershipFactory(
        group=group,
        client=ville,
        start_date=today - datetime.timedelta(days=90),
        end_date=today - datetime.timedelta(days=7),
    )
    active_period(aino, unit, today)
    active_period(bertta, unit, today, hours_per_day=Decimal("4.5"), days_per_week=2)
    return {"aino": aino, "bertta": bertta, "cecilia": cecilia, "ville": ville}


def create_url(group) -> str:  # type: ignore[no-untyped-def]
    return reverse("guidance:group_session_create", kwargs={"code": group.uuid})


def session_data(counsellor, day: datetime.date, members, **overrides):  # type: ignore[no-untyped-def]
    aino, bertta = members["aino"].uuid.hex, members["bertta"].uuid.hex
    data = {
        "date": day.isoformat(),
        "time": "13:00",
        "duration_minutes": "90",
        "topic": "Arjen taidot",
        "counsellors": [counsellor.pk],
        f"took_part_{aino}": "on",
        f"note_{aino}": NOTE_A,
        f"took_part_{bertta}": "on",
        f"note_{bertta}": NOTE_B,
    }
    data.update(overrides)
    return data


def test_the_roster_is_the_groups_members_on_that_day(client, counsellor, group, members, today):
    client.force_login(counsellor)
    response = client.get(create_url(group), {"date": today.isoformat()})
    assert response.status_code == 200
    names = [row.client.first_name for row in response.context["form"].rows()]
    assert names == ["Aino", "Bertta", "Cecilia"]
    earlier = today - datetime.timedelta(days=10)
    response = client.get(create_url(group), {"date": earlier.isoformat()})
    names = [row.client.first_name for row in response.context["form"].rows()]
    assert names == ["Aino", "Bertta", "Cecilia", "Ville"]
    body = response.content.decode()
    assert 'scope="row"' in body
    assert "<legend" in body
    assert "Aalto Aino took part" in body


def test_one_post_saves_the_session_and_the_whole_roster(client, counsellor, group, members, today):
    client.force_login(counsellor)
    response = client.post(create_url(group), session_data(counsellor, today, members))

    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "guidance:group_session_detail", kwargs={"code": session.uuid}
    )
    assert session.starts_at == at(today, 13)
    assert list(session.counsellors.all()) == [counsellor]
    lines = {line.client.first_name: line for line in session.roster.select_related("client")}
    assert set(lines) == {"Aino", "Bertta", "Cecilia"}
    assert (lines["Aino"].took_part, lines["Aino"].note) == (True, NOTE_A)
    assert (lines["Bertta"].took_part, lines["Bertta"].note) == (True, NOTE_B)
    assert (lines["Cecilia"].took_part, lines["Cecilia"].note) == (False, "")
    # One access-log row per client on the roster.
    logged = AccessLogEntry.objects.filter(action=Action.CREATE, object_id=str(session.uuid))
    assert sorted(logged.values_list("client_uuid", flat=True)) == sorted(
        members[name].uuid for name in ("aino", "bertta", "cecilia")
    )
    assert not AttendanceRecord.objects.exists()  # not asked for


def test_a_note_is_shown_only_in_that_clients_own_record(client, counsellor, group, members, today):
    client.force_login(counsellor)
    client.post(create_url(group), session_data(counsellor, today, members))
    session = GroupSession.objects.get()

    aino_timeline = client_timeline(members["aino"], counsellor)
    bertta_timeline = client_timeline(members["bertta"], counsellor)
    assert [entry.note for entry in aino_timeline] == [NOTE_A]
    assert [entry.note for entry in bertta_timeline] == [NOTE_B]

    page = client.get(reverse("guidance:client_timeline", kwargs={"client": members["aino"].uuid}))
    assert NOTE_A in page.content.decode()
    assert NOTE_B not in page.content.decode()

    detail = client.get(reverse("guidance:group_session_detail", kwargs={"code": session.uuid}))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Aalto" in body
    assert "Berg" in body
    assert NOTE_A not in body
    assert NOTE_B not in body

    edit = client.get(reverse("guidance:group_session_edit", kwargs={"code": session.uuid}))
    assert edit.status_code == 200
    assert NOTE_A not in edit.content.decode()
    assert NOTE_B not in edit.content.decode()


def test_mark_present_writes_the_days_attendance_for_those_who_took_part(
    client, counsellor, group, members, today
):
    aino_period = members["aino"].periods.get()
    bertta_period = members["bertta"].periods.get()
    AttendanceRecordFactory(
        period=bertta_period, date=today, status=AttendanceStatus.SICK, hours=Decimal(0)
    )
    client.force_login(counsellor)
    cecilia = members["cecilia"].uuid.hex
    data = session_data(counsellor, today, members, mark_present="on")
    data[f"took_part_{cecilia}"] = "on"  # took part, but has no period: nothing to mark
    response = client.post(create_url(group), data, follow=True)

    assert response.status_code == 200
    records = {r.period_id: r for r in AttendanceRecord.objects.filter(date=today)}
    assert set(records) == {aino_period.pk, bertta_period.pk}
    assert records[aino_period.pk].status == AttendanceStatus.PRESENT
    assert records[aino_period.pk].hours == Decimal(6)
    assert records[aino_period.pk].updated_by == counsellor
    assert records[bertta_period.pk].status == AttendanceStatus.PRESENT  # was sick
    assert records[bertta_period.pk].hours == Decimal("4.5")
    assert AccessLogEntry.objects.filter(
        client_uuid=members["aino"].uuid, detail__contains="marked present"
    ).exists()


def test_mark_present_also_on_a_day_that_is_not_a_planned_weekday(
    counsellor, group, members, today
):
    """Aino's planned days are Mon/Wed/Fri; a Tuesday session still marks her present."""
    tuesday = today - datetime.timedelta(days=(today.weekday() - 1) % 7)
    result = group_session_create(
        user=counsellor,
        group=group,
        starts_at=at(tuesday, 13),
        duration_minutes=60,
        topic="Tiistairyhmä",
        counsellors=[counsellor],
        roster=[RosterLine(client=members["aino"], took_part=True)],
        mark_present=True,
    )
    assert result.attendance_marked == 1
    record = AttendanceRecord.objects.get()
    assert (record.date, record.status) == (tuesday, AttendanceStatus.PRESENT)


def test_mark_present_is_refused_in_a_locked_month_and_in_the_future(
    counsellor, group, members, today
):
    roster = [RosterLine(client=members["aino"], took_part=True)]
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        group_session_create(
            user=counsellor,
            group=group,
            starts_at=at(tomorrow, 13),
            duration_minutes=60,
            topic="Huomenna",
            counsellors=[counsellor],
            roster=roster,
            mark_present=True,
        )
    assert "mark_present" in error.value.message_dict
    AttendanceMonthLock.objects.create(
        unit=group.unit, month=today.replace(day=1), locked_by=counsellor
    )
    with pytest.raises(ValidationError) as error:
        group_session_create(
            user=counsellor,
            group=group,
            starts_at=at(today, 13),
            duration_minutes=60,
            topic="Lukittu kuukausi",
            counsellors=[counsellor],
            roster=roster,
            mark_present=True,
        )
    assert "mark_present" in error.value.message_dict
    assert not GroupSession.objects.exists()
    assert not AttendanceRecord.objects.exists()


def test_marking_present_writes_in_bulk_whatever_the_number_of_clients(
    counsellor, group, unit, today, django_assert_num_queries
):
    def clients_with_periods(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            person = ClientFactory(registered_unit=unit)
            period = active_period(person, unit, today)
            ids.append(person.pk)
        AttendanceRecordFactory(period=period, status=AttendanceStatus.SICK)
        return ids

    few, many = clients_with_periods(2), clients_with_periods(8)
    # Read the periods, read the day's records, one insert-or-update of them all; count the
    # clients' busy weeks again (three queries, guidance.busy_weeks.refresh: none is busy)
    # and their monthly totals (six, reporting.attendance_totals.refresh, the dated weekly
    # cap included); then the access log's rows, one per client in one insert.
    with django_assert_num_queries(3 + 3 + 6 + 1):
        marked = attendance_mark_present(user=counsellor, group=group, day=today, client_ids=few)
    assert len(marked) == 2
    with django_assert_num_queries(3 + 3 + 6 + 1):
        marked = attendance_mark_present(user=counsellor, group=group, day=today, client_ids=many)
    assert len(marked) == 8
    assert AttendanceRecord.objects.filter(status=AttendanceStatus.PRESENT).count() == 10
    with django_assert_num_queries(2):  # all present already: nothing to write
        assert (
            attendance_mark_present(user=counsellor, group=group, day=today, client_ids=many) == []
        )


def test_someone_not_on_the_roster_cannot_be_added(counsellor, group, members, today):
    stranger = ClientFactory(registered_unit=group.unit)
    with pytest.raises(ValidationError):
        group_session_create(
            user=counsellor,
            group=group,
            starts_at=at(today, 13),
            duration_minutes=60,
            topic="Ryhmä",
            counsellors=[counsellor],
            roster=[RosterLine(client=stranger, took_part=True)],
        )
    # A ticked field for a non-member in the POST is simply not part of the form.
    assert not GroupSessionParticipant.objects.filter(client=stranger).exists()


def test_editing_keeps_replaces_or_removes_notes(client, counsellor, group, members, today):
    session = GroupSessionFactory(group=group, starts_at=at(today, 13), counsellors=[counsellor])
    aino, bertta, cecilia = members["aino"], members["bertta"], members["cecilia"]
    ParticipantFactory(session=session, client=aino, note=NOTE_A)
    ParticipantFactory(session=session, client=bertta, note=NOTE_B)
    client.force_login(counsellor)
    url = reverse("guidance:group_session_edit", kwargs={"code": session.uuid})
    data = {
        "date": today.isoformat(),
        "time": "14:00",
        "duration_minutes": "60",
        "topic": "Uusi aihe",
        "counsellors": [counsellor.pk],
        f"took_part_{aino.uuid.hex}": "on",
        f"note_{aino.uuid.hex}": "",  # keeps NOTE_A
        f"note_{bertta.uuid.hex}": "",
        f"clear_note_{bertta.uuid.hex}": "on",  # removes NOTE_B; Bertta did not take part
        f"took_part_{cecilia.uuid.hex}": "on",
        f"note_{cecilia.uuid.hex}": "Uusi jäsen mukana.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    lines = {line.client_id: line for line in session.roster.all()}
    assert (lines[aino.pk].took_part, lines[aino.pk].note) == (True, NOTE_A)
    assert (lines[bertta.pk].took_part, lines[bertta.pk].note) == (False, "")
    assert (lines[cecilia.pk].took_part, lines[cecilia.pk].note) == (True, "Uusi jäsen mukana.")
    session.refresh_from_db()
    assert (session.topic, session.starts_at) == ("Uusi aihe", at(today, 14))


def test_the_group_pages_scope(
    client, counsellor, project_manager, outsider, group, members, today
):
    session = GroupSessionFactory(group=group)
    ParticipantFactory(session=session, client=members["aino"])
    pages = [
        reverse("guidance:group_detail", kwargs={"code": group.uuid}),
        reverse("guidance:group_members", kwargs={"code": group.uuid}),
        reverse("guidance:group_session_detail", kwargs={"code": session.uuid}),
    ]
    client.force_login(counsellor)
    for url in pages:
        assert client.get(url).status_code == 200
    groups = client.get(reverse("guidance:groups_list"))
    assert group.name in groups.content.decode()
    assert groups.context["groups"][0].member_count == 3

    client.force_login(project_manager)
    for url in pages:
        assert client.get(url).status_code == 200
    assert client.get(create_url(group)).status_code == 403
    assert (
        client.post(create_url(group), session_data(counsellor, today, members)).status_code == 403
    )

    client.force_login(outsider)
    for url in [*pages, create_url(group)]:
        assert client.get(url).status_code == 404
    assert (
        client.post(create_url(group), session_data(counsellor, today, members)).status_code == 404
    )
    assert group.name not in client.get(reverse("guidance:groups_list")).content.decode()
    assert GroupSession.objects.count() == 1


def test_viewing_a_group_session_logs_each_client_on_the_roster(client, counsellor, group, members):
    session = GroupSessionFactory(group=group)
    ParticipantFactory(session=session, client=members["aino"])
    ParticipantFactory(session=session, client=members["bertta"], took_part=False)
    client.force_login(counsellor)
    client.get(reverse("guidance:group_session_detail", kwargs={"code": session.uuid}))
    logged = AccessLogEntry.objects.filter(action=Action.VIEW, object_id=str(session.uuid))
    assert sorted(logged.values_list("client_uuid", flat=True)) == sorted(
        [members["aino"].uuid, members["bertta"].uuid]
    )


def test_mark_present_uses_a_period_that_has_ended_after_that_day(
    counsellor, group, members, unit, today
):
    """The session was last week; Cecilia's period ended yesterday, so that day counts."""
    last_week = today - datetime.timedelta(days=7)
    period = active_period(
        members["cecilia"],
        unit,
        today,
        status="ended",
        exit_date=today - datetime.timedelta(days=1),
        exit_reason="completed",
        destination="education",
    )
    group_session_create(
        user=counsellor,
        group=group,
        starts_at=at(last_week, 13),
        duration_minutes=60,
        topic="Viime viikko",
        counsellors=[counsellor],
        roster=[RosterLine(client=members["cecilia"], took_part=True)],
        mark_present=True,
    )
    record = AttendanceRecord.objects.get()
    assert (record.period, record.date, record.hours) == (period, last_week, period.hours_per_day)
