"""Two-factor sign-in (accounts.mfa, accounts.middleware, accounts.otp_views)."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode
from audit.models import AccessLogEntry, Action
from tests.organisations.factories import PASSWORD, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_for_counsellors(settings):  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED_ROLES = ["counsellor"]


def sign_in(client, user):  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(client) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the enrolment page, confirm with a code from its secret, return the codes shown."""
    page = client.get(reverse("mfa_enrol"))
    assert page.status_code == 200
    secret = page.context["secret"].replace(" ", "")
    assert page.context["qr"].startswith("data:image/svg+xml")
    import base64

    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    response = client.post(reverse("mfa_enrol"), {"code": code_for(key_hex)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([A-Z0-9]{5}-[A-Z0-9]{5})</li>", response.content.decode())
    assert len(codes) == 10
    return codes


def mfa_log(user, action: str) -> list[AccessLogEntry]:  # type: ignore[no-untyped-def]
    return list(AccessLogEntry.objects.filter(user=user, action=action, object_type="accounts.mfa"))


def test_counsellor_without_device_must_enrol_before_any_page(
    client, counsellor, mfa_for_counsellors
):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    response = client.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrol"))
    assert client.get("/healthz").status_code == 200

    codes = enrol(client)
    assert client.get("/clients/").status_code == 200
    assert TOTPDevice.objects.get(user=counsellor).confirmed
    # Only hashes are stored, never the codes themselves.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & stored
    [enrolled] = mfa_log(counsellor, Action.CHANGE)
    assert "recovery" in enrolled.detail


def test_enrolment_refuses_a_wrong_code(client, counsellor, mfa_for_counsellors):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    client.get(reverse("mfa_enrol"))
    response = client.post(reverse("mfa_enrol"), {"code": "000000"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    assert client.get("/clients/").status_code == 302


def test_next_sign_in_asks_for_a_code_and_refuses_a_wrong_one(
    client, counsellor, mfa_for_counsellors
):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    enrol(client)
    client.post(reverse("logout"))

    landing = sign_in(client, counsellor)
    assert landing.status_code == 302
    assert landing["Location"].startswith(reverse("mfa_verify"))
    assert client.get("/clients/")["Location"].startswith(reverse("mfa_verify"))

    wrong = client.post(reverse("mfa_verify"), {"code": "123456", "next": "/clients/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert client.get("/clients/").status_code == 302
    [failed] = mfa_log(counsellor, Action.FAILED_LOGIN)
    assert "123456" not in failed.detail

    # django-otp's throttling: right after a wrong code even the right one waits.
    device = TOTPDevice.objects.get(user=counsellor)
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    right = client.post(
        reverse("mfa_verify"), {"code": code_for(device.key, steps_ahead=1), "next": "/clients/"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/clients/"
    assert client.get("/clients/").status_code == 200
    assert len(mfa_log(counsellor, Action.LOGIN)) == 1


def test_a_recovery_code_works_once(client, counsellor, mfa_for_counsellors):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    codes = enrol(client)
    client.post(reverse("logout"))

    sign_in(client, counsellor)
    used = client.post(reverse("mfa_verify"), {"code": codes[0].lower()})
    assert used.status_code == 302
    assert client.get("/clients/").status_code == 200
    [login] = mfa_log(counsellor, Action.LOGIN)
    assert "recovery code used, 9 left" in login.detail
    assert codes[0] not in login.detail
    client.post(reverse("logout"))

    sign_in(client, counsellor)
    again = client.post(reverse("mfa_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/clients/").status_code == 302
    assert mfa_log(counsellor, Action.FAILED_LOGIN)


def test_a_role_not_listed_signs_in_as_before(client, unit, mfa_for_counsellors):  # type: ignore[no-untyped-def]
    manager = UserFactory(username="maija")
    RoleAssignmentFactory(user=manager, role="unit_manager", unit=unit)
    sign_in(client, manager)
    assert client.get("/clients/").status_code == 200
    # ... and may enrol of their own accord; then the next sign-in asks for a code.
    enrol(client)
    client.post(reverse("logout"))
    assert sign_in(client, manager)["Location"].startswith(reverse("mfa_verify"))


def test_by_default_nobody_is_asked(client, counsellor):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    assert client.get("/clients/").status_code == 200


def test_an_unverified_user_with_a_device_cannot_enrol_a_new_one(
    client, counsellor, mfa_for_counsellors
):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    enrol(client)
    client.post(reverse("logout"))
    sign_in(client, counsellor)
    response = client.get(reverse("mfa_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_verify_does_not_redirect_off_site(client, counsellor, mfa_for_counsellors):  # type: ignore[no-untyped-def]
    sign_in(client, counsellor)
    codes = enrol(client)
    client.post(reverse("logout"))
    sign_in(client, counsellor)
    response = client.post(
        reverse("mfa_verify"), {"code": codes[1], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
