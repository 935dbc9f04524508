"""Invitations: a link by e-mail with which an invited person sets their first password.

Built on Django's password-reset tokens, with a salt of its own (a reset link is not an
invitation, nor the other way round) and a lifetime of ``INVITATION_TIMEOUT`` seconds (72 hours)
instead of the reset's hour. A link stops working once used: the token covers the password,
which the invited person sets with it. The page says why a link does not work — used, too old, or
not a link KUTY made — in the reader's language. Sending and using a link are written to the
access log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import access_log_record
from organisations.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.forms import SetPasswordForm
    from django.http import HttpRequest, HttpResponse

    from .models import User

INVITATION_HOURS = 72
SENT = "invitation sent by e-mail"
USED = "invitation used, password set"

LinkState = Literal["valid", "used", "expired", "invalid"]


def invitation_timeout() -> int:
    return int(getattr(settings, "INVITATION_TIMEOUT", INVITATION_HOURS * 60 * 60))


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "kuty.accounts.invitations.InvitationTokenGenerator"

    def check_token(self, user: Any, token: str | None) -> bool:
        return self.token_state(user, token) == "valid"

    def token_state(self, user: Any, token: str | None) -> Literal["valid", "expired", "invalid"]:
        """``expired``: a link KUTY made for this user as they are now, but too old."""
        if not (user and token):
            return "invalid"
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return "invalid"
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return "invalid"
        if self._num_seconds(self._now()) - ts > invitation_timeout():
            return "expired"
        return "valid"


invitation_tokens = InvitationTokenGenerator()


def invitation_link_state(user: User | None, token: str | None) -> LinkState:
    """Why a link works or not, for the page: a link whose person has already set a password
    has been used."""
    state = invitation_tokens.token_state(user, token)
    if state == "valid":
        return "valid"
    if user is not None and user.has_usable_password():
        return "used"
    return state


def invitation_send(
    *, user: User, request: HttpRequest, inviter: User, role: str, place: str, language: str
) -> None:
    """E-mail ``user`` a link to set their password, in ``language``, saying who invited them
    to which role (``place``: the unit's or other scope's name); log it. A failure to send
    raises ValidationError, so that the caller's transaction saves nothing."""
    path = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    context = {
        "user": user,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "role": role,
        "place": place,
        "link": request.build_absolute_uri(path),
        "hours": invitation_timeout() // 3600,
    }
    with translation.override(language):
        context["role_label"] = str(Role(role).label)
        subject = render_to_string("accounts/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as error:  # an SMTP server down or refusing: say so, save nothing
        raise ValidationError(
            _("The invitation could not be sent by e-mail, so nothing was saved. Try again later.")
        ) from error
    access_log_record(
        action=Action.CHANGE,
        request=request,
        user=inviter,
        obj=user,
        detail=f"{SENT}, valid {context['hours']} h",
    )


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses their password (the validators of every password apply)."""

    token_generator = invitation_tokens
    template_name = "accounts/invitation_accept.html"
    reset_url_token = "set-password"  # noqa: S105 - the address's placeholder, not a secret
    success_url = reverse_lazy("login")
    post_reset_login = False

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        # A person deactivated since the invitation cannot take it up.
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not context.get("validlink"):
            token = self.kwargs.get("token")
            if token == self.reset_url_token:
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            context["link_state"] = invitation_link_state(self.user, token)
        context["hours"] = invitation_timeout() // 3600
        return context

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user: Any = form.user
        access_log_record(
            action=Action.CHANGE,
            request=self.request,
            user=user,  # whoever holds the link holds the mailbox: they act as the user
            obj=user,
            detail=USED,
        )
        messages.success(
            self.request,
            _("Your password is set. Sign in with your user name %(username)s.")
            % {"username": user.get_username()},
        )
        return response
