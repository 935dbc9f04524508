"""Error pages in the user's language with a way back and the request id (``handler400`` …
in kuty/urls.py). They render without the database, so they work when it is the problem."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .middleware import unavailable_response


def _page(request: HttpRequest, status: int) -> HttpResponse:
    body = render_to_string(
        f"errors/{status}.html", {"request_id": getattr(request, "request_id", "")}
    )
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, unless the database is what failed (e.g. in a middleware reading the session):
    then the 503 page, which tells the user to try again in a minute."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return unavailable_response(request)
    return _page(request, 500)
