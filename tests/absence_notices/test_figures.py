"""The figures of a notice from a known half-month of attendance, who needs a notice (the
payer), and when one is due, overdue, sent or needs a correction."""

from __future__ import annotations

import pytest

from absence_notices.selectors import (
    Fortnight,
    NoticeStatus,
    notice_summaries,
    notices_for_units,
    recent_fortnights,
)
from absence_notices.services import notices_mark_sent
from clients.models import Benefit
from guidance.models import AttendanceRecord, AttendanceStatus
from tests.absence_notices.conftest import JANUARY_1, D, kela_client, mon_to_thu, record

pytestmark = pytest.mark.django_db


TODAY = D(2025, 1, 20)


def notices(unit, today=TODAY):  # type: ignore[no-untyped-def]
    return notices_for_units(units=[unit], fortnights=[JANUARY_1], today=today)


def test_the_half_months_are_the_1st_to_14th_and_the_15th_to_the_end():
    assert (Fortnight.of(2025, 1, 1).first, Fortnight.of(2025, 1, 1).last) == (
        D(2025, 1, 1),
        D(2025, 1, 14),
    )
    assert (Fortnight.of(2025, 2, 2).first, Fortnight.of(2025, 2, 2).last) == (
        D(2025, 2, 15),
        D(2025, 2, 28),
    )
    assert Fortnight.containing(D(2025, 3, 1)).previous == Fortnight.of(2025, 2, 2)
    assert str(Fortnight.of(2025, 1, 2)) == "15.1.–31.1.2025"
    with pytest.raises(ValueError, match="half-month"):
        Fortnight.of(2025, 1, 3)


def test_the_figures_of_the_first_half_of_january(matti_period, alice):
    [notice] = notices(matti_period.unit)
    figures = notice.figures

    assert notice.client == matti_period.client
    assert figures.client_name == "Virtanen Matti"
    assert figures.payer == "kela"
    assert figures.planned == ["2025-01-02", "2025-01-07", "2025-01-08", "2025-01-13", "2025-01-14"]
    assert figures.planned_count == 5
    assert figures.present_count == 2
    assert figures.absent_count == 2
    assert {line.code: line.count for line in figures.absences} == {
        "sick": 1,
        "sick_certified": 0,
        "child_sick": 1,
        "job_interview": 0,
        "office_of_trust": 0,
        "unjustified": 0,
    }
    assert figures.not_organised_count == 2
    assert figures.unrecorded_dates == [D(2025, 1, 14)]
    assert "2025-01-15" not in figures.days  # the second half's
    assert (figures.counsellor_name, figures.counsellor_email, figures.counsellor_phone) == (
        "Alice Ohjaaja",
        "alice@example.invalid",
        "044 555 0101",
    )


@pytest.mark.parametrize(
    ("benefit", "payer"),
    [
        (Benefit.LABOUR_MARKET_SUBSIDY, "kela"),
        (Benefit.BASIC_ALLOWANCE, "kela"),
        (Benefit.EARNINGS_RELATED, "fund"),
        (Benefit.SOCIAL_ASSISTANCE, None),  # toimintaraha: the organiser pays, no notice
        (Benefit.NONE, None),
        (Benefit.UNKNOWN, None),
    ],
)
def test_the_payer_follows_the_benefit_and_no_payer_needs_no_notice(unit, alice, benefit, payer):
    client = kela_client(unit, alice, first="Liisa", last="Aalto", benefit=benefit)
    record(mon_to_thu(client, unit), D(2025, 1, 7), AttendanceStatus.SICK)

    found = notices(unit)

    assert [n.figures.payer for n in found] == ([payer] if payer else [])


def test_the_periods_benefit_goes_before_the_clients(unit, alice):
    client = kela_client(
        unit, alice, first="Liisa", last="Aalto", benefit=Benefit.SOCIAL_ASSISTANCE
    )
    mon_to_thu(client, unit, benefit=Benefit.EARNINGS_RELATED)

    assert [n.figures.payer for n in notices(unit)] == ["fund"]


