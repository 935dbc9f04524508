"""Shared fixtures.

REQUIRE_SERVICES=1 (CI) turns every skip for a missing service (PostgreSQL, Redis, Chromium)
into a failure, so a green run cannot hide a test that did not run.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import traceback

import pytest
from django.db import connection

from tests.organisations.factories import (
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(reason: str) -> None:
    """Skip the test for a missing service, or fail it when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Allow the test database's flush to clear the access log (see audit migration 0002)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog_maintenance")
        cursor.execute("INSERT INTO audit_accesslog_maintenance (reason) VALUES ('test database')")
    if REQUIRE_SERVICES and connection.vendor != "postgresql":
        pytest.fail("REQUIRE_SERVICES=1 but the tests do not run on PostgreSQL")


# --- No identity code in any log line ------------------------------------------------------
# Every log record made during the session (whatever its logger, level or handlers, so a later
# dictConfig or a logger that does not propagate cannot hide one) is checked for something
# shaped like a Finnish personal identity code, in its message and its exception text. One
# found fails the session and is listed, masked, with the test that was running.
IDENTITY_CODE = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y]\b")
_identity_code_records: list[str] = []
_running_test = ["(outside any test)"]
_factory_before = logging.getLogRecordFactory()


def identity_code_in_record(record: logging.LogRecord) -> str | None:
    """The record's text with identity codes masked, when it contains one; else None."""
    texts = [record.getMessage()]
    if record.exc_info and record.exc_info[0] is not None:
        texts.append("".join(traceback.format_exception(*record.exc_info)))
    if record.stack_info:
        texts.append(record.stack_info)
    text = "\n".join(texts)
    if not IDENTITY_CODE.search(text):
        return None
    return IDENTITY_CODE.sub("XXXXXX-XXXX", text)


def _watching_record_factory(*args, **kwargs):  # type: ignore[no-untyped-def]
    record = _factory_before(*args, **kwargs)
    try:
        masked = identity_code_in_record(record)
    except Exception:  # a message that cannot be formatted is logging's problem, not ours
        masked = None
    if masked is not None:
        _identity_code_records.append(
            f"{_running_test[0]}: {record.levelname} {record.name}: {masked[:500]}"
        )
    return record


def pytest_configure(config):  # type: ignore[no-untyped-def]
    logging.setLogRecordFactory(_watching_record_factory)


def pytest_unconfigure(config):  # type: ignore[no-untyped-def]
    logging.setLogRecordFactory(_factory_before)


def pytest_runtest_logstart(nodeid, location):  # type: ignore[no-untyped-def]
    _running_test[0] = nodeid


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    if _identity_code_records and session.exitstatus in (
        pytest.ExitCode.OK,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if _identity_code_records:
        terminalreporter.section("identity codes in log records", red=True)
        for line in _identity_code_records:
            terminalreporter.line(line, red=True)
        terminalreporter.line(
            f"{len(_identity_code_records)} log record(s) contained an identity code: "
            "fix the logging call (log ids, never personal data)",
            red=True,
        )


# The rows the migrations seed, as (migration module, its forwards function).
SEEDED_BY_MIGRATIONS = (
    ("clients.migrations.0003_period_limits", "seed_limits"),
    ("clients.migrations.0005_eligibility_limits", "seed_limits"),
    ("activation_plans.migrations.0003_plan_types", "forwards"),
    ("reporting.migrations.0007_allowance_rate_from_2010", "seed_rates"),
)


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: a dashboard's figures kept by an earlier test for
    the same filters (the database since emptied) are never shown to the next one."""
    from django.core.cache import caches

    # Every alias, not only those this thread has opened: the live server's thread keeps its
    # figures in the same process-wide memory.
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _seeded_rows(request):  # type: ignore[no-untyped-def]
    """A ``transaction=True`` test ends by emptying every table (Django's flush), the rows the
    migrations seed too (period rules, plan types, rates). Each transactional test gets them
    back here, as on a freshly migrated database, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module, function in SEEDED_BY_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def unit(db):  # type: ignore[no-untyped-def]
    return UnitFactory()


@pytest.fixture
def other_unit(db):  # type: ignore[no-untyped-def]
    return UnitFactory()


@pytest.fixture
def counsellor(unit):  # type: ignore[no-untyped-def]
    user = UserFactory(username="alice")
    RoleAssignmentFactory(user=user, role="counsellor", unit=unit)
    return user


@pytest.fixture
def outsider(other_unit):  # type: ignore[no-untyped-def]
    """A counsellor of another unit: must get 404 for everything of ``unit``."""
    user = UserFactory(username="charlie")
    RoleAssignmentFactory(user=user, role="counsellor", unit=other_unit)
    return user
