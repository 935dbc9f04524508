"""Demo organisations and users: the four units of the seed publication, in today's structure.

Called by ``python manage.py demo_data`` (``kuty/management/commands/demo_data.py``), which
adds the later apps' demo data on top. Every step goes through the upsert services, so running
it again changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User

from .models import (
    ClosureDay,
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    Role,
    Unit,
)
from .services import (
    closure_day_upsert,
    employment_authority_upsert,
    group_upsert,
    municipality_upsert,
    organiser_upsert,
    project_upsert,
    role_assignment_grant,
    unit_upsert,
)

DEMO_PASSWORD = "kuty-demo-2026"  # noqa: S105 (published on purpose: demo accounts only)


@dataclass(frozen=True)
class _DemoRegion:
    key: str
    municipality: tuple[str, str]  # code, name
    organiser: tuple[str, str]
    employment_authority: tuple[str, str]
    unit: tuple[str, str]
    groups: tuple[tuple[str, str], ...]  # name, description


_REGIONS = (
    _DemoRegion(
        key="forssa",
        municipality=("061", "Forssa"),
        organiser=("kanta-hame", "Kanta-Hämeen hyvinvointialue"),
        employment_authority=("forssan-seutu", "Forssan seudun työllisyysalue"),
        unit=("FORSSA-TK", "Forssan työkeskus"),
        groups=(
            (
                "Matalan kynnyksen ryhmä",
                "Kokoontuu tiistaisin ja torstaisin. Arjen taitoja, yhteinen lounas ja "
                "pieniä työtehtäviä omaan tahtiin.",
            ),
            ("Puutyöryhmä", "Puusepänverstas: korjaustyöt ja tilaustuotteet asiakkaille."),
        ),
    ),
    _DemoRegion(
        key="lahti",
        municipality=("398", "Lahti"),
        organiser=("paijat-hame", "Päijät-Hämeen hyvinvointialue"),
        employment_authority=("lahden-seutu", "Lahden seudun työllisyysalue"),
        unit=("LAHTI-TTK", "Lahden työtoimintakeskus"),
        groups=(
            (
                "Keittiöryhmä",
                "Lounaskahvilan keittiö ja salityöt, hygieniapassiin valmentautuminen.",
            ),
            ("Tekstiiliryhmä", "Ompelu, kierrätysmateriaalien tuotteet ja pienkorjaukset."),
        ),
    ),
    _DemoRegion(
        key="porvoo",
        municipality=("638", "Porvoo"),
        organiser=("ita-uusimaa", "Itä-Uudenmaan hyvinvointialue"),
        employment_authority=("ita-uusimaa", "Itä-Uudenmaan työllisyysalue"),
        unit=("PORVOO-PTK", "Porvoon päivätoimintakeskus"),
        groups=(
            (
                "Matalan kynnyksen ryhmä",
                "Kaksi kertaa viikossa: kuulumiset, ulkoilu ja yhdessä tekeminen.",
            ),
            ("Kädentaitoryhmä", "Askartelu, kortit ja myyjäistuotteet."),
        ),
    ),
    _DemoRegion(
        key="salo",
        municipality=("734", "Salo"),
        organiser=("varsinais-suomi", "Varsinais-Suomen hyvinvointialue"),
        employment_authority=("salon-seutu", "Salon seudun työllisyysalue"),
        unit=("SALO-TK", "Salon työkeskus"),
        groups=(
            ("Puutyöryhmä", "Huonekalujen kunnostus ja pienpuusepäntyöt."),
            ("Kiinteistöhuoltoryhmä", "Piha- ja kiinteistötyöt työvalmentajan kanssa."),
        ),
    ),
)

_CHRISTMAS_BREAK = "Joulun ja uudenvuoden välinen tauko"

_PROJECT = {
    "code": "KYVYT",
    "name": "Kyvyt käyttöön",
    "funder": "ESF+",
    "start_date": datetime.date(2024, 1, 1),
    "end_date": datetime.date(2027, 12, 31),
}


@dataclass(frozen=True)
class DemoOrganisations:
    """What the demo created, by region key (``forssa``, ``lahti``, ``porvoo``, ``salo``)."""

    municipalities: dict[str, Municipality]
    organisers: dict[str, Organiser]
    employment_authorities: dict[str, EmploymentAuthority]
    units: dict[str, Unit]
    groups: dict[str, list[Group]]
    closure_days: dict[str, list[ClosureDay]]
    project: Project


@dataclass(frozen=True)
class DemoUsers:
    counsellor: User
    unit_manager: User
    project_manager: User
    municipal_official: User
    administrator: User

    def all(self) -> list[User]:
        return [
            self.counsellor,
            self.unit_manager,
            self.project_manager,
            self.municipal_official,
            self.administrator,
        ]


def christmas_closure_days(year: int) -> list[datetime.date]:
    """The weekdays between Christmas (26.12.) and New Year's Day: no holidays, units closed."""
    days = (datetime.date(year, 12, day) for day in range(27, 32))
    return [day for day in days if day.weekday() < 5]


