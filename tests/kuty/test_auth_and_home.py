import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from tests.organisations.factories import (
    PASSWORD,
    MunicipalityFactory,
    ProjectFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_root_goes_to_finnish_login_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    body = response.content.decode()
    assert '<html lang="fi">' in body
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert 'href="#main"' in body  # skip link for keyboard users


def test_login_logs_in_and_writes_access_log(client, counsellor):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home_counsellor")
    assert response.context["user"] == counsellor
    assert AccessLogEntry.objects.filter(user=counsellor, action=Action.LOGIN).count() == 1


def test_wrong_password_is_refused_and_logged(client, counsellor):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    entry = AccessLogEntry.objects.get(action=Action.FAILED_LOGIN)
    assert entry.username == "alice"
    assert entry.user is None


def test_logout_requires_post_and_signs_out(client, counsellor):
    client.force_login(counsellor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert client.get(reverse("home_counsellor")).status_code == 302
    assert AccessLogEntry.objects.filter(user=counsellor, action=Action.LOGOUT).exists()


def test_lockout_after_repeated_failures(client, counsellor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")
    assert AccessLogEntry.objects.filter(action=Action.FAILED_LOGIN).count() >= 5


def test_password_change(client, counsellor):
    client.force_login(counsellor)
    new = "Uusi-Salasana-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.check_password(new)


def test_language_switch_to_swedish_and_english(client, counsellor):
    client.force_login(counsellor)
    response = client.post(
        reverse("set_language"), {"language": "sv", "next": "/home/"}, follow=True
    )
    assert '<html lang="sv">' in response.content.decode()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/home/"}, follow=True
    )
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "scope", "url_name"),
    [
        ("counsellor", "unit", "home_counsellor"),
        ("unit_manager", "unit", "home_unit_manager"),
        ("project_manager", "project", "home_project_manager"),
        ("municipal_official", "municipality", "home_municipal_official"),
        ("administrator", None, "home_administrator"),
    ],
)
def test_root_routes_each_role_to_its_home(client, role, scope, url_name):
    user = UserFactory()
    factories = {
        "unit": UnitFactory,
        "project": ProjectFactory,
        "municipality": MunicipalityFactory,
    }
    kwargs = {scope: factories[scope]()} if scope else {}
    RoleAssignmentFactory(user=user, role=role, **kwargs)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse(url_name)
    assert response.status_code == 200


def test_role_home_of_another_role_is_404(client, counsellor):
    client.force_login(counsellor)
    assert client.get(reverse("home_municipal_official")).status_code == 404


def test_unit_manager_with_counsellor_role_lands_on_manager_home(client, unit):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    RoleAssignmentFactory(user=user, role="unit_manager", unit=unit)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("home_unit_manager")


def test_user_without_role_is_told_what_to_do(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("home_no_role")


def test_header_shows_user_and_role(client, counsellor):
    client.force_login(counsellor)
    response = client.get(reverse("home_counsellor"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert counsellor.get_full_name() in body
    assert 'id="language-select"' in body


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
