import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_production_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOWED_HOSTS"}
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


def test_production_starts_with_a_secret_key():
    result = _run_production_check(
        {"DJANGO_ALLOWED_HOSTS": "kuty.example.fi", "DJANGO_SECRET_KEY": "x" * 60 + "-Yz9!"}
    )
    assert result.returncode == 0, result.stderr
