"""Faults are normal: a part that is down gets a clear answer in the user's language, never a
500, and /readyz names the part. Real services are stopped in the chaos test (marker chaos)."""

from __future__ import annotations

import json
import logging
import sys
import time

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone, translation

from kuty.errors import server_error
from kuty.logging import JsonFormatter, RequestIdFilter, request_id
from kuty.middleware import DatabaseUnavailableMiddleware
from kuty.models import Heartbeat

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:6399/0"  # nothing listens here


def test_readyz_names_every_part(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}


def test_readyz_names_an_unreachable_broker_within_seconds(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    Heartbeat.objects.create(name="worker", at=timezone.now())
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 6
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_names_workers_without_a_heartbeat(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    settings.READYZ_HEARTBEAT_MAX_AGE = 120
    Heartbeat.objects.create(name="worker", at=timezone.now() - timezone.timedelta(minutes=5))
    body = client.get("/readyz").json()
    assert "worker" in body["failing"]
    assert "no worker heartbeat for 3" in body["checks"]["worker"]


def test_readyz_names_an_unreachable_cache(client, settings):
    settings.CACHE_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_a_page_that_does_not_exist_answers_in_finnish_with_a_way_back(client, counsellor):
    client.force_login(counsellor)
    response = client.get("/clients/not-a-uuid/", HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="fi"' in body
    assert 'href="/"' in body
    assert response["X-Request-ID"] in body


def test_a_lost_database_answers_503_not_500():
    request = RequestFactory().get("/clients/")
    request.request_id = "abc123def456"
    with translation.override("en"):
        response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(
            request, OperationalError("server closed the connection unexpectedly")
        )
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
    assert "abc123def456" in response.content.decode()
    assert response["Retry-After"] == "30"


def test_a_database_error_before_the_view_is_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503


def test_log_lines_are_json_with_the_request_id():
    token = request_id.set("req-0123456789")
    try:
        record = logging.LogRecord("kuty", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "req-0123456789"
    assert line["message"] == "failed x"
    assert line["level"] == "ERROR"
