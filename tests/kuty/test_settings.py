import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_production_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOWED_HOSTS",
            "HETU_KEYS",
            "HETU_HMAC_KEY",
        }
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kuty.settings.production",
            "DATABASE_URL": "sqlite:///:memory:",
            **extra_env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run_production_check({"DJANGO_ALLOWED_HOSTS": "kuty.example.fi"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = _run_production_check(
        {
            "DJANGO_ALLOWED_HOSTS": "kuty.example.fi",
            "DJANGO_SECRET_KEY": "insecure-local-development-key-not-for-production",
        }
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


HETU_ENV = {
    "HETU_KEYS": "dGhpcy1pcy1hLXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmc=",  # 32 bytes, base64
    "HETU_HMAC_KEY": "a-test-digest-key",
}


def test_production_starts_with_a_secret_key():
    result = _run_production_check(
        {
            "DJANGO_ALLOWED_HOSTS": "kuty.example.fi",
            "DJANGO_SECRET_KEY": "x" * 60 + "-Yz9!",
            **HETU_ENV,
        }
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_the_identity_code_keys():
    """Never the keys derived from the secret key: a code's key is set on purpose."""
    for missing in HETU_ENV:
        env = {k: v for k, v in HETU_ENV.items() if k != missing}
        result = _run_production_check(
            {"DJANGO_ALLOWED_HOSTS": "kuty.example.fi", "DJANGO_SECRET_KEY": "x" * 60, **env}
        )
        assert result.returncode != 0
        assert "HETU_KEYS and HETU_HMAC_KEY must be set" in result.stderr


def test_a_cache_url_shares_the_cache_through_redis():
    """With CACHE_URL the web processes share one cache (the dashboards' figures): what one
    process keeps, Redis holds for the others."""
    import redis

    from tests.conftest import need_service

    url = "redis://127.0.0.1:6379/14"
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=2)
        server.ping()
    except redis.RedisError:
        need_service("Redis at 127.0.0.1:6379")
    server.flushdb()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "kuty.settings.test", "CACHE_URL": url})
    script = "from django.core.cache import cache; cache.set('kept-by-one', 'seen-by-all', 60)"
    result = subprocess.run(  # noqa: S603 (our own command and script)
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert any(b"kept-by-one" in key for key in server.keys("*"))
    server.flushdb()


def test_sentry_is_off_without_a_dsn_and_sends_no_personal_data_with_one(tmp_path):
    """SENTRY_DSN (off by default) turns on error reports without request bodies or user
    details."""
    import subprocess
    import sys

    code = (
        "import django, sentry_sdk; django.setup(); "
        "client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.options.get('send_default_pii'), "
        "client.options.get('max_request_body_size'))"
    )
    env_base = {"DJANGO_SETTINGS_MODULE": "kuty.settings.test", "PATH": "/usr/bin:/bin"}
    off = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], env=env_base, capture_output=True, text=True, check=True
    )
    assert off.stdout.split()[0] == "False"
    on = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        env={**env_base, "SENTRY_DSN": "https://key@sentry.invalid/1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert on.stdout.split() == ["True", "False", "never"]
