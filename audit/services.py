"""The one way to write the access log."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .models import AccessLogEntry, Action

if TYPE_CHECKING:
    from django.http import HttpRequest


def _client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the production proxy REMOTE_ADDR is the proxy; gunicorn is configured to trust
    # the proxy's X-Forwarded-For (forwarded_allow_ips), which sets REMOTE_ADDR correctly.
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    action: Action | str,
    request: HttpRequest | None = None,
    user: Any = None,
    client_uuid: uuid.UUID | str | None = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    basis: str = "",
    detail: str = "",
    username: str = "",
) -> AccessLogEntry:
    """Record who did what to which client record, when and from where.

    ``obj`` is the record acted on; its model name and public id (``uuid`` if it has one,
    else its primary key) are stored. Never pass an identity code in ``detail``.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or obj.pk)
    user_agent = ""
    if request is not None:
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    return AccessLogEntry.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=str(action),
        client_uuid=client_uuid,
        object_type=object_type[:60],
        object_id=object_id[:64],
        basis=basis[:200],
        detail=detail[:300],
        ip_address=_client_address(request),
        user_agent=user_agent,
    )
