"""``manage.py add_user USERNAME --role ROLE [--scope CODE]`` (interfaces.md §6), as a person
setting up a deployment meets it, and the service behind it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import User
from audit.models import AccessLogEntry, Action
from organisations.models import RoleAssignment
from organisations.services import user_add_role
from tests.organisations.factories import (
    MunicipalityFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lahti(db):  # type: ignore[no-untyped-def]
    return UnitFactory(code="LAHTI", name="Lahden työtoimintakeskus")


def add_user(*args: str) -> tuple[str, str]:
    """The command's standard output and error; fails the test if the command fails."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("add_user", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def add_user_fails(*args: str) -> CommandError:
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command("add_user", *args, stdout=StringIO(), stderr=StringIO())
    return failure.value


def roles_of(username: str) -> list[tuple[str, str]]:
    return sorted(
        (a.role, str(a.unit or a.project or a.municipality or ""))
        for a in RoleAssignment.objects.filter(user__username=username).select_related(
            "unit", "project", "municipality"
        )
    )


def test_a_new_counsellor_is_created_with_the_role_and_no_usable_password(lahti):
    out, err = add_user(
        "anna",
        "--role",
        "counsellor",
        "--scope",
        "LAHTI",
        "--first-name",
        "Anna",
        "--last-name",
        "Aalto",
        "--email",
        "anna@example.invalid",
    )

    user = User.objects.get(username="anna")
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Aalto",
        "anna@example.invalid",
    )
    assert not user.has_usable_password()
    assert user.is_active
    assert roles_of("anna") == [("counsellor", "Lahden työtoimintakeskus")]
    assert "Created the user anna." in out
    assert "Gave anna the role counsellor in unit LAHTI." in out
    assert err == ""
    entry = AccessLogEntry.objects.get(object_id=str(user.uuid))
    assert entry.action == Action.CREATE
    assert entry.user is None
    assert entry.username == "add_user"
    assert entry.object_type == "accounts.user"
    assert entry.detail == "user created; role counsellor for scope unit LAHTI given"
    assert entry.client_uuid is None


def test_the_same_call_twice_changes_nothing_and_says_so(lahti):
    args = ("anna", "--role", "unit_manager", "--scope", "LAHTI", "--first-name", "Anna")
    add_user(*args)
    user = User.objects.get(username="anna")
    logged = AccessLogEntry.objects.count()

    out, _err = add_user(*args)

    assert out.strip() == "Nothing changed: anna already has the role unit_manager in unit LAHTI."
    assert User.objects.get(username="anna").password == user.password
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert AccessLogEntry.objects.count() == logged  # nothing done, nothing logged


def test_an_existing_user_gets_another_role_logged_as_a_change(lahti):
    anna = UserFactory(username="anna", first_name="Anna")
    RoleAssignmentFactory(user=anna, role="counsellor", unit=lahti)
    password = anna.password
    ProjectFactory(code="KYVYT", name="Kyvyt käyttöön", units=[lahti])

    out, _err = add_user("anna", "--role", "project_manager", "--scope", "KYVYT")

    assert roles_of("anna") == [
        ("counsellor", "Lahden työtoimintakeskus"),
        ("project_manager", "Kyvyt käyttöön"),
    ]
    assert "Created" not in out
    assert "Gave anna the role project_manager in project KYVYT." in out
    anna.refresh_from_db()
    assert anna.password == password  # an existing user keeps their password
    entry = AccessLogEntry.objects.get(object_id=str(anna.uuid))
    assert (entry.action, entry.username) == (Action.CHANGE, "add_user")
    assert entry.detail == "role project_manager for scope project KYVYT given"


def test_municipal_official_and_administrator(db):
    MunicipalityFactory(code="398", name="Lahti")

    add_user("erkki", "--role", "municipal_official", "--scope", "398")
    out, _err = add_user("fiona", "--role", "administrator")
    again, _err = add_user("fiona", "--role", "administrator")

    assert roles_of("erkki") == [("municipal_official", "Lahti (398)")]
    assert roles_of("fiona") == [("administrator", "")]
    assert "Gave fiona the role administrator." in out
    assert again.startswith("Nothing changed")
    admin_entry = AccessLogEntry.objects.get(object_id=str(User.objects.get(username="fiona").uuid))
    assert admin_entry.detail == "user created; role administrator given"


