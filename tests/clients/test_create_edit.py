"""Registering and editing a client through the pages, with the access log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from clients.models import Client
from tests.clients.factories import ClientFactory, client_form_data, make_hetu
from tests.organisations.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("clients:create")


@pytest.fixture
def colleague(unit):  # type: ignore[no-untyped-def]
    """Another counsellor of the same unit."""
    user = UserFactory(username="cecilia")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


def edit_url(client: Client) -> str:
    return reverse("clients:edit", kwargs={"code": client.uuid})


# Registering -------------------------------------------------------------------------------


def test_the_form_has_fieldsets_and_defaults_to_the_user(client, counsellor, unit):
    client.force_login(counsellor)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    body = response.content.decode()
    for legend in ("Identity", "Contact details", "Entry data"):
        assert f"<legend>{legend}</legend>" in body
    form = response.context["form"]
    assert form["responsible_counsellor"].value() == counsellor.pk
    assert form["registered_unit"].value() == unit.pk
    assert 'for="id_hetu"' in body
    # One token per form that posts (crispy's and the page header's), none doubled.
    assert body.count('name="csrfmiddlewaretoken"') == body.count('method="post"')


def test_a_counsellor_registers_a_client(client, counsellor, unit, municipality):
    client.force_login(counsellor)
    data = client_form_data(unit=unit, municipality=municipality, counsellor=counsellor)
    response = client.post(CREATE_URL, data)

    new = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", kwargs={"code": new.uuid})
    assert new.hetu == "131052-308T"
    assert new.date_of_birth == datetime.date(1952, 10, 13)
    assert new.sex == "man"  # entered, never derived
    assert new.registered_unit == unit
    assert new.responsible_counsellor == counsellor
    assert new.labour_market_status == "long_term_unemployed"
    entry = AccessLogEntry.objects.get(action=Action.CREATE)
    assert entry.user == counsellor
    assert entry.client_uuid == new.uuid
    assert entry.object_type == "clients.client"
    assert "308T" not in entry.detail


def test_a_wrong_check_character_is_explained_on_the_form(client, counsellor, unit, municipality):
    client.force_login(counsellor)
    data = client_form_data(
        unit=unit, municipality=municipality, counsellor=counsellor, hetu="131052-308A"
    )
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "it should be T, not A" in " ".join(response.context["form"].errors["hetu"])
    assert not Client.objects.exists()


def test_a_temporary_code_needs_the_tick(client, counsellor, unit, municipality):
    client.force_login(counsellor)
    code = make_hetu(datetime.date(1980, 5, 5), 950)
    data = client_form_data(unit=unit, municipality=municipality, counsellor=counsellor, hetu=code)
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "temporary" in response.context["form"].errors["hetu"][0]

    response = client.post(CREATE_URL, {**data, "temporary_hetu": "on"})
    assert response.status_code == 302
    assert Client.objects.get().temporary_hetu


def test_a_duplicate_the_user_may_see_links_to_the_client(client, counsellor, unit, municipality):
    existing = ClientFactory(hetu="131052-308T", registered_unit=unit, last_name="Aiempi")
    client.force_login(counsellor)
    data = client_form_data(
        unit=unit, municipality=municipality, counsellor=counsellor, hetu="131052 308t"
    )
    data["hetu"] = "131052-308t"
    response = client.post(CREATE_URL, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "already registered" in body
    assert existing.full_name in body
    assert f'href="{reverse("clients:detail", kwargs={"code": existing.uuid})}"' in body
    assert Client.objects.count() == 1
    # The form named the existing client: that is a look at their data.
    (entry,) = AccessLogEntry.objects.filter(client_uuid=existing.uuid)
    assert (entry.username, entry.action) == ("alice", "view")


def test_a_duplicate_in_another_unit_names_the_unit_and_is_logged(
    client, counsellor, unit, municipality
):
    elsewhere = UnitFactory(name="Toinen Paja")
    existing = ClientFactory(hetu="131052-308T", registered_unit=elsewhere)
    client.force_login(counsellor)
    data = client_form_data(unit=unit, municipality=municipality, counsellor=counsellor)
    response = client.post(CREATE_URL, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "already registered in another unit (Toinen Paja)" in body
    assert existing.full_name not in body
    assert str(existing.uuid) not in body
    entry = AccessLogEntry.objects.get(client_uuid=existing.uuid)
    assert entry.user == counsellor
    assert "duplicate" in entry.detail


def test_a_client_can_only_be_registered_in_ones_own_unit(
    client, counsellor, outsider, other_unit, unit, municipality
):
    client.force_login(outsider)
    data = client_form_data(unit=unit, municipality=municipality, counsellor=counsellor)
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "registered_unit" in response.context["form"].errors
    assert not Client.objects.exists()


def test_the_responsible_counsellor_must_work_in_the_unit(
    client, counsellor, outsider, unit, municipality
):
    client.force_login(counsellor)
    data = client_form_data(unit=unit, municipality=municipality, counsellor=outsider)
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "responsible_counsellor" in response.context["form"].errors


def test_non_disclosure_needs_a_responsible_counsellor(client, counsellor, unit, municipality):
    client.force_login(counsellor)
    data = client_form_data(
        unit=unit,
        municipality=municipality,
        counsellor=counsellor,
        non_disclosure="on",
        responsible_counsellor="",
    )
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    assert "responsible_counsellor" in response.context["form"].errors
    assert not Client.objects.exists()


def test_read_only_users_get_403_and_users_without_clients_404(
    client, project_manager, official, administrator, unit, municipality, counsellor
):
    data = client_form_data(unit=unit, municipality=municipality, counsellor=counsellor)
    client.force_login(project_manager)
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, data).status_code == 403
    for user in (official, administrator):
        client.force_login(user)
        assert client.get(CREATE_URL).status_code == 404
        assert client.post(CREATE_URL, data).status_code == 404
    assert not Client.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Editing -----------------------------------------------------------------------------------


def test_the_edit_form_never_shows_the_full_code_and_is_logged(client, counsellor, kuty_client):
    client.force_login(counsellor)
    response = client.get(edit_url(kuty_client))
    assert response.status_code == 200
    body = response.content.decode()
    assert kuty_client.hetu not in body
    assert kuty_client.masked_hetu in body
    assert response.context["form"]["hetu"].value() in (None, "")
    entry = AccessLogEntry.objects.get(client_uuid=kuty_client.uuid)
    assert (entry.action, entry.client_uuid, entry.detail) == (
        "view",
        kuty_client.uuid,
        "edit form",
    )


def edit_data(kuty_client: Client, **overrides: object) -> dict:
    """The edit form as it is posted when only ``overrides`` were changed."""
    stored = {
        "hetu": "",
        "first_name": kuty_client.first_name,
        "last_name": kuty_client.last_name,
        "sex": kuty_client.sex,
        "phone": kuty_client.phone,
        "email": kuty_client.email,
        "street_address": kuty_client.street_address,
        "postal_code": kuty_client.postal_code,
        "post_office": kuty_client.post_office,
        "benefit": kuty_client.benefit,
        "labour_market_status": kuty_client.labour_market_status,
        "education": kuty_client.education,
        "foreign_background": kuty_client.foreign_background,
        "minority": kuty_client.minority,
        "homeless": kuty_client.homeless,
        "non_disclosure": "on" if kuty_client.non_disclosure else "",
    }
    return client_form_data(
        unit=kuty_client.registered_unit,
        municipality=kuty_client.home_municipality,
        counsellor=kuty_client.responsible_counsellor,
        **{**stored, **overrides},
    )


def test_editing_logs_the_names_of_the_changed_fields(client, counsellor, kuty_client):
    client.force_login(counsellor)
    old_code = kuty_client.hetu
    response = client.post(
        edit_url(kuty_client), edit_data(kuty_client, first_name="Maija Liisa", phone="050 1")
    )

    assert response.status_code == 302
    kuty_client.refresh_from_db()
    assert kuty_client.first_name == "Maija Liisa"
    assert kuty_client.phone == "050 1"
    assert kuty_client.hetu == old_code  # an empty code field keeps the code
    entry = AccessLogEntry.objects.get(action=Action.CHANGE)
    assert entry.client_uuid == kuty_client.uuid
    assert entry.user == counsellor
    assert entry.detail.startswith("changed: ")
    assert set(entry.detail.removeprefix("changed: ").split(", ")) >= {"first_name", "phone"}
    assert "Maija Liisa" not in entry.detail
    assert "050" not in entry.detail


def test_correcting_the_code_rederives_the_birth_date(client, counsellor, kuty_client):
    client.force_login(counsellor)
    new_code = make_hetu(datetime.date(1975, 6, 30), 222, "Y")
    response = client.post(edit_url(kuty_client), edit_data(kuty_client, hetu=new_code))
    assert response.status_code == 302
    kuty_client.refresh_from_db()
    assert kuty_client.hetu == new_code
    assert kuty_client.date_of_birth == datetime.date(1975, 6, 30)
    entry = AccessLogEntry.objects.get(action=Action.CHANGE)
    assert "hetu" in entry.detail
    assert "date_of_birth" in entry.detail
    assert new_code not in entry.detail
    assert new_code[:6] not in entry.detail


def test_saving_without_changes_writes_no_change_row(client, counsellor, kuty_client):
    client.force_login(counsellor)
    response = client.post(edit_url(kuty_client), edit_data(kuty_client))
    assert response.status_code == 302
    assert not AccessLogEntry.objects.filter(action=Action.CHANGE).exists()


def test_editing_to_an_existing_code_is_a_form_error(client, counsellor, kuty_client, unit):
    other = ClientFactory(registered_unit=unit)
    client.force_login(counsellor)
    response = client.post(edit_url(kuty_client), edit_data(kuty_client, hetu=other.hetu))
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    kuty_client.refresh_from_db()
    assert kuty_client.hetu != other.hetu


def test_edit_permissions_with_three_users(
    client, counsellor, project_manager, outsider, official, kuty_client
):
    url = edit_url(kuty_client)
    data = edit_data(kuty_client, first_name="Muutettu")

    client.force_login(project_manager)  # sees the client, may not change it
    assert (
        client.get(reverse("clients:detail", kwargs={"code": kuty_client.uuid})).status_code == 200
    )
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403

    for user in (outsider, official):  # may not know the client exists
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404

    kuty_client.refresh_from_db()
    assert kuty_client.first_name == "Maija"
    client.force_login(counsellor)
    assert client.post(url, data).status_code == 302
    kuty_client.refresh_from_db()
    assert kuty_client.first_name == "Muutettu"


def test_under_non_disclosure_a_colleague_cannot_see_or_lift_it(client, colleague, kuty_client):
    kuty_client.non_disclosure = True
    kuty_client.save()
    client.force_login(colleague)
    response = client.get(edit_url(kuty_client))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Salainen katu" not in body
    assert "555 1234" not in body
    assert 'name="phone"' not in body
    assert 'name="non_disclosure"' not in body
    # A colleague may not hand the client to someone else (the new counsellor would see
    # the hidden details): the field is disabled and a posted value is ignored.
    assert response.context["form"].fields["responsible_counsellor"].disabled

    data = edit_data(kuty_client, first_name="Muutettu", responsible_counsellor=colleague.pk)
    data.update(phone="", street_address="", non_disclosure="")
    response = client.post(edit_url(kuty_client), data)
    assert response.status_code == 302
    kuty_client.refresh_from_db()
    assert kuty_client.first_name == "Muutettu"
    assert kuty_client.non_disclosure
    assert kuty_client.phone == "040 555 1234"
    assert kuty_client.street_address == "Salainen katu 7"
    assert kuty_client.responsible_counsellor.username == "alice"


def test_under_non_disclosure_a_unit_manager_may_reassign(
    client, unit_manager, colleague, kuty_client
):
    kuty_client.non_disclosure = True
    kuty_client.save()
    client.force_login(unit_manager)
    data = edit_data(kuty_client, responsible_counsellor=colleague.pk)
    response = client.post(edit_url(kuty_client), data)
    assert response.status_code == 302
    kuty_client.refresh_from_db()
    assert kuty_client.responsible_counsellor == colleague
    assert kuty_client.phone == "040 555 1234"
