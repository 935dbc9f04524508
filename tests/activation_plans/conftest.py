"""Users around one unit's client: the owner counsellor (alice, tests/conftest.py), a
read-only project manager (bob), an outsider counsellor (charlie, tests/conftest.py), a unit
manager (dora) and a municipal official (erkki)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.clients.factories import ClientFactory
from tests.conftest import need_service
from tests.organisations.factories import (
    EmploymentAuthorityFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UserFactory,
)

# The printable plan is Finnish: its strings (context "plan PDF") are in the project's catalogue.
FINNISH_PO = Path(__file__).resolve().parents[2] / "locale/fi/LC_MESSAGES/django.po"


@pytest.fixture(scope="session")
def compiled_finnish_locale(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The project's Finnish catalogue compiled into a temporary locale directory, so that a
    plain ``pytest`` run (without ``make messages``) can check the Finnish PDF without
    leaving a compiled catalogue behind for the rest of the run."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None or not FINNISH_PO.exists():
        need_service("msgfmt (gettext) and locale/fi/LC_MESSAGES/django.po")
    locale_dir = tmp_path_factory.mktemp("locale")
    target = locale_dir / "fi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(msgfmt), "-o", str(target / "django.mo"), str(FINNISH_PO)], check=True
    )
    return locale_dir


@pytest.fixture
def finnish_catalogue(compiled_finnish_locale):  # type: ignore[no-untyped-def]
    """Translations come from the compiled catalogue for the test (a changed LOCALE_PATHS
    makes Django load its catalogues again, before and after)."""
    with override_settings(LOCALE_PATHS=[compiled_finnish_locale]):
        yield


@pytest.fixture
def project_manager(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="bob")
    RoleAssignmentFactory(user=user, role="project_manager", project=ProjectFactory(units=[unit]))
    return user


@pytest.fixture
def unit_manager(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="dora")
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    return user


@pytest.fixture
def official(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="erkki")
    RoleAssignmentFactory(user=user, role="municipal_official", municipality=unit.municipality)
    return user


@pytest.fixture
def kuty_client(unit, counsellor):  # type: ignore[no-untyped-def]
    """A client of ``unit`` whose responsible counsellor is alice, with entry data."""
    return ClientFactory(
        registered_unit=unit,
        responsible_counsellor=counsellor,
        first_name="Maija",
        last_name="Meikäläinen",
        benefit="labour_market_subsidy",
        labour_market_status="long_term_unemployed",
        education="isced_0_2",
        foreign_background="no",
        homeless="declined",
    )


@pytest.fixture
def authority(db):  # type: ignore[no-untyped-def]
    return EmploymentAuthorityFactory(name="Helsingin työllisyyspalvelut")


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _english_pages(client, settings):  # type: ignore[no-untyped-def]
    """Pages in English, so that assertions read the source strings whatever catalogues
    exist; the printable plan is Finnish regardless (it renders with override("fi"))."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
