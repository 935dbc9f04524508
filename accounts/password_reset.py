"""Password reset by e-mail: Django's own views, rate-limited and written to the access log.

Every request gets the same answer ("if the address is known, a link was sent"), whether the
address belongs to a user or not and whether the limit was reached, so the page cannot be
used to find out who has an account. Past ``PASSWORD_RESET_LIMIT`` requests an hour for one
e-mail address, or from one client address, nothing more is sent. The counts live in the cache;
a cache that cannot be reached counts nothing and the page still answers (as kuty/cache.py).

The access log gets a row when a reset is asked ("password reset asked") and when a link is
used ("password reset used"). An address that belongs to no one is not stored in any form.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy

from audit.addresses import client_ip
from audit.models import Action
from audit.services import access_log_record

if TYPE_CHECKING:
    from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("kuty.password_reset")

WINDOW_SECONDS = 60 * 60
ASKED = "password reset asked"
USED = "password reset used"


def _key(kind: str, value: str) -> str:
    # Hashed: neither the e-mail address nor the client address is kept as such in the cache.
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
    return f"password-reset:{kind}:{digest}"


def _count(key: str) -> int:
    """This request's number within the hour for ``key``; 0 when the cache cannot be reached."""
    try:
        cache.add(key, 0, WINDOW_SECONDS)
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts a new hour
        try:
            cache.set(key, 1, WINDOW_SECONDS)
        except Exception as error:
            logger.warning("cache unavailable, reset not counted: %s", type(error).__name__)
            return 0
        return 1
    except Exception as error:
        logger.warning("cache unavailable, reset not counted: %s", type(error).__name__)
        return 0


def password_reset_allowed(*, email: str, request: HttpRequest) -> bool:
    """Count this request for its e-mail address and its client address; False past the limit."""
    limit = settings.PASSWORD_RESET_LIMIT
    by_email = _count(_key("email", email.strip().lower()))
    by_address = _count(_key("ip", client_ip(request) or "unknown"))
    return by_email <= limit and by_address <= limit


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        allowed = password_reset_allowed(email=email, request=self.request)
        users = list(form.get_users(email))
        if users:
            for user in users:
                access_log_record(
                    action=Action.CHANGE,
                    request=self.request,
                    object_type="accounts.user",
                    object_id=str(user.uuid),
                    username=user.username,
                    detail=ASKED if allowed else f"{ASKED}, limit reached, nothing sent",
                )
        else:
            access_log_record(
                action=Action.CHANGE,
                request=self.request,
                object_type="accounts.user",
                username="",  # the address asked for belongs to no one: keep none of it
                detail=ASKED if allowed else f"{ASKED}, limit reached, nothing sent",
            )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class LoggedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user: Any = form.user
        access_log_record(
            action=Action.CHANGE,
            request=self.request,
            user=user,  # whoever holds the link holds the mailbox: they act as the user
            object_type="accounts.user",
            object_id=str(user.uuid),
            detail=USED,
        )
        return response
