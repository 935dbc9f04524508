"""Tests: the database comes from DATABASE_URL (PostgreSQL in CI), fast password hashing."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
KUTY_ENVIRONMENT = "test"
# One role for the tests, whatever .env says: tests/audit/test_db_roles.py proves the two roles.
DATABASES.pop("owner", None)  # noqa: F405
# The reports' replica (kuty/routers.py): a second connection to the same test database.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "ATOMIC_REQUESTS": False,
    "TEST": {"MIRROR": "default"},
}
