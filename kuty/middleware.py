"""Request ids, and a clear answer when the database is away.

- ``RequestIdMiddleware`` gives every request an id: in the ``X-Request-ID`` header, in every
  log line of the request and on the error pages, so a user can quote it.
- ``DatabaseUnavailableMiddleware`` turns a lost or refused database connection into a 503 page
  in the user's language (nothing was saved: the request's transaction is rolled back) instead
  of a 500. Production also checks a kept connection before each request
  (``CONN_HEALTH_CHECKS``), so a database restart costs no request at all.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .logging import request_id

logger = logging.getLogger("kuty.errors")
_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A proxy's id is kept when it looks like one; anything else gets a new id.
        given = request.headers.get("X-Request-ID", "")
        value = given if _VALID_ID.match(given) else uuid.uuid4().hex[:16]
        request.request_id = value  # type: ignore[attr-defined]
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page: rendered without the database (no user menu, no session)."""
    body = render_to_string(
        "errors/503.html", {"request_id": getattr(request, "request_id", "")}, request=None
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable: %s", type(exception).__name__, exc_info=exception)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return unavailable_response(request)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response: no camera, microphone, location or payment
    for this site or anything it might embed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


RENEWED_KEY = "kuty_renewed"


def session_renew(request: HttpRequest) -> None:
    """Start the idle time again: the session is saved with a new expiry."""
    request.session[RENEWED_KEY] = int(time.time())


class IdleSessionMiddleware:
    """A signed-in user's request renews the session (its expiry is SESSION_COOKIE_AGE from the
    save), but at most once every SESSION_RENEW_SECONDS, so an active user's session never ends
    and an idle one ends on time without a write on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last = request.session.get(RENEWED_KEY, 0)
            if time.time() - last >= settings.SESSION_RENEW_SECONDS:
                session_renew(request)
        return self.get_response(request)
