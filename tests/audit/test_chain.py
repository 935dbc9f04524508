"""The access log's hash chain: every entry is sealed, and any change, removal or entry written
past the application is named by ``access_log_verify`` — even one made by the schema owner."""

from __future__ import annotations

import importlib
import io
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import translation

from audit.chain import GENESIS, seal_pending, verify
from audit.models import AccessLogEntry, AccessLogSeal, Action
from audit.services import access_log_record, access_log_record_many

pytestmark = pytest.mark.django_db


def _as_owner(*statements: str) -> None:
    """Run SQL as the schema owner would: with the maintenance row that opens the log."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog_maintenance")
        cursor.execute("INSERT INTO audit_accesslog_maintenance (reason) VALUES ('test owner')")
        for statement in statements:
            cursor.execute(statement)


def _verify_command() -> tuple[int, str]:
    out = io.StringIO()
    try:
        with translation.override("en"):
            call_command("access_log_verify", stdout=out, stderr=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    return 0, out.getvalue()


def _log_three(user) -> list[AccessLogEntry]:
    request = RequestFactory().get("/x", REMOTE_ADDR="2001:db8::7", HTTP_USER_AGENT="Firefox|1")
    request.user = user
    first = access_log_record(action=Action.VIEW, request=request, client_uuid=uuid.uuid4())
    access_log_record_many(
        action=Action.EXPORT,
        user=user,
        client_uuids=[uuid.uuid4(), uuid.uuid4()],
        detail="allowance.pdf",
    )
    seal_pending()
    return [first, *AccessLogEntry.objects.filter(action="export").order_by("pk")]


def test_every_entry_is_sealed_in_order_and_the_chain_is_whole(counsellor):
    entries = _log_three(counsellor)
    seals = list(AccessLogSeal.objects.order_by("seq"))
    assert [seal.entry_id for seal in seals] == [entry.pk for entry in entries]
    assert seals[0].prev_hash == GENESIS
    assert [seal.prev_hash for seal in seals[1:]] == [seal.hash for seal in seals[:-1]]
    status, out = _verify_command()
    assert status == 0
    assert "3" in out
    assert seals[-1].hash in out


def test_bulk_rows_are_one_per_distinct_client(counsellor):
    same = uuid.uuid4()
    written = access_log_record_many(
        action=Action.VIEW, user=counsellor, client_uuids=[same, str(same), None, uuid.uuid4()]
    )
    assert written == 2
    assert AccessLogEntry.objects.filter(client_uuid=same).count() == 1


def test_an_entry_changed_by_the_owner_is_named(counsellor):
    entries = _log_three(counsellor)
    changed = entries[1]
    _as_owner(f"UPDATE audit_accesslogentry SET detail = 'nothing' WHERE id = {changed.pk}")
    verdict = verify()
    assert not verdict.ok
    assert (verdict.problems[0].entry_id, verdict.problems[0].text) == (
        changed.pk,
        "entry changed",
    )
    status, out = _verify_command()
    assert status == 1
    assert f"Entry {changed.pk} " in out


def test_an_entry_removed_by_the_owner_is_named(counsellor):
    entries = _log_three(counsellor)
    removed = entries[0]
    _as_owner(f"DELETE FROM audit_accesslogentry WHERE id = {removed.pk}")
    verdict = verify()
    assert [(p.entry_id, p.text) for p in verdict.problems] == [(removed.pk, "entry removed")]


def test_removing_an_entry_with_its_seal_breaks_the_chain(counsellor):
    entries = _log_three(counsellor)
    middle = entries[1]
    _as_owner(
        f"DELETE FROM audit_accesslogseal WHERE entry_id = {middle.pk}",
        f"DELETE FROM audit_accesslogentry WHERE id = {middle.pk}",
    )
    verdict = verify()
    assert [(p.entry_id, p.text) for p in verdict.problems] == [
        (entries[2].pk, "a seal before this one was changed or removed")
    ]


def test_an_entry_written_past_the_application_is_named(counsellor):
    """The owner switches the sealing off, writes a row and switches it on again."""
    _log_three(counsellor)
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks are pending trigger events too: run them first.
        switch_off = [
            "SET CONSTRAINTS ALL IMMEDIATE",
            "ALTER TABLE audit_accesslogentry DISABLE TRIGGER audit_accesslogentry_seal",
        ]
        switch_on = ["ALTER TABLE audit_accesslogentry ENABLE TRIGGER audit_accesslogentry_seal"]
    else:
        migration = importlib.import_module("audit.migrations.0004_seal_trigger")
        switch_off = ["DROP TRIGGER audit_accesslogentry_seal"]
        switch_on = [migration.SQLITE_UP[0]]
    _as_owner(
        *switch_off,
        "INSERT INTO audit_accesslogentry (at, username, action, object_type, object_id,"
        " basis, detail, user_agent) VALUES (CURRENT_TIMESTAMP, 'mallory', 'view', '', '',"
        " '', 'forged', '')",
        *switch_on,
    )
    forged = AccessLogEntry.objects.get(username="mallory")
    verdict = verify()
    assert [(p.entry_id, p.text) for p in verdict.problems] == [
        (forged.pk, "entry without a seal (written past the application)")
    ]


@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_keep_one_chain(counsellor):
    """Each request's transaction is sealed when it commits; concurrent writers queue only
    for their commit, and the chain stays one line."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: there is nothing to race")

    def write(batch: int) -> None:
        try:
            for _ in range(5):
                with transaction.atomic():
                    access_log_record_many(
                        action=Action.VIEW,
                        username=f"writer-{batch}",
                        client_uuids=[uuid.uuid4() for _ in range(3)],
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert AccessLogEntry.objects.count() == 60
    assert AccessLogSeal.objects.count() == 60
    verdict = verify()
    assert verdict.ok, verdict.problems
    assert verdict.entries == 60
