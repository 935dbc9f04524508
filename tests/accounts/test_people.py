"""People in the app (issue 14): invitations, roles given and taken, deactivation, as the
administrator and a unit manager meet them, and the access log of every change."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from accounts.invitations import InvitationTokenGenerator
from accounts.models import User
from audit.models import AccessLogEntry, Action
from organisations.models import RoleAssignment
from tests.guidance.sessions.factories import IndividualSessionFactory
from tests.organisations.factories import (
    PASSWORD,
    MunicipalityFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):  # type: ignore[no-untyped-def]
    """The pages in English (the catalogues get their Finnish and Swedish from the lead)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


NEW_PASSWORD = "Kuusi-Kissaa-Puussa-2026"


@pytest.fixture
def pajala(db):  # type: ignore[no-untyped-def]
    return UnitFactory(code="PAJA", name="Pajala")


@pytest.fixture
def talo(db):  # type: ignore[no-untyped-def]
    return UnitFactory(code="TALO", name="Talo")


def _person(username: str, role: str = "", **scope):  # type: ignore[no-untyped-def]
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Testaaja")
    if role:
        RoleAssignmentFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def dora(pajala):  # type: ignore[no-untyped-def]
    """The unit manager of Pajala."""
    return _person("dora", "unit_manager", unit=pajala)


@pytest.fixture
def alice(pajala):  # type: ignore[no-untyped-def]
    return _person("alice", "counsellor", unit=pajala)


@pytest.fixture
def charlie(talo):  # type: ignore[no-untyped-def]
    """A counsellor of another unit."""
    return _person("charlie", "counsellor", unit=talo)


@pytest.fixture
def fiona(db):  # type: ignore[no-untyped-def]
    return _person("fiona", "administrator")


def _link(message) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _invite(client, unit, **extra):  # type: ignore[no-untyped-def]
    data = {
        "first_name": "Ville",
        "last_name": "Virtanen",
        "email": "Ville.Virtanen@example.invalid",
        "language": "en",
        "role": "counsellor",
        "unit": unit.pk,
        **extra,
    }
    return client.post(reverse("people:invite"), data)


def _log(person: User) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(object_type="accounts.user", object_id=str(person.uuid))
        .order_by("id")
        .values_list("detail", flat=True)
    )


def _roles(person: User) -> list[tuple[str, str]]:
    return sorted(
        (a.role, a.unit.code if a.unit else "")
        for a in RoleAssignment.objects.filter(user=person).select_related("unit")
    )


# --- invitation ------------------------------------------------------------------------------