def create_demo_organisations() -> DemoOrganisations:
    """The four seed units under their wellbeing services counties, and the KYVYT project."""
    year = timezone.localdate().year
    municipalities: dict[str, Municipality] = {}
    organisers: dict[str, Organiser] = {}
    authorities: dict[str, EmploymentAuthority] = {}
    units: dict[str, Unit] = {}
    groups: dict[str, list[Group]] = {}
    closure_days: dict[str, list[ClosureDay]] = {}
    for region in _REGIONS:
        code, name = region.municipality
        municipalities[region.key], _ = municipality_upsert(code=code, name=name)
        code, name = region.organiser
        organisers[region.key], _ = organiser_upsert(code=code, name=name)
        code, name = region.employment_authority
        authorities[region.key], _ = employment_authority_upsert(code=code, name=name)
        code, name = region.unit
        unit, _ = unit_upsert(
            code=code,
            name=name,
            organiser=organisers[region.key],
            municipality=municipalities[region.key],
        )
        units[region.key] = unit
        groups[region.key] = [
            group_upsert(unit=unit, name=group_name, description=description)[0]
            for group_name, description in region.groups
        ]
        closure_days[region.key] = [
            closure_day_upsert(unit=unit, date=day, reason=_CHRISTMAS_BREAK)[0]
            for day in christmas_closure_days(year)
        ]
    project, _ = project_upsert(**_PROJECT, units=list(units.values()))
    return DemoOrganisations(
        municipalities=municipalities,
        organisers=organisers,
        employment_authorities=authorities,
        units=units,
        groups=groups,
        closure_days=closure_days,
        project=project,
    )


def _demo_user(
    username: str, first_name: str, last_name: str, title: str, *, admin: bool = False
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.invalid",
            title=title,
            is_staff=admin,
            is_superuser=admin,
        )
    return user


def create_demo_users(organisations: DemoOrganisations) -> DemoUsers:
    """One demo user per role, password :data:`DEMO_PASSWORD`.

    The counsellor works in two units (Lahti and Forssa) to show a user with roles in several
    places; the administrator can also use the Django admin.
    """
    units = organisations.units
    counsellor = _demo_user("demo-ohjaaja", "Sanna", "Virtanen", "Työvalmentaja")
    for key in ("lahti", "forssa"):
        role_assignment_grant(user=counsellor, role=Role.COUNSELLOR, unit=units[key])

    unit_manager = _demo_user("demo-esimies", "Markku", "Laine", "Palveluesimies")
    role_assignment_grant(user=unit_manager, role=Role.UNIT_MANAGER, unit=units["lahti"])

    project_manager = _demo_user("demo-projekti", "Kaisa", "Heikkinen", "Projektipäällikkö")
    role_assignment_grant(
        user=project_manager, role=Role.PROJECT_MANAGER, project=organisations.project
    )

    official = _demo_user("demo-kunta", "Jari", "Nieminen", "Työllisyyspalvelujen päällikkö")
    role_assignment_grant(
        user=official,
        role=Role.MUNICIPAL_OFFICIAL,
        municipality=organisations.municipalities["lahti"],
    )

    administrator = _demo_user("demo-yllapito", "Tiina", "Koskinen", "Pääkäyttäjä", admin=True)
    role_assignment_grant(user=administrator, role=Role.ADMINISTRATOR)

    return DemoUsers(
        counsellor=counsellor,
        unit_manager=unit_manager,
        project_manager=project_manager,
        municipal_official=official,
        administrator=administrator,
    )


def demo_data_exists() -> bool:
    """True once the demo has run (its counsellor exists)."""
    return User.objects.filter(username="demo-ohjaaja").exists()
