"""Settings shared by every environment. Values come from the environment (django-environ)."""

import base64
import hashlib
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from kuty.storage_url import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _derived_key(secret: str, purpose: str) -> str:
    """A key made from SECRET_KEY: development and tests only (production sets its own)."""
    digest = hashlib.sha256(f"kuty:{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # KUTY, lowest layer first
    "accounts",
    "organisations",
    "audit",
    "clients",
    "activation_plans",
    "guidance",
    "reporting",
    "absence_notices",
    "help",
    "kuty",
]

MIDDLEWARE = [
    "kuty.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kuty.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kuty.middleware.IdleSessionMiddleware",
    "accounts.middleware.MFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "kuty.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "kuty.urls"
WSGI_APPLICATION = "kuty.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "organisations.context_processors.roles",
                "csp.context_processors.nonce",
                "kuty.context_processors.session",
            ],
        },
    },
]

# Database: DATABASE_URL, an SQLite file by default (the embedded run).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Production's two PostgreSQL roles (interfaces.md §5): MIGRATE_DATABASE_URL is the schema's
# owner, DATABASE_URL the application's role, which may only read and add to the access log.
# When it is set the owner gets its own alias, "owner" (never atomic per request: web requests
# do not touch it); manage.py runs migrate and the log's maintenance commands as the owner, and
# the retention purge uses this alias. Unset (SQLite, development, tests): DATABASE_URL does all.
MIGRATE_DATABASE_URL = env("MIGRATE_DATABASE_URL", default="")
if MIGRATE_DATABASE_URL:
    DATABASES["owner"] = env.db("MIGRATE_DATABASE_URL")
# A read-only replica for the report builders and the dashboards (kuty/routers.py): only reads
# inside kuty.routers.report_reads() go there; every write, the access log included, goes to
# the default database. Unset: the default database does all.
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
DATABASE_ROUTERS = ["kuty.routers.ReplicaRouter"]


def without_jit(databases: dict) -> dict:
    """PostgreSQL connections without JIT compilation (``-c jit=off``, added to any options
    of the URL): the reports' set-based statements are priced high enough to be compiled, and
    compiling took longer than running them (2.8 s of 5.4 s for a year's warnings)."""
    for database in databases.values():
        if database.get("ENGINE", "").endswith("postgresql"):
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return databases


without_jit(DATABASES)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 first: existing PBKDF2 hashes are upgraded when their user next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# E-mail (password reset links): EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.fi:587.
# Default: printed on the console (development); the tests keep mail in memory (pytest-django).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="kuty@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password reset link works for an hour, once (accounts/password_reset.py). At most
# PASSWORD_RESET_LIMIT requests an hour per e-mail address and per client address send mail.
PASSWORD_RESET_TIMEOUT = 60 * 60
PASSWORD_RESET_LIMIT = 5

# django-axes: lock a user name + address out after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy: its addresses or networks (comma-separated, e.g. "10.0.0.5,10.1.0.0/16").
# Only from these is X-Forwarded-For believed; the access log and axes use the same helper.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "audit.addresses.client_ip"

# Two-factor sign-in (django-otp, TOTP): the roles (comma-separated codes) whose users must
# enrol an authenticator app; production defaults to every role. A user who has enrolled is
# always asked for a code. Wrong codes slow the next try down (1, 2, 4, ... seconds).
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = "KUTY"
OTP_TOTP_THROTTLE_FACTOR = 1

# Identity codes at rest (clients/crypto.py, docs/security.md): Fernet keys, newest first, and
# the key of the digest that exact search compares. Production must set both; elsewhere they are
# derived from SECRET_KEY so that `make run` and the tests need nothing.
HETU_KEYS = env.list("HETU_KEYS", default=[_derived_key(SECRET_KEY, "hetu")])
HETU_HMAC_KEY = env("HETU_HMAC_KEY", default=_derived_key(SECRET_KEY, "hetu-hmac"))

