"""Past one machine: the reports' read-only replica (kuty/routers.py), report files on
S3-compatible storage (kuty/storage_url.py), the reports' own Celery queue, gunicorn workers
by cores."""

from __future__ import annotations

import hashlib
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kuty.routers import REPLICA, ReplicaRouter, report_db, report_reads
from kuty.storage_url import FILESYSTEM, S3, StorageUrlError, media_storage
from reporting.builders import build_report
from tests.reporting.builder_data import attend, d, make_world, params, period, person

REPO = Path(__file__).resolve().parents[2]


# --- the replica ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_report_build_reads_through_the_replica_and_writes_nothing_there():
    world = make_world()
    anna = person(born=d(1980, 5, 1), sex="woman", municipality=world.helsinki, unit=world.u1)
    attend(period(anna, world.u1, d(2025, 2, 1), d(2025, 8, 31)), d(2025, 3, 3), "PPPP")
    from reporting.models import Rate

    Rate.objects.get_or_create(
        kind="allowance", valid_from=d(2002, 1, 1), defaults={"amount": "9.00", "source": "t"}
    )
    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections["default"]) as default,
    ):
        report = build_report(params("allowance", "2025-03-01", "2025-03-31"))
    assert report["totals"]["present_days"] == 4  # the figures, read through the replica
    assert replica.captured_queries
    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) for q in replica)
    assert not default.captured_queries  # nothing of the build on the default connection
    # Outside the builders, reads stay on the default database.
    with CaptureQueriesContext(connections[REPLICA]) as after:
        Rate.objects.count()
    assert not after.captured_queries


def test_inside_a_tests_transaction_reports_read_the_default(db):
    # The replica's second connection could not see this test's uncommitted rows.
    with report_reads() as alias:
        assert alias == "default"


def test_the_router_never_writes_or_migrates_on_the_replica():
    router = ReplicaRouter()

    class Loaded:
        class _state:
            db = REPLICA

    assert router.db_for_write(object, instance=Loaded()) == "default"
    assert router.db_for_write(object) is None
    assert router.allow_migrate(REPLICA, "clients") is False
    assert router.allow_migrate("default", "clients") is None
    assert router.db_for_read(object) is None  # outside report_reads: Django decides


def test_without_a_replica_everything_uses_the_default(settings):
    databases = dict(connections.settings)
    try:
        connections.settings.pop(REPLICA)
        assert report_db() == "default"
    finally:
        connections.settings.clear()
        connections.settings.update(databases)


# --- storage ----------------------------------------------------------------------------------


def test_no_url_is_the_local_media_directory():
    assert media_storage("") == {"BACKEND": FILESYSTEM}
    assert media_storage("file:///data/media") == {
        "BACKEND": FILESYSTEM,
        "OPTIONS": {"location": "/data/media"},
    }


def test_an_s3_url_becomes_django_storages_options():
    url = (
        "s3://kuty-reports/prod/files?endpoint_url=https://s3.example.fi"
        "&region=eu-north-1&addressing_style=path&sse=AES256&expire=120"
    )
    assert media_storage(url) == {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": "kuty-reports",
            "location": "prod/files",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 120,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "endpoint_url": "https://s3.example.fi",
            "region_name": "eu-north-1",
            "addressing_style": "path",
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
    plain = media_storage("s3://bucket")["OPTIONS"]
    assert (plain["bucket_name"], plain["location"]) == ("bucket", "")
    assert "endpoint_url" not in plain  # AWS itself


@pytest.mark.parametrize(
    "url",
    [
        "s3://key:secret@bucket/prefix",  # credentials belong in the environment
        "s3:///prefix",  # no bucket
        "ftp://host/path",
        "s3://bucket?endpont_url=x",  # a misspelt parameter is an error, not ignored
    ],
)
def test_a_wrong_url_is_refused(url):
    with pytest.raises(StorageUrlError):
        media_storage(url)


def test_the_s3_backend_loads_with_the_parsed_options(monkeypatch):
    from django.core.files.storage import storages  # noqa: F401
    from storages.backends.s3 import S3Storage

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    options = media_storage("s3://kuty/reports?endpoint_url=http://127.0.0.1:9&region=eu-north-1")
    storage = S3Storage(**options["OPTIONS"])
    assert (storage.bucket_name, storage.location, storage.endpoint_url) == (
        "kuty",
        "reports",
        "http://127.0.0.1:9",
    )


def test_report_files_go_through_the_storage_api(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("reports/2025/03/run/allowance.pdf", ContentFile(b"%PDF-1.7 x"))
    assert default_storage.exists(name)
    with default_storage.open(name, "rb") as handle:
        assert (
            hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(b"%PDF-1.7 x").hexdigest()
        )
    assert (tmp_path / name).exists()
    default_storage.delete(name)
    assert not default_storage.exists(name)


# --- queues and workers -----------------------------------------------------------------------


def test_report_runs_have_their_own_queue():
    from kuty.celery import app

    route = app.amqp.router.route({}, "reporting.tasks.execute_report_run")
    assert route["queue"].name == "reports"
    assert app.amqp.router.route({}, "reporting.tasks.sweep_report_runs")["queue"].name == "celery"
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0


def test_gunicorn_workers_follow_the_cores(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["workers"] == 2 * config["_cores"]() + 1
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["workers"] == 5