def test_a_draft_period_or_one_outside_the_half_month_needs_no_notice(unit, alice):
    liisa = kela_client(unit, alice, first="Liisa", last="Aalto")
    mon_to_thu(liisa, unit, status="draft")
    eero = kela_client(unit, alice, first="Eero", last="Erkkilä")
    mon_to_thu(eero, unit, start_date=D(2025, 1, 15))

    assert notices(unit) == []


def test_due_after_the_half_month_then_overdue_after_seven_days(matti_period):
    unit = matti_period.unit
    assert notices(unit, today=D(2025, 1, 21))[0].status == NoticeStatus.DUE
    assert notices(unit, today=D(2025, 1, 22))[0].status == NoticeStatus.OVERDUE
    # The lists only take half-months that have ended.
    assert JANUARY_1 not in recent_fortnights(D(2025, 1, 14))
    assert recent_fortnights(D(2025, 1, 15))[0] == JANUARY_1


def test_the_overdue_days_are_a_setting(matti_period, settings):
    settings.ABSENCE_NOTICE_OVERDUE_DAYS = 3
    assert notices(matti_period.unit, today=D(2025, 1, 18))[0].status == NoticeStatus.OVERDUE


def test_sent_then_a_change_on_the_sheet_makes_a_correction_due(matti_period, dora):
    unit = matti_period.unit
    [sent] = notices_mark_sent(unit=unit, fortnight=JANUARY_1, actor=dora, today=D(2025, 1, 20))
    assert notices(unit)[0].status == NoticeStatus.SENT
    # Marking again sends nothing: the notice has not changed.
    assert notices_mark_sent(unit=unit, fortnight=JANUARY_1, actor=dora, today=D(2025, 1, 20)) == []

    AttendanceRecord.objects.filter(period=matti_period, date=D(2025, 1, 7)).update(
        status=AttendanceStatus.SICK_CERTIFIED
    )
    [notice] = notices(unit)
    assert notice.status == NoticeStatus.CORRECTION_DUE
    [correction] = notices_mark_sent(
        unit=unit, fortnight=JANUARY_1, actor=dora, today=D(2025, 1, 25)
    )

    assert correction.correction_of == sent
    assert correction.is_correction
    assert not sent.is_correction
    sent.refresh_from_db()
    assert sent.figures["days"]["2025-01-07"] == "sick"  # kept as it was sent
    assert correction.figures["days"]["2025-01-07"] == "sick_certified"
    assert notices(unit)[0].status == NoticeStatus.SENT


def test_a_half_month_that_has_not_ended_is_not_marked_sent(matti_period, dora):
    assert (
        notices_mark_sent(
            unit=matti_period.unit, fortnight=JANUARY_1, actor=dora, today=D(2025, 1, 14)
        )
        == []
    )


def _summaries(unit, other_unit, today):  # type: ignore[no-untyped-def]
    found = notice_summaries(units=[unit, other_unit], today=today)
    return sorted(found, key=lambda s: s.unit != unit)


def test_the_home_summary_counts_per_unit(matti_period, other_unit, alice, settings):
    unit = matti_period.unit
    liisa = kela_client(unit, alice, first="Liisa", last="Aalto")
    mon_to_thu(liisa, unit)

    # Their periods started on 1.10.2024: the look-back of 92 days from 25.1.2025 reaches the
    # half-months from 15.–31.10., six for each of the two.
    summary, other = _summaries(unit, other_unit, D(2025, 1, 25))
    assert (summary.due, summary.overdue, summary.corrections) == (0, 12, 0)
    assert not other.any

    # The unit sends its notices from KUTY from 1.1.2025; 1.–14.1. is overdue on 25.1.
    settings.ABSENCE_NOTICES_FROM = "2025-01-01"
    summary, other = _summaries(unit, other_unit, D(2025, 1, 25))
    assert (summary.due, summary.overdue, summary.corrections) == (0, 2, 0)
    summary, other = _summaries(unit, other_unit, D(2025, 1, 20))
    assert (summary.due, summary.overdue, summary.corrections) == (2, 0, 0)
