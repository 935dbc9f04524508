"""The one way to write the access log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from .addresses import client_ip
from .models import AccessLogEntry, Action

if TYPE_CHECKING:
    from django.http import HttpRequest


def _who(request: HttpRequest | None, user: Any, username: str) -> tuple[Any, str]:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return user, (user.get_username() if user is not None else username)[:150]


def _entry(
    *,
    action: Action | str,
    request: HttpRequest | None,
    user: Any,
    username: str,
    client_uuid: uuid.UUID | str | None,
    object_type: str,
    object_id: str,
    basis: str,
    detail: str,
) -> AccessLogEntry:
    user, username = _who(request, user, username)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return AccessLogEntry(
        user=user,
        username=username,
        action=str(action),
        client_uuid=uuid.UUID(str(client_uuid)) if client_uuid else None,
        object_type=object_type[:60],
        object_id=object_id[:64],
        basis=basis[:200],
        detail=detail[:300],
        ip_address=client_ip(request),
        user_agent=user_agent,
    )


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
    else its primary key) are stored. Without a signed-in user (a command, a task) ``username``
    names who acted (``--user``, or the command's name). Never pass an identity code in
    ``detail``.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or obj.pk)
    entry = _entry(
        action=action,
        request=request,
        user=user,
        username=username,
        client_uuid=client_uuid,
        object_type=object_type,
        object_id=object_id,
        basis=basis,
        detail=detail,
    )
    entry.save()
    return entry


def access_log_record_many(
    *,
    action: Action | str,
    client_uuids: Iterable[uuid.UUID | str],
    request: HttpRequest | None = None,
    user: Any = None,
    object_type: str = "",
    object_id: str = "",
    basis: str = "",
    detail: str = "",
    username: str = "",
) -> int:
    """One row per distinct client, in the order given, written with one INSERT: for lists,
    the month sheet, report files and imports. Returns the number of rows written."""
    seen: dict[str, None] = {}
    for value in client_uuids:
        if value is not None:
            seen.setdefault(str(value), None)
    if not seen:
        return 0
    entries = [
        _entry(
            action=action,
            request=request,
            user=user,
            username=username,
            client_uuid=value,
            object_type=object_type,
            object_id=object_id,
            basis=basis,
            detail=detail,
        )
        for value in seen
    ]
    # Large files: keep each INSERT within the database's parameter limits.
    batch = 500 if connection.vendor == "sqlite" else 5000
    AccessLogEntry.objects.bulk_create(entries, batch_size=batch)
    return len(entries)


@dataclass(frozen=True)
class LogLine:
    """One row of :func:`access_log_record_each`: what was done to which client."""

    action: Action | str
    client_uuid: uuid.UUID | str | None
    object_type: str = ""
    object_id: str = ""
    detail: str = ""


def access_log_record_each(
    *,
    lines: Iterable[LogLine],
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    basis: str = "",
) -> int:
    """Rows that differ client by client (each its own action and detail) written with one
    INSERT: a save of the month sheet, a group's attendance. Returns the number written."""
    entries = [
        _entry(
            action=line.action,
            request=request,
            user=user,
            username=username,
            client_uuid=line.client_uuid,
            object_type=line.object_type,
            object_id=line.object_id,
            basis=basis,
            detail=line.detail,
        )
        for line in lines
    ]
    if entries:
        batch = 500 if connection.vendor == "sqlite" else 5000
        AccessLogEntry.objects.bulk_create(entries, batch_size=batch)
    return len(entries)
