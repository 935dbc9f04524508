"""Three users around one unit's client (STYLE.md): the owner counsellor (alice, from
tests/conftest.py), a read-only project manager (bob) and an outsider counsellor of another
unit (charlie, tests/conftest.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from clients.models import PeriodStatus
from tests.activation_plans.factories import GoalFactory, PlanFactory
from tests.clients.factories import ClientFactory, PeriodFactory
from tests.organisations.factories import (
    GroupFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _english_pages(client, settings):  # type: ignore[no-untyped-def]
    """Pages in English, so that assertions read the source strings whatever catalogues
    exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def project_manager(unit):  # type: ignore[no-untyped-def]
    """Reads the unit's clients through a project; changes nothing."""
    user = UserFactory(username="bob")
    RoleAssignmentFactory(user=user, role="project_manager", project=ProjectFactory(units=[unit]))
    return user


@pytest.fixture
def kuty_client(unit, counsellor):  # type: ignore[no-untyped-def]
    return ClientFactory(
        registered_unit=unit,
        responsible_counsellor=counsellor,
        first_name="Maija",
        last_name="Meikäläinen",
    )


def active_period(client, unit, today: datetime.date, **overrides):  # type: ignore[no-untyped-def]
    """A period running since 60 days ago, for six months, Mon/Wed/Fri, 6 h a day."""
    start = today - datetime.timedelta(days=60)
    values = {
        "client": client,
        "unit": unit,
        "status": PeriodStatus.ACTIVE,
        "start_date": start,
        "end_date": start + relativedelta(months=6),
        "weekdays": "135",
        "days_per_week": 3,
        "hours_per_day": Decimal(6),
    }
    values.update(overrides)
    return PeriodFactory(**values)


@pytest.fixture
def period(kuty_client, unit, today):  # type: ignore[no-untyped-def]
    return active_period(kuty_client, unit, today)


@pytest.fixture
def plan(period, counsellor):  # type: ignore[no-untyped-def]
    return PlanFactory(period=period, created_by=counsellor)


@pytest.fixture
def goals(plan):  # type: ignore[no-untyped-def]
    return [
        GoalFactory(plan=plan, text="Käyn työtoiminnassa sovittuina päivinä"),
        GoalFactory(plan=plan, text="Hoidan asiointia itsenäisesti"),
    ]


@pytest.fixture
def group(unit):  # type: ignore[no-untyped-def]
    return GroupFactory(unit=unit, name="Aamuryhmä")
