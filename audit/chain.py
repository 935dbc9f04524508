"""The access log's hash chain: each entry is sealed by a row in ``AccessLogSeal`` holding
SHA-256(previous seal's hash | the entry's fields), so changing or removing any entry, or any
seal, breaks the chain from that point on and ``access_log_verify`` names it.

Who seals:

- **PostgreSQL**: a deferred constraint trigger (audit migration 0003) seals each new entry
  when its transaction commits, under a transaction-scoped advisory lock taken only then, so
  writers queue for the few milliseconds of their commit and never for the length of a request.
  The trigger runs as the schema owner (``SECURITY DEFINER``): the application's role can read
  the seals but not write them (``db_roles``).
- **SQLite** (the embedded single-machine run): an AFTER INSERT trigger seals each entry with
  a function this module registers on every connection (``kuty_seal_hash``); SQLite lets one
  transaction write at a time, so the chain cannot fork.

Both compute the same message (:func:`entry_message`), so one verifier serves both, and
writing the log costs the same number of queries on either database.

The retention purge removes the oldest entries with their seals; it records the hash of the
last removed seal as an *anchor* in its own (sealed) log entry, and the verifier accepts a chain
that starts from a recorded anchor.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

GENESIS = "0" * 64
ANCHOR_OBJECT_TYPE = "audit.accesslogseal"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _field(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text}"


def _microseconds(at: datetime.datetime) -> int:
    return (at - _EPOCH) // datetime.timedelta(microseconds=1)


def entry_message(
    *,
    id: int,
    at: datetime.datetime,
    user_id: int | None,
    username: str,
    action: str,
    client_uuid: Any,
    object_type: str,
    object_id: str,
    basis: str,
    detail: str,
    ip_address: str | None,
    user_agent: str,
) -> str:
    """The entry's fields as one unambiguous text (each field as ``length:value``). The
    PostgreSQL trigger builds the same text in SQL."""
    return "|".join(
        _field(value)
        for value in (
            id,
            _microseconds(at),
            user_id,
            username,
            action,
            client_uuid,
            object_type,
            object_id,
            basis,
            detail,
            ip_address,
            user_agent,
        )
    )


def seal_hash(previous: str, message: str) -> str:
    return hashlib.sha256(f"{previous}|{message}".encode()).hexdigest()


def message_of(entry: Any) -> str:
    """The message of an entry row (a model instance, historical ones too)."""
    return entry_message(
        id=entry.pk,
        at=entry.at,
        user_id=entry.user_id,
        username=entry.username,
        action=entry.action,
        client_uuid=entry.client_uuid,
        object_type=entry.object_type,
        object_id=entry.object_id,
        basis=entry.basis,
        detail=entry.detail,
        ip_address=entry.ip_address,
        user_agent=entry.user_agent,
    )


def _sqlite_seal_hash(previous: str, *fields: Any) -> str:
    """The seal of one entry, called by SQLite's trigger with the row as SQLite stores it
    (times as UTC text, UUIDs as 32 hex digits)."""
    entry_id, at, user_id, username, action, client_uuid, *rest = fields
    moment = datetime.datetime.fromisoformat(at).replace(tzinfo=datetime.UTC)
    message = entry_message(
        id=entry_id,
        at=moment,
        user_id=user_id,
        username=username,
        action=action,
        client_uuid=uuid.UUID(client_uuid) if client_uuid else None,
        object_type=rest[0],
        object_id=rest[1],
        basis=rest[2],
        detail=rest[3],
        ip_address=rest[4],
        user_agent=rest[5],
    )
    return seal_hash(previous, message)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give every SQLite connection the function its seal trigger calls (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "kuty_seal_hash", 13, _sqlite_seal_hash, deterministic=True
        )


def seal_pending(using: str = DEFAULT_DB_ALIAS) -> None:
    """On PostgreSQL, seal this transaction's entries now instead of at commit (the verifier,
    the purge and tests use it; a no-op elsewhere)."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SET CONSTRAINTS audit_accesslogentry_seal IMMEDIATE")
            cursor.execute("SET CONSTRAINTS audit_accesslogentry_seal DEFERRED")


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    seq: int | None
    text: str


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchors() -> set[str]:
    from .models import AccessLogEntry

    return set(
        AccessLogEntry.objects.filter(object_type=ANCHOR_OBJECT_TYPE)
        .order_by()
        .values_list("object_id", flat=True)
    )


