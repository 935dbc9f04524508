import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from organisations.models import (
    EmploymentAuthority,
    Group,
    Municipality,
    Organiser,
    Project,
    RoleAssignment,
    Unit,
)

PASSWORD = "Salasana-123"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 900) + 100:03d}")
    name = factory.Sequence(lambda n: f"Kunta {n}")


class OrganiserFactory(DjangoModelFactory):
    class Meta:
        model = Organiser
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"Hyvinvointialue {n}")


class EmploymentAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = EmploymentAuthority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ea{n}")
    name = factory.Sequence(lambda n: f"Työllisyysalue {n}")


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"Työkeskus {n}")
    organiser = factory.SubFactory(OrganiserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Ryhmä {n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"proj{n}")
    name = factory.Sequence(lambda n: f"Hanke {n}")
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2027, 12, 31)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.units.set(extracted)


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "counsellor"
