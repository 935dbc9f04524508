"""``data_quality.planned_days_without_record``, worked out by hand on two weeks.

Range Mon 26.5. – Sun 8.6.2025; Thursday 29.5.2025 is Ascension Day, a public holiday.

- P1 (u1, Mon–Thu): planned 26., 27., 28.5., 2.–5.6. = 7 days (29.5. is a holiday). Records:
  26. and 27.5. present, 29.5. not organised (a holiday: not a planned day), Fri 30.5. present
  (an extra day, not planned), 2.6. sick → 3 planned days recorded, 4 missing.
- P2 (u2, Mon and Wed, the unit closed on Wed 4.6.): planned 26., 28.5., 2.6. → no records,
  3 missing.
- P3 (u1, Mon–Thu, starts Tue 3.6.): planned 3.–5.6., all recorded → 0 missing.
- P4 (u3, a draft): not in the report.
Total 7; with the unit filter u1, 4.
"""

from __future__ import annotations

import pytest

from organisations.models import ClosureDay
from reporting.builders import BUILDERS
from tests.reporting.builder_data import attend, d, make_world, params, period, person

pytestmark = pytest.mark.django_db

RANGE = ("2025-05-26", "2025-06-08")


@pytest.fixture
def world():
    w = make_world()

    def someone(unit):
        return person(born=d(1980, 1, 1), sex="woman", municipality=w.helsinki, unit=unit)

    p1 = period(someone(w.u1), w.u1, d(2025, 5, 1), d(2025, 10, 31))
    attend(p1, d(2025, 5, 26), "PP.NP..S")
    period(someone(w.u2), w.u2, d(2025, 5, 1), d(2025, 10, 31), weekdays="13")
    ClosureDay.objects.create(unit=w.u2, date=d(2025, 6, 4), reason="Koulutuspäivä")
    p3 = period(someone(w.u1), w.u1, d(2025, 6, 3), d(2025, 10, 31))
    attend(p3, d(2025, 6, 3), "PPP")
    period(someone(w.u3), w.u3, d(2025, 5, 1), d(2025, 10, 31), status="draft")
    return w


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_planned_days_without_record(world, kind):
    report = BUILDERS[kind](params(kind, *RANGE))

    assert report["data_quality"]["planned_days_without_record"] == 7


def test_planned_days_without_record_follows_the_filters(world):
    report = BUILDERS["allowance"](params("allowance", *RANGE, units=["U1"]))

    assert report["data_quality"]["planned_days_without_record"] == 4
