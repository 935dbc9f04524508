"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIGRATE_DATABASE_URL, REPLICA_DATABASE_URL, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set for production (a long random string)."
    )
DEBUG = False
# Identity codes at rest: the keys never come from the repository (docs/security.md).
HETU_KEYS = env.list("HETU_KEYS", default=[])
HETU_HMAC_KEY = env("HETU_HMAC_KEY", default="")
if not HETU_KEYS or not HETU_HMAC_KEY:
    raise ImproperlyConfigured(
        "HETU_KEYS and HETU_HMAC_KEY must be set for production: make each with "
        "python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )
KUTY_ENVIRONMENT = "production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before each request: a database restart costs no request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if MIGRATE_DATABASE_URL:  # the schema's owner, as in base (interfaces.md §5)
    DATABASES["owner"] = env.db("MIGRATE_DATABASE_URL")
if REPLICA_DATABASE_URL:  # the reports' read-only replica, as in base (kuty/routers.py)
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
without_jit(DATABASES)  # noqa: F405  (as in base)

STORAGES = {
    "default": STORAGES["default"],  # noqa: F405  (MEDIA_STORAGE_URL, as in base)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Every role signs in with a second factor unless MFA_REQUIRED_ROLES says otherwise.
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES",
    default=[
        "counsellor",
        "unit_manager",
        "project_manager",
        "municipal_official",
        "administrator",
    ],
)

# One JSON object a log line, with the request id (LOG_FORMAT=plain for a person's terminal).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # noqa: F405