def test_password_from_the_environment(lahti, monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "Kesä-ilta-2026-pitkä")

    add_user(
        "anna", "--role", "counsellor", "--scope", "LAHTI", "--password-from-env", "NEW_PASSWORD"
    )

    assert User.objects.get(username="anna").check_password("Kesä-ilta-2026-pitkä")


def test_a_password_is_never_changed_for_an_existing_user(lahti, monkeypatch):
    anna = UserFactory(username="anna")
    monkeypatch.setenv("NEW_PASSWORD", "Kesä-ilta-2026-pitkä")

    _out, err = add_user(
        "anna", "--role", "counsellor", "--scope", "LAHTI", "--password-from-env", "NEW_PASSWORD"
    )

    assert "password was not changed" in err
    assert not User.objects.get(pk=anna.pk).check_password("Kesä-ilta-2026-pitkä")


def test_changed_details_of_an_existing_user_are_saved_and_logged(lahti):
    add_user("anna", "--role", "counsellor", "--scope", "LAHTI", "--email", "old@example.invalid")

    out, _err = add_user(
        "anna", "--role", "counsellor", "--scope", "LAHTI", "--email", "new@example.invalid"
    )

    assert User.objects.get(username="anna").email == "new@example.invalid"
    assert "Changed --email of anna." in out
    assert AccessLogEntry.objects.filter(action=Action.CHANGE, detail="email changed").count() == 1


def test_an_unknown_scope_exits_1_and_saves_nothing(lahti):
    failure = add_user_fails("anna", "--role", "counsellor", "--scope", "PORVOO")

    assert failure.returncode == 1
    assert "No unit has the code “PORVOO”." in str(failure)
    assert not User.objects.filter(username="anna").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "janitor", "--scope", "LAHTI"], "Give the role with --role"),
        ([], "Give the role with --role"),
        (["--role", "counsellor"], "needs --scope"),
        (["--role", "project_manager"], "needs --scope"),
        (["--role", "administrator", "--scope", "LAHTI"], "has no scope"),
        (["--role", "municipal_official", "--scope", "Lahti"], "three digits"),
        (["--role", "counsellor", "--scope", "LAHTI", "--email", "not-an-address"], "--email"),
        (
            ["--role", "counsellor", "--scope", "LAHTI", "--password-from-env", "NO_SUCH_VAR"],
            "NO_SUCH_VAR is not set",
        ),
    ],
)
def test_bad_options_exit_2_and_save_nothing(lahti, args, message, monkeypatch):
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)

    failure = add_user_fails("anna", *args)

    assert failure.returncode == 2
    assert message in str(failure)
    assert not User.objects.filter(username="anna").exists()
    assert not AccessLogEntry.objects.exists()


def test_a_weak_password_exits_2(lahti, monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "12345")

    failure = add_user_fails(
        "anna", "--role", "counsellor", "--scope", "LAHTI", "--password-from-env", "NEW_PASSWORD"
    )

    assert failure.returncode == 2
    assert failure.args[0].startswith("--password-from-env: ")
    assert not User.objects.filter(username="anna").exists()


def test_the_service_refuses_a_scope_of_the_wrong_kind(lahti):
    """What the in-app user management gets: a message on the scope field."""
    with translation.override("en"), pytest.raises(ValidationError) as failure:
        user_add_role(username="anna", role="municipal_official", scope=lahti, actor_name="test")

    assert "scope" in failure.value.message_dict
    assert not User.objects.filter(username="anna").exists()


def test_the_service_logs_the_signed_in_actor(lahti):
    admin = UserFactory(username="fiona")

    result = user_add_role(username="anna", role="counsellor", scope=lahti, actor=admin)

    assert result.user_created
    assert result.role_added
    entry = AccessLogEntry.objects.get(object_id=str(result.user.uuid))
    assert (entry.user, entry.username) == (admin, "fiona")
