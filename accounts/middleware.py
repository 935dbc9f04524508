"""Nothing but the sign-in, the sign-out and the two-factor pages until the session is
verified, for a user who has a second factor or whose role requires one (accounts.mfa)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .mfa import mfa_state

# URL names open before the second factor (static files are served before this middleware).
OPEN_URL_NAMES = frozenset(
    {"login", "logout", "mfa_enrol", "mfa_verify", "healthz", "readyz", "set_language"}
)
STATE_SESSION_KEY = "kuty_mfa_state"


class MFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        state = _state(request)
        if state == "off":
            return None
        target = reverse("mfa_verify" if state == "verify" else "mfa_enrol")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _state(request: HttpRequest) -> str:
    """The user's state, worked out at the sign-in (``remember_state_at_sign_in``), so that a
    user without a second factor costs no query on any page; a session from before is
    worked out on its first request."""
    user_pk = str(request.user.pk)
    saved = request.session.get(STATE_SESSION_KEY)
    if saved and saved[0] == user_pk and saved[1] == "off":
        return "off"
    state = mfa_state(request.user)
    request.session[STATE_SESSION_KEY] = [user_pk, state]
    return state


def remember_state_at_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: note whether the new session needs a second factor."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_SESSION_KEY] = [str(user.pk), mfa_state(user)]
