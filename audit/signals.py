"""Sign-ins, sign-outs and failed sign-ins go to the access log."""

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Action
from .services import access_log_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    access_log_record(action=Action.LOGIN, request=request, user=user)
    session = getattr(request, "session", None)
    if session is not None:  # the idle time starts at sign-in (kuty.middleware)
        session["kuty_renewed"] = int(time.time())


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        access_log_record(action=Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any):
    # The attempted user name is kept (needed to trace attacks); the password never is.
    access_log_record(
        action=Action.FAILED_LOGIN,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
