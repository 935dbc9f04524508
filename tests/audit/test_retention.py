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

from audit.models import AccessLogEntry, Action
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


def test_the_command_and_the_nightly_task_use_the_setting(guarded_log, settings, capsys):
    settings.ACCESS_LOG_RETENTION_YEARS = 10
    with translation.override("en"):
        call_command("purge_access_log")
    # The rows of 13 and 11 years back are older than ten years.
    assert "2 access-log rows older than 10 years removed." in capsys.readouterr().out

    settings.ACCESS_LOG_RETENTION_YEARS = 0
    with translation.override("en"), pytest.raises(CommandError, match="at least 1"):
        call_command("purge_access_log")

    settings.ACCESS_LOG_RETENTION_YEARS = 1
    logged_at(timezone.now() - datetime.timedelta(days=800), uuid.uuid4())
    assert purge_access_log.apply().get() == 1  # the row of 800 days back
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "audit.tasks.purge_access_log" in schedule
