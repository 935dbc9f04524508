"""The access log keeps its rows for ACCESS_LOG_RETENTION_YEARS: older rows are removed by the
nightly task (or the command), through the database's own guard, and the removal is logged."""

from __future__ import annotations

import datetime
import uuid
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from audit.chain import ANCHOR_OBJECT_TYPE, verify
from audit.models import AccessLogEntry, AccessLogSeal, Action
from audit.retention import PURGE_USERNAME, access_log_purge
from audit.services import access_log_record
from audit.tasks import purge_access_log
from kuty.celery import app

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def logged_at(moment: datetime.datetime, client_uuid: uuid.UUID) -> None:
    with mock.patch.object(timezone, "now", return_value=moment):
        access_log_record(action=Action.VIEW, username="alice", client_uuid=client_uuid)


@pytest.fixture
def guarded_log():
    """The log with the database's guard on (the test database lifts it for its flush), and
    rows from 13 and 11 years back and from yesterday."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog_maintenance")
    old, kept, recent = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    logged_at(NOW - datetime.timedelta(days=13 * 365), old)
    logged_at(NOW - datetime.timedelta(days=11 * 365), kept)
    logged_at(NOW - datetime.timedelta(days=1), recent)
    return old, kept, recent


def test_rows_past_retention_are_removed_and_the_removal_is_logged(guarded_log, settings):
    settings.ACCESS_LOG_RETENTION_YEARS = 12
    old, kept, recent = guarded_log

    with translation.override("en"):
        assert access_log_purge(now=NOW) == 1

    clients = set(AccessLogEntry.objects.values_list("client_uuid", flat=True))
    assert old not in clients
    assert {kept, recent} <= clients
    record = AccessLogEntry.objects.get(username=PURGE_USERNAME)
    assert record.action == Action.DELETE
    assert record.detail == (
        "Retention (12 years): 1 access-log rows logged before 27.11.2014 14:00 removed"
    )


def test_the_database_still_refuses_other_deletes_after_a_purge(guarded_log):
    access_log_purge(now=NOW, years=12)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslogentry")
    assert AccessLogEntry.objects.count() == 3  # two kept, and the purge's own row


def test_nothing_past_retention_writes_nothing(guarded_log):
    assert access_log_purge(now=NOW, years=20) == 0
    assert not AccessLogEntry.objects.filter(username=PURGE_USERNAME).exists()


def test_the_nightly_task_and_the_command_use_the_setting(guarded_log, settings, capsys):
    settings.ACCESS_LOG_RETENTION_YEARS = 12
    assert purge_access_log.apply().get() == 1  # the row of 13 years back
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "audit.tasks.purge_access_log" in schedule

    settings.ACCESS_LOG_RETENTION_YEARS = 10
    with translation.override("en"):
        call_command("purge_access_log")
    assert "1 access-log rows older than 10 years removed." in capsys.readouterr().out

    settings.ACCESS_LOG_RETENTION_YEARS = 0
    with translation.override("en"), pytest.raises(CommandError, match="at least 1"):
        call_command("purge_access_log")


def test_the_purge_takes_the_seals_along_and_the_chain_stays_whole(guarded_log):
    old, kept, _recent = guarded_log
    removed = AccessLogEntry.objects.get(client_uuid=old).pk
    first_kept = AccessLogEntry.objects.get(client_uuid=kept).pk

    access_log_purge(now=NOW, years=12)

    assert not AccessLogSeal.objects.filter(entry_id=removed).exists()
    first_seal = AccessLogSeal.objects.order_by("seq").first()
    assert first_seal.entry_id == first_kept
    # The purge's own entry names the last removed seal, where the chain now starts.
    record = AccessLogEntry.objects.get(username=PURGE_USERNAME)
    assert record.object_type == ANCHOR_OBJECT_TYPE
    assert record.object_id == first_seal.prev_hash
    assert verify().ok


def test_an_older_row_logged_after_newer_ones_waits_for_the_next_purge(guarded_log):
    """The chain is cut only at its start: a row stamped in the past but sealed after newer
    rows stays until the rows before it go."""
    late = uuid.uuid4()
    logged_at(NOW - datetime.timedelta(days=20 * 365), late)

    assert access_log_purge(now=NOW, years=12) == 1  # the 13-year-old row, not the late one
    assert AccessLogEntry.objects.filter(client_uuid=late).exists()
    assert access_log_purge(now=NOW + datetime.timedelta(days=365 * 30), years=12) == 4
    assert not AccessLogEntry.objects.filter(client_uuid=late).exists()
    assert verify().ok