def test_an_invited_counsellor_sets_a_password_and_signs_in(client, dora, pajala):
    client.force_login(dora)
    response = _invite(client, pajala)

    ville = User.objects.get(email="Ville.Virtanen@example.invalid")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"code": ville.uuid})
    assert ville.username == "ville.virtanen@example.invalid"
    assert not ville.has_usable_password()
    assert _roles(ville) == [("counsellor", "PAJA")]
    [message] = mail.outbox
    assert message.to == ["Ville.Virtanen@example.invalid"]
    assert message.subject == "You have been invited to KUTY"
    assert "Dora Testaaja has invited you to use KUTY as counsellor (Pajala)." in message.body
    assert "The link works once, for 72 hours" in message.body
    assert "Your user name: ville.virtanen@example.invalid" in message.body
    assert _log(ville) == [
        "user created; role counsellor for scope unit PAJA given",
        "invitation sent by e-mail, valid 72 h",
    ]
    assert AccessLogEntry.objects.filter(object_id=str(ville.uuid), user=dora).count() == 2

    client.logout()
    page = client.get(_link(message), follow=True)
    assert page.context["validlink"]
    assert "ville.virtanen@example.invalid" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("login")
    assert "Your password is set" in done.content.decode()
    signed_in = client.post(
        reverse("login"),
        {"username": "ville.virtanen@example.invalid", "password": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == reverse("home_counsellor")
    assert _log(ville)[-1] == "invitation used, password set"


def test_an_invited_person_whose_role_requires_it_enrols_a_second_factor(
    client, dora, pajala, settings
):
    settings.MFA_REQUIRED_ROLES = ["counsellor"]
    client.force_login(dora)
    _invite(client, pajala)
    client.logout()
    page = client.get(_link(mail.outbox[0]), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    signed_in = client.post(
        reverse("login"),
        {"username": "ville.virtanen@example.invalid", "password": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0].startswith(reverse("mfa_enrol"))


def test_the_password_must_pass_the_validators(client, dora, pajala):
    client.force_login(dora)
    _invite(client, pajala)
    client.logout()
    page = client.get(_link(mail.outbox[0]), follow=True)
    refused = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Lyhyt-123", "new_password2": "Lyhyt-123"}
    )
    assert refused.status_code == 200
    assert "at least 12 characters" in refused.content.decode()
    assert not User.objects.get(username="ville.virtanen@example.invalid").has_usable_password()


def _later(hours: float):  # type: ignore[no-untyped-def]
    now = datetime.datetime.now() + datetime.timedelta(hours=hours)  # noqa: DTZ005 - as Django's tokens
    return mock.patch.object(InvitationTokenGenerator, "_now", return_value=now)


def test_a_link_older_than_72_hours_is_refused_and_says_so(client, dora, pajala):
    client.force_login(dora)
    _invite(client, pajala)
    client.logout()
    link = _link(mail.outbox[0])

    with _later(71.9):
        assert client.get(link, follow=True).context["validlink"]
    with _later(72.1):
        page = client.get(link, follow=True)
        assert not page.context["validlink"]
        assert page.context["link_state"] == "expired"
        assert "This invitation has expired" in page.content.decode()
        # The set-password address itself refuses the old link too.
        refused = client.post(
            page.redirect_chain[-1][0] if page.redirect_chain else link,
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert refused.status_code == 200
    assert not User.objects.get(username="ville.virtanen@example.invalid").has_usable_password()


def test_a_used_link_says_it_was_used(client, dora, pajala):
    client.force_login(dora)
    _invite(client, pajala)
    client.logout()
    link = _link(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    again = client.get(link, follow=True)
    assert again.context["link_state"] == "used"
    assert "This invitation has already been used" in again.content.decode()
    assert f'href="{reverse("login")}"' in again.content.decode()


def test_a_password_reset_link_is_not_an_invitation(client, alice):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    url = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
            "token": default_token_generator.make_token(alice),
        },
    )
    assert not client.get(url, follow=True).context["validlink"]


def test_inviting_someone_who_has_an_account_gives_the_role_without_a_mail(
    client, dora, pajala, charlie
):
    client.force_login(dora)
    response = _invite(client, pajala, email=charlie.email, first_name="Toinen", last_name="Nimi")
    assert response.status_code == 302
    assert _roles(charlie) == [("counsellor", "PAJA"), ("counsellor", "TALO")]
    charlie.refresh_from_db()
    assert (charlie.first_name, charlie.last_name) == ("Charlie", "Testaaja")  # kept
    assert mail.outbox == []
    assert _log(charlie) == ["role counsellor for scope unit PAJA given"]


def test_a_mail_that_cannot_be_sent_saves_nothing(client, dora, pajala):
    client.force_login(dora)
    with mock.patch("accounts.invitations.send_mail", side_effect=OSError("smtp down")):
        response = _invite(client, pajala)
    assert response.status_code == 200
    assert "could not be sent by e-mail, so nothing was saved" in response.content.decode()
    assert not User.objects.filter(email__iexact="ville.virtanen@example.invalid").exists()
    assert not AccessLogEntry.objects.filter(object_type="accounts.user").exists()


def test_a_person_deactivated_before_using_the_invitation_cannot_use_it(client, dora, pajala):
    client.force_login(dora)
    _invite(client, pajala)
    ville = User.objects.get(username="ville.virtanen@example.invalid")
    client.post(reverse("people:deactivate", kwargs={"code": ville.uuid}))
    again = _invite(client, pajala)
    assert "has been deactivated" in again.content.decode()
    assert len(mail.outbox) == 1
    client.logout()
    page = client.get(_link(mail.outbox[0]), follow=True)
    assert not page.context["validlink"]
    assert "This link does not work" in page.content.decode()


# --- a unit manager's scope ------------------------------------------------------------------


def test_a_unit_manager_sees_only_the_people_of_their_units(client, dora, alice, charlie):
    client.force_login(dora)
    body = client.get(reverse("people:list")).content.decode()
    assert "Alice Testaaja" in body
    assert "Dora Testaaja" in body
    assert "Charlie" not in body
    assert client.get(reverse("people:detail", kwargs={"code": charlie.uuid})).status_code == 404
    assert client.get(reverse("people:detail", kwargs={"code": alice.uuid})).status_code == 200


def test_a_unit_manager_cannot_touch_another_units_people(client, dora, charlie, talo):
    client.force_login(dora)
    code = {"code": charlie.uuid}
    talo_role = RoleAssignment.objects.get(user=charlie)
    answers = [
        client.get(reverse("people:role_add", kwargs=code)).status_code,
        client.post(
            reverse("people:role_add", kwargs=code), {"role": "counsellor", "unit": talo.pk}
        ).status_code,
        client.post(
            reverse("people:role_remove", kwargs=code), {"assignment": talo_role.pk}
        ).status_code,
        client.post(reverse("people:deactivate", kwargs=code)).status_code,
        client.post(reverse("people:reactivate", kwargs=code)).status_code,
    ]
    assert answers == [404] * 5
    charlie.refresh_from_db()
    assert charlie.is_active
    assert _roles(charlie) == [("counsellor", "TALO")]
    assert _log(charlie) == []


def test_a_unit_manager_cannot_invite_to_another_unit_nor_give_the_administrator_role(
    client, dora, alice, talo
):
    client.force_login(dora)
    elsewhere = _invite(client, talo)
    admin = client.post(
        reverse("people:role_add", kwargs={"code": alice.uuid}), {"role": "administrator"}
    )
    assert elsewhere.status_code == 200
    assert "Select a valid choice" in elsewhere.content.decode()
    assert admin.status_code == 200
    assert "Select a valid choice" in admin.content.decode()
    assert 'value="administrator"' not in admin.content.decode()
    assert not User.objects.filter(email__iexact="ville.virtanen@example.invalid").exists()
    assert _roles(alice) == [("counsellor", "PAJA")]
    assert mail.outbox == []


def test_a_unit_manager_cannot_take_a_role_of_another_unit_from_their_own_person(
    client, dora, alice, talo
):
    elsewhere = RoleAssignmentFactory(user=alice, role="counsellor", unit=talo)
    client.force_login(dora)
    response = client.post(
        reverse("people:role_remove", kwargs={"code": alice.uuid}), {"assignment": elsewhere.pk}
    )
    assert response.status_code == 302
    assert _roles(alice) == [("counsellor", "PAJA"), ("counsellor", "TALO")]
    # Nor deactivate her: she works in Talo too.
    page = client.get(reverse("people:detail", kwargs={"code": alice.uuid})).content.decode()
    assert reverse("people:deactivate", kwargs={"code": alice.uuid}) not in page
    client.post(reverse("people:deactivate", kwargs={"code": alice.uuid}))
    alice.refresh_from_db()
    assert alice.is_active


# --- roles given and taken, deactivation -----------------------------------------------------


def test_a_unit_manager_gives_and_takes_a_role_and_both_are_logged(client, dora, alice, pajala):
    client.force_login(dora)
    given = client.post(
        reverse("people:role_add", kwargs={"code": alice.uuid}),
        {"role": "unit_manager", "unit": pajala.pk},
    )
    assert given.status_code == 302
    assert _roles(alice) == [("counsellor", "PAJA"), ("unit_manager", "PAJA")]
    manager_role = RoleAssignment.objects.get(user=alice, role="unit_manager")
    taken = client.post(
        reverse("people:role_remove", kwargs={"code": alice.uuid}),
        {"assignment": manager_role.pk},
    )
    assert taken.status_code == 302
    assert _roles(alice) == [("counsellor", "PAJA")]
    rows = AccessLogEntry.objects.filter(object_id=str(alice.uuid)).order_by("id")
    assert [(r.user, r.action, r.detail) for r in rows] == [
        (dora, Action.CHANGE, "role unit_manager for scope unit PAJA given"),
        (dora, Action.CHANGE, "role unit_manager for scope unit PAJA taken away"),
    ]


def test_the_administrator_gives_a_municipal_officials_role(client, fiona, alice):
    lahti = MunicipalityFactory(code="398", name="Lahti")
    client.force_login(fiona)
    missing = client.post(
        reverse("people:role_add", kwargs={"code": alice.uuid}), {"role": "municipal_official"}
    )
    assert missing.status_code == 200
    assert "Choose the municipality of the municipal official." in missing.content.decode()
    client.post(
        reverse("people:role_add", kwargs={"code": alice.uuid}),
        {"role": "municipal_official", "municipality": lahti.pk},
    )
    assert RoleAssignment.objects.filter(user=alice, municipality=lahti).exists()
    assert _log(alice) == ["role municipal_official for scope municipality 398 given"]


def test_nobody_takes_away_their_own_managing_role(client, dora):
    client.force_login(dora)
    own = RoleAssignment.objects.get(user=dora)
    client.post(reverse("people:role_remove", kwargs={"code": dora.uuid}), {"assignment": own.pk})
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_deactivation_keeps_the_records_with_the_name(client, dora, alice, pajala):
    session = IndividualSessionFactory(
        client__registered_unit=pajala, recorded_by=alice, counsellors=[alice]
    )
    client.force_login(dora)
    assert client.get(reverse("people:deactivate", kwargs={"code": alice.uuid})).status_code == 200
    response = client.post(reverse("people:deactivate", kwargs={"code": alice.uuid}))
    assert response.status_code == 302

    alice.refresh_from_db()
    assert not alice.is_active
    session.refresh_from_db()
    assert session.recorded_by == alice
    assert str(session.recorded_by) == "Alice Testaaja"
    assert _roles(alice) == [("counsellor", "PAJA")]
    assert _log(alice) == ["account deactivated"]
    # She can no longer sign in, and she is listed as deactivated.
    client.logout()
    refused = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200
    client.force_login(dora)
    listed = client.get(reverse("people:list"), {"status": "deactivated"}).content.decode()
    assert "Alice Testaaja" in listed
    assert "Alice Testaaja" not in client.get(reverse("people:list")).content.decode()

    client.post(reverse("people:reactivate", kwargs={"code": alice.uuid}))
    alice.refresh_from_db()
    assert alice.is_active
    assert _log(alice) == ["account deactivated", "account taken into use again"]


def test_nobody_deactivates_themselves(client, fiona):
    client.force_login(fiona)
    client.post(reverse("people:deactivate", kwargs={"code": fiona.uuid}))
    fiona.refresh_from_db()
    assert fiona.is_active
    assert _log(fiona) == []


def test_the_navigation_links_the_pages_for_those_who_may_use_them(client, dora, alice, fiona):
    people = f'href="{reverse("people:list")}"'
    structure = f'href="{reverse("structure:index")}"'
    pages = {}
    for user in (dora, alice, fiona):
        client.force_login(user)
        pages[user.username] = client.get(reverse("password_change")).content.decode()
    assert people in pages["dora"]
    assert structure not in pages["dora"]
    assert people not in pages["alice"]
    assert people in pages["fiona"]
    assert structure in pages["fiona"]


# --- the list ----------------------------------------------------------------------------------


def test_the_list_filters_by_unit_and_role(client, fiona, dora, alice, charlie, talo):
    client.force_login(fiona)
    by_unit = client.get(reverse("people:list"), {"unit": talo.pk}).content.decode()
    assert "Charlie Testaaja" in by_unit
    assert "Alice Testaaja" not in by_unit
    by_role = client.get(reverse("people:list"), {"role": "unit_manager"}).content.decode()
    assert "Dora Testaaja" in by_role
    assert "Alice Testaaja" not in by_role


def _people_of(unit, count: int, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    for n in range(first, first + count):
        _person(f"staff{unit.code}{n}", "counsellor", unit=unit)


@pytest.mark.parametrize("role_of", ["dora", "fiona"])
def test_the_lists_queries_do_not_grow_with_its_people(
    client, django_assert_num_queries, role_of, dora, fiona, pajala, talo
):
    user = {"dora": dora, "fiona": fiona}[role_of]
    client.force_login(user)
    _people_of(pajala, 3)
    client.get(reverse("people:list"))  # the session settles
    # session, user, the user's roles, the filter's units, count, page, the page's roles,
    # and the request's savepoint and its release
    expected = 9
    with django_assert_num_queries(expected):
        few = client.get(reverse("people:list"))
    _people_of(pajala, 20, first=3)
    _people_of(talo, 5)
    with django_assert_num_queries(expected):
        many = client.get(reverse("people:list"))
    assert few.status_code == many.status_code == 200
    assert many.context["page"].paginator.count == (24 if role_of == "dora" else 30)
