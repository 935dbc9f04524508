"""``make bench`` end to end at a tiny size: scripts/bench.py on a fresh PostgreSQL database of its
own creates it, migrates it, generates the data and writes the table, every KUTY figure next
to its SQL query and every compared output equal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE = settings.DATABASES["default"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        DATABASE["ENGINE"] != "django.db.backends.postgresql",
        reason="the benchmark's SQL and COPY are PostgreSQL's",
    ),
]

WORK = (
    "client list, all visible",
    "client search by name",
    "client page",
    "month sheet, one group: load",
    "month sheet, one group: save",
    "project dashboard, 12 months, 40 units, cold",
    "municipal official's home, cold",
    *(
        f"{kind}, {scope}"
        for scope in (
            "whole organisation, a year",
            "whole organisation, a month",
            "one unit, a year",
        )
        for kind in ("allowance", "attendance", "state-compensation", "outcome")
    ),
)


def server_url(name: str) -> str:
    user = quote(DATABASE.get("USER") or "postgres")
    password = f":{quote(DATABASE['PASSWORD'])}" if DATABASE.get("PASSWORD") else ""
    host = DATABASE.get("HOST") or "127.0.0.1"
    port = DATABASE.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture
def bench_database():  # type: ignore[no-untyped-def]
    import psycopg2

    name = f"test_{DATABASE['NAME']}_bench"
    admin = psycopg2.connect(server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield server_url(name)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_bench_runs_end_to_end(bench_database, tmp_path):  # type: ignore[no-untyped-def]
    output = tmp_path / "results.md"
    environment = {
        **os.environ,
        "BENCH_DATABASE_URL": bench_database,
        "BENCH_CLIENTS": "60",
        "BENCH_YEARS": "1",
        "BENCH_RUNS": "1",
        "BENCH_PDF": "unit",
        "BENCH_OUTPUT": str(output),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 (the project's own script)
        [sys.executable, str(BASE_DIR / "scripts" / "bench.py")],
        capture_output=True,
        text=True,
        env=environment,
        cwd=BASE_DIR,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = output.read_text()
    assert "Generated 60 clients" in done.stdout or "Generating 60 clients" in done.stdout
    for key in ("CPU", "cores", "RAM", "PostgreSQL", "date"):
        assert f"- {key}: " in text
    rows = {
        line.split(" | ")[0].removeprefix("| "): line.split(" | ")
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| work")
    }
    assert set(WORK) <= set(rows)
    for work in WORK:
        cells = rows[work]
        kuty, sql, queries, same = cells[1], cells[2], cells[4], cells[5]
        assert kuty.endswith(("ms", " s")), work
        assert sql.endswith(("ms", " s")), work
        assert int(queries) > 0, work
        assert not same.startswith("no"), f"{work}: KUTY and SQL differ ({same})"
    # Every report's output was compared with its SQL query's.
    assert sum(1 for work in WORK[7:] if rows[work][5] == "yes") == 12
    assert "peak memory" in text
    assert "pages" in text
