"""The two-factor pages: enrolment of an authenticator app, and the code after the password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import mfa


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Show the QR code and the secret; a code from the app confirms it, then the recovery
    codes are shown once. Only for a user without an app, or one already verified with it."""
    if mfa.mfa_has_device(request.user) and not request.user.is_verified():
        return redirect("mfa_verify")
    key = request.session.get(mfa.ENROL_KEY_SESSION)
    if not key:
        key = request.session[mfa.ENROL_KEY_SESSION] = mfa.totp_key_new()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.mfa_enrol(request=request, key=key, token=form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": _next_url(request)}
            return render(request, "accounts/mfa_recovery_codes.html", context)
        form.add_error("code", _("The code is wrong. Check the time on your phone and try again."))
    device = mfa.totp_unsaved_device(user=request.user, key=key)
    context = {
        "form": form,
        "qr": mfa.totp_qr_data_uri(device),
        "secret": mfa.totp_secret_text(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The 6-digit code (or a recovery code) after the password."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not mfa.mfa_has_device(request.user):
        return redirect("mfa_enrol" if mfa.mfa_state(request.user) == "enrol" else "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa.mfa_verify(request=request, token=form.cleaned_data["code"])
        if result in ("totp", "recovery"):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a moment and try again.")
            if result == "throttled"
            else _("The code is wrong or already used. Try again."),
        )
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})