def _walk(chunk: int = 5000) -> Iterator[tuple[Any, Any]]:
    """(seal, entry or None) in chain order, read in chunks of ``chunk`` seals."""
    from .models import AccessLogEntry, AccessLogSeal

    after = 0
    while True:
        seals = list(AccessLogSeal.objects.filter(seq__gt=after).order_by("seq")[:chunk])
        if not seals:
            return
        entries = AccessLogEntry.objects.in_bulk([seal.entry_id for seal in seals])
        for seal in seals:
            yield seal, entries.get(seal.entry_id)
        after = seals[-1].seq


def verify(*, limit: int = 20) -> Verdict:
    """Walk the whole chain; name the first problems found (at most ``limit``)."""
    from .models import AccessLogEntry, AccessLogSeal

    seal_pending()
    problems: list[Problem] = []
    previous: str | None = None
    count = 0
    for seal, entry in _walk():
        count += 1
        if previous is None:
            if seal.prev_hash != GENESIS and seal.prev_hash not in _anchors():
                problems.append(
                    Problem(seal.entry_id, seal.seq, "entries before this one were removed")
                )
        elif seal.prev_hash != previous:
            problems.append(
                Problem(seal.entry_id, seal.seq, "a seal before this one was changed or removed")
            )
        if entry is None:
            problems.append(Problem(seal.entry_id, seal.seq, "entry removed"))
        elif seal_hash(seal.prev_hash, message_of(entry)) != seal.hash:
            problems.append(Problem(seal.entry_id, seal.seq, "entry changed"))
        previous = seal.hash
        if len(problems) >= limit:
            break
    if len(problems) < limit:
        unsealed = (
            AccessLogEntry.objects.exclude(pk__in=AccessLogSeal.objects.values("entry_id"))
            .order_by("pk")
            .values_list("pk", flat=True)[: limit - len(problems)]
        )
        problems.extend(
            Problem(pk, None, "entry without a seal (written past the application)")
            for pk in unsealed
        )
    return Verdict(entries=count, head=previous or GENESIS, problems=tuple(problems))


def purge_before(cursor: Any, cutoff: datetime.datetime) -> tuple[int, str | None]:
    """Remove the entries logged before ``cutoff`` with their seals, from the start of the
    chain: up to the first seal whose entry is newer (an older entry sealed after it waits for
    the next purge). Runs inside the caller's transaction with the maintenance row in place.
    Returns (entries removed, the hash of the last removed seal: the chain's new anchor)."""
    seal_pending(cursor.db.alias)
    cursor.execute(
        "SELECT min(s.seq) FROM audit_accesslogseal s"
        " JOIN audit_accesslogentry e ON e.id = s.entry_id WHERE e.at >= %s",
        [cutoff],
    )
    boundary = cursor.fetchone()[0]
    if boundary is None:
        cursor.execute("SELECT coalesce(max(seq), 0) + 1 FROM audit_accesslogseal")
        boundary = cursor.fetchone()[0]
    cursor.execute(
        "SELECT hash FROM audit_accesslogseal WHERE seq < %s ORDER BY seq DESC LIMIT 1",
        [boundary],
    )
    row = cursor.fetchone()
    if row is None:
        return 0, None
    cursor.execute(
        "DELETE FROM audit_accesslogentry WHERE id IN"
        " (SELECT entry_id FROM audit_accesslogseal WHERE seq < %s)",
        [boundary],
    )
    removed = cursor.rowcount
    cursor.execute("DELETE FROM audit_accesslogseal WHERE seq < %s", [boundary])
    return removed, row[0]
