#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

# Commands that must run as the schema's owner when production has two database roles
# (interfaces.md §5). With MIGRATE_DATABASE_URL set they get it as DATABASE_URL, so the whole
# process is the owner: migrations, their data steps and post_migrate all use one connection,
# and nobody has to remember `--database owner` (which a data migration that forgets `using`
# would ignore). Every other command, gunicorn and Celery keep the application's role; the
# Celery retention task reaches the owner through the "owner" alias (audit.retention).
OWNER_COMMANDS = {"migrate", "db_roles", "purge_access_log", "access_log_verify"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuty.settings.local")
    if len(sys.argv) > 1 and sys.argv[1] in OWNER_COMMANDS:
        import environ

        # The settings read .env the same way (the environment wins); read it now so that
        # a MIGRATE_DATABASE_URL kept in .env counts too.
        environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)
        owner_url = os.environ.get("MIGRATE_DATABASE_URL", "")
        if owner_url:
            os.environ["DATABASE_URL"] = owner_url
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
