"""Two-factor sign-in: who must use it, enrolment of a TOTP app, and verification.

A user who has a confirmed TOTP device is asked for a code after the password on every
sign-in; a user whose role is in ``MFA_REQUIRED_ROLES`` and has none must enrol first. The
session is verified through django-otp (``django_otp.login``; ``user.is_verified()``).
Every enrolment, verification and failed code is written to the access log; the secret and
the codes never are.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Literal

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from audit.models import Action
from audit.services import access_log_record

from .models import RecoveryCode, RecoveryCodeDevice, recovery_code_hash

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User

MFA_OBJECT_TYPE = "accounts.mfa"
RECOVERY_CODE_COUNT = 10
# Recovery codes: 10 characters of an alphabet without look-alikes (0/O, 1/I/L), ~50 bits.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_TOTP_CODE = re.compile(r"^\d{6}$")

MfaState = Literal["verify", "enrol", "off"]
VerifyResult = Literal["totp", "recovery", "wrong", "throttled"]


def mfa_state(user: User) -> MfaState:
    """What the signed-in, not yet verified ``user`` must do before any page."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    required = set(settings.MFA_REQUIRED_ROLES)
    if required and user.role_assignments.filter(role__in=required).exists():
        return "enrol"
    return "off"


def mfa_has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_key_new() -> str:
    """A new TOTP secret (hex), kept in the session until the user confirms it."""
    return default_key()


def totp_unsaved_device(*, user: User, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=key, name="default", confirmed=False)


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG data: URI (allowed by the CSP)."""
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _totp_matches(device: TOTPDevice, token: str) -> bool:
    """Check a code against an unsaved device; on a match the device remembers the time step
    (``last_t``), so the same code cannot verify a session again."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not (_TOTP_CODE.match(token) and totp.verify(int(token), device.tolerance)):
        return False
    device.last_t = totp.t()
    return True


@transaction.atomic
def mfa_enrol(*, request: HttpRequest, key: str, token: str) -> list[str] | None:
    """Confirm the app with a code from it: save the device, verify the session, and return
    new recovery codes (shown once). ``None`` (and a failed-login row) for a wrong code."""
    user = request.user
    device = totp_unsaved_device(user=user, key=key)
    token = token.strip().replace(" ", "")
    if not _totp_matches(device, token):
        access_log_record(
            action=Action.FAILED_LOGIN,
            request=request,
            object_type=MFA_OBJECT_TYPE,
            detail="enrolment: wrong code",
        )
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.full_clean()
    device.save()
    codes = recovery_codes_create(user=user)
    access_log_record(
        action=Action.CHANGE,
        request=request,
        object_type=MFA_OBJECT_TYPE,
        object_id=str(device.pk),
        detail="authenticator app enrolled, recovery codes created",
    )
    _session_verified(request, device)
    return codes


def recovery_codes_create(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; return them in clear (once)."""
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [
        "".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hash(code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def mfa_verify(*, request: HttpRequest, token: str) -> VerifyResult:
    """Check a 6-digit code (or a recovery code) of the signed-in user and verify the
    session. Wrong codes are throttled by django-otp and logged."""
    user = request.user
    token = token.strip().replace(" ", "")
    if _TOTP_CODE.match(token):
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        kind: VerifyResult = "totp"
    else:
        devices = list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
        kind = "recovery"
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        access_log_record(
            action=Action.FAILED_LOGIN,
            request=request,
            object_type=MFA_OBJECT_TYPE,
            detail="second factor: too many wrong codes, throttled",
        )
        return "throttled"
    for device in devices:
        if device.verify_token(token):
            remaining = device.codes.count() if kind == "recovery" else None
            access_log_record(
                action=Action.LOGIN,
                request=request,
                object_type=MFA_OBJECT_TYPE,
                object_id=str(device.pk),
                detail=(
                    f"second factor: recovery code used, {remaining} left"
                    if kind == "recovery"
                    else "second factor: authenticator code"
                ),
            )
            _session_verified(request, device)
            return kind
    access_log_record(
        action=Action.FAILED_LOGIN,
        request=request,
        object_type=MFA_OBJECT_TYPE,
        detail=f"second factor: wrong {'recovery ' if kind == 'recovery' else ''}code",
    )
    return "wrong"


def _session_verified(request: HttpRequest, device: TOTPDevice | RecoveryCodeDevice) -> None:
    # A new session key for the now fully signed-in session (as at the password sign-in).
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(ENROL_KEY_SESSION, None)


ENROL_KEY_SESSION = "kuty_mfa_enrol_key"
