"""Browser and sign-in hardening: the headers every page sends, passwords, idle sessions."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def test_the_sign_in_page_sends_the_policies(client):
    response = client.get(reverse("login"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    script = policy["script-src"]
    assert "'self'" in script
    assert any(value.startswith("'nonce-") for value in script)
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert response["Permissions-Policy"] == (
        "camera=(), microphone=(), geolocation=(), payment=()"
    )


def test_every_script_of_a_page_carries_the_responses_nonce(client, counsellor):
    client.force_login(counsellor)
    response = client.get(reverse("clients:list"))
    nonce = next(
        value
        for value in _directives(response["Content-Security-Policy"])["script-src"]
        if value.startswith("'nonce-")
    )[7:-1]
    body = response.content.decode()
    scripts = body.count("<script")
    data_blocks = body.count('type="application/json"')
    assert scripts - data_blocks == body.count(f'nonce="{nonce}"') > 0
    assert " on" + "click=" not in body


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgrade_at_sign_in(client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(username="vanha")
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        user.set_password("pitkä-salasana-2026")
        user.save()
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    response = client.post(
        reverse("login"), {"username": "vanha", "password": "pitkä-salasana-2026"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).password.startswith("argon2")


def test_the_production_hasher_is_argon2():
    from kuty.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize(
    ("password", "refused"),
    [("lyhyt-11mrk", True), ("password1234", True), ("kuusi-kaunista-kuusta", False)],
)
def test_a_password_has_12_characters_and_is_not_a_common_one(password, refused):
    if refused:
        with pytest.raises(ValidationError):
            validate_password(password)
    else:
        validate_password(password)


def test_an_idle_session_ends_and_a_request_renews_it(client, counsellor, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client.force_login(counsellor)
    session = client.session
    first_expiry = session.get_expiry_date()
    # A page a minute later renews the idle time.
    session["kuty_renewed"] = int(time.time()) - settings.SESSION_RENEW_SECONDS - 1
    session.save()
    assert client.get(reverse("clients:list")).status_code == 200
    assert client.session.get_expiry_date() >= first_expiry
    assert client.session["kuty_renewed"] >= int(time.time()) - 2
    # Past the age, the session is gone: the next page asks to sign in.
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("clients:list"))["Location"].startswith(reverse("login"))


def test_continue_in_the_warning_renews_the_session(client, counsellor):
    client.force_login(counsellor)
    session = client.session
    session["kuty_renewed"] = 0
    session.save()
    assert client.get(reverse("keep_alive")).status_code == 204
    assert client.session["kuty_renewed"] >= int(time.time()) - 2


def test_pages_carry_the_idle_warning_with_its_times(client, counsellor):
    client.force_login(counsellor)
    body = client.get(reverse("clients:list")).content.decode()
    age = settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS
    assert f'data-seconds="{age}"' in body
    assert 'data-warning="120"' in body
    assert 'role="alertdialog"' in body
