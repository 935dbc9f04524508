"""What every page needs from the settings: the idle session's length for its warning."""

from django.conf import settings
from django.http import HttpRequest


def session(request: HttpRequest) -> dict[str, int]:
    # The session may have been renewed up to SESSION_RENEW_SECONDS before this page: the
    # page counts from the earliest end.
    return {
        "session_seconds": settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