# Internationalisation: Finnish first, Swedish and English available.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kuty.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The report files: MEDIA_ROOT, or S3-compatible storage with MEDIA_STORAGE_URL=s3://bucket/prefix
# ?endpoint_url=…&region=… (kuty/storage_url.py; credentials from the AWS_* environment).
MEDIA_STORAGE_URL = env("MEDIA_STORAGE_URL", default="")
STORAGES = {
    "default": media_storage(MEDIA_STORAGE_URL),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# An idle session ends: SESSION_COOKIE_AGE after the last request, and when the browser closes.
# A request renews the session at most once a minute (kuty.middleware.IdleSessionMiddleware:
# saving it on every request would write the session table on every page). Two minutes before
# the end the page offers to continue (static/js/session.js).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_WARNING_SECONDS = 120
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts only from this site and with
# the response's nonce, no inline handlers, no eval. Styles allow inline `style` attributes
# (the templates' few layout values and Bootstrap's components set them); no other origin is
# ever allowed, so no CDN, font service or analytics can load. CSP_REPORT_ONLY=True sends the
# same policy as report-only, for a rollout.
_CSP = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "frame-ancestors": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
}
CONTENT_SECURITY_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
if CONTENT_SECURITY_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Celery: without CELERY_BROKER_URL tasks run in-process (the embedded run).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Reports are built on their own queue ("reports"), so a year's report for the whole
# organisation never delays the reminders and the beat tasks on the default queue ("celery").
# A worker consumes the queues given with -Q (docker-compose.yml runs one worker for each).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"reporting.tasks.execute_report_run": {"queue": "reports"}}
# A worker child that has grown past this many KiB is replaced after its task (a large report
# leaves the Python heap big); 0 turns the limit off.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that sends a task must not hang on a broker that is away: connect within 2 s,
# and a report run that cannot be sent waits in the database (reporting.runs._enqueue).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

# The cache: the dashboards keep their figures per filter for DASHBOARD_CACHE_SECONDS. Several
# web processes (production) should share one: CACHE_URL=redis://host:6379/1. Without it each
# process keeps its own in memory.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A stopped Redis must cost a page a second at most, not a hang.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# /readyz: a worker heartbeat older than this (seconds) means beat or the workers are down.
READYZ_HEARTBEAT_MAX_AGE = env.int("READYZ_HEARTBEAT_MAX_AGE", default=180)
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

# KUTY's own settings.
# Which kind of deployment this is: demo data refuses to run in "production".
KUTY_ENVIRONMENT = "local"
ACCESS_LOG_RETENTION_YEARS = env.int("ACCESS_LOG_RETENTION_YEARS", default=12)
RECORD_RETENTION_YEARS = env.int("RECORD_RETENTION_YEARS", default=10)
# Counts from 1 to N-1 are hidden in figures for municipal officials and published reports.
REPORT_SUPPRESS_BELOW = env.int("REPORT_SUPPRESS_BELOW", default=5)
# A report PDF longer than this many table rows is rendered in parts of this size and joined
# (reporting/renderers/pdf): memory holds one part, whatever the report's size.
REPORT_PDF_PART_ROWS = env.int("REPORT_PDF_PART_ROWS", default=300)
# A report run whose PDF would pass this many pages gets a zip instead: a summary PDF and one
# PDF per unit (the run's page says so).
REPORT_PDF_MAX_PAGES = env.int("REPORT_PDF_MAX_PAGES", default=2000)
# The parts of a long report PDF are laid out side by side in this many worker processes
# (kuty/pdf_workers.py); 0 = the cores the worker may use, at most 4.
REPORT_PDF_PROCESSES = env.int("REPORT_PDF_PROCESSES", default=0)
# A unit manager is warned of anyone who opened more clients than this outside their own
# caseload within an hour (clients/log_search.py).
ACCESS_LOG_UNUSUAL_CLIENTS = env.int("ACCESS_LOG_UNUSUAL_CLIENTS", default=20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kuty.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kuty.logging.JsonFormatter"},
    },
    # LOG_FORMAT=json (production's default): one JSON object a line, with the request id.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request URLs never carry identity codes, but request bodies do: never log them.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.db.backends": {"level": "WARNING", "propagate": True},
    },
}

# Errors to Sentry when SENTRY_DSN is set (off by default): no personal data is sent (no
# request bodies, no user details), and identity codes never reach a log message.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        environment=env("KUTY_ENVIRONMENT", default="production"),
    )
