"""PostgreSQL connections run without JIT compilation (kuty/settings/base.py ``without_jit``):
compiling the reports' statements took longer than running them."""

from __future__ import annotations

import pytest
from django.db import connection

from kuty.settings.base import without_jit


def test_postgresql_urls_get_jit_off_and_keep_their_own_options():
    databases = {
        "default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {}},
        "replica": {
            "ENGINE": "django.db.backends.postgresql",
            "OPTIONS": {"options": "-c statement_timeout=60000", "sslmode": "require"},
        },
        "other": {"ENGINE": "django.db.backends.sqlite3"},
    }
    without_jit(databases)
    assert databases["default"]["OPTIONS"] == {"options": "-c jit=off"}
    assert databases["replica"]["OPTIONS"] == {
        "options": "-c statement_timeout=60000 -c jit=off",
        "sslmode": "require",
    }
    assert "OPTIONS" not in databases["other"]


@pytest.mark.django_db
def test_the_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
