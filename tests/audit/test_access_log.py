import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from audit.models import AccessLogEntry, Action, AppendOnlyError
from audit.services import access_log_record
from tests.organisations.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_record_stores_who_what_which_and_from_where(counsellor):
    request = RequestFactory().get("/x", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox")
    request.user = counsellor
    client_uuid = uuid.uuid4()
    unit = UnitFactory()
    entry = access_log_record(
        action=Action.VIEW, request=request, client_uuid=client_uuid, obj=unit, basis="care"
    )
    entry.refresh_from_db()
    assert entry.user == counsellor
    assert entry.username == "alice"
    assert entry.action == "view"
    assert entry.client_uuid == client_uuid
    assert entry.object_type == "organisations.unit"
    assert entry.object_id == str(unit.uuid)
    assert entry.ip_address == "10.1.2.3"
    assert entry.user_agent == "Firefox"
    assert entry.at is not None


def test_rows_cannot_be_changed_or_deleted_through_the_orm(counsellor):
    entry = access_log_record(action=Action.VIEW, user=counsellor)
    entry.action = "delete"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(action="change")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "view"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_accesslogentry SET action = 'change'",
        "DELETE FROM audit_accesslogentry",
    ],
)
def test_database_refuses_changes_from_any_client(counsellor, statement):
    access_log_record(action=Action.VIEW, user=counsellor)
    # The test database allows its own flush; take that permission away inside this test.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog_maintenance")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AccessLogEntry.objects.filter(action="view").count() == 1
