"""Every page that shows a client writes that client's access-log row in the same request
(Act 703/2023 11 §, interfaces.md §4).

The pages are those of the permission matrix (tests/kuty/test_permission_matrix.py), which
walks the URLconf, so a new page is covered as soon as it has its entry there. Each page is
rendered as each role that may see the unit's clients (by GET, and by an empty POST where
that shows the page again); every client of the world whose name or identity code is in the
answer must have a row written by that request, for that user.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLogEntry
from tests.kuty.test_permission_matrix import BAD, MATRIX, OK, page_url
from tests.kuty.world import CLIENT_VIEWERS, COUNSELLOR, PROJECT_MANAGER, World, world_for_module

pytestmark = pytest.mark.django_db
LOG_TABLE = AccessLogEntry._meta.db_table

# Pages known not to log yet, each with the work that closes the gap. Strict: once the page
# logs, its cases pass, the xfail fails, and the entry must go.
KNOWN_GAPS: dict[str, str] = {}


def _case(name: str, role: str, method: str) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[name])] if name in KNOWN_GAPS else []
    return pytest.param(name, role, method, marks=marks, id=f"{name}-{role}-{method}")


# Every page a role that sees the unit's clients gets rendered (by GET, and by an empty POST
# where that shows a page again: a form with its errors).
CASES = [
    _case(name, role, method)
    for name, page in sorted(MATRIX.items())
    for method, answers in (("GET", page.get), ("POST", page.post))
    for role in CLIENT_VIEWERS
    if answers[role] in (OK, BAD)
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("media")) as built:
        yield built


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def clients_shown(world: World, body: str) -> list[Any]:
    """The world's clients named in ``body``: by full name (either order) or identity code."""
    return [
        client
        for client in world.clients
        if client.hetu in body
        or f"{client.last_name} {client.first_name}" in body
        or f"{client.first_name} {client.last_name}" in body
    ]


def render(
    client: Any, world: World, name: str, role: str, method: str = "GET"
) -> tuple[str, int, int]:
    """The page's body as ``role``, the id of the last log row before the request and the
    number of INSERT statements the request sent to the log."""
    client.force_login(world.users[role])
    before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url = page_url(name, world)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "GET" else client.post(url, {})
    expected = (MATRIX[name].get if method == "GET" else MATRIX[name].post)[role]
    assert response.status_code == expected, f"{method} {name} as {role}: {response.status_code}"
    inserts = sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{LOG_TABLE}"'))
    return body_of(response), before, inserts


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_every_client_shown_is_logged(world, client, name, role, method):  # type: ignore[no-untyped-def]
    body, before, inserts = render(client, world, name, role, method)
    assert inserts <= 1, f"{method} {name} as {role}: {inserts} inserts into the log, not one"
    user = world.users[role]
    logged = set(
        AccessLogEntry.objects.filter(id__gt=before, user=user).values_list(
            "client_uuid", flat=True
        )
    )
    missing = [c.full_name for c in clients_shown(world, body) if c.uuid not in logged]
    assert not missing, (
        f"{method} {name} as {role} shows {missing} without an access-log row for them"
    )


@pytest.mark.parametrize(
    ("name", "role", "at_least"),
    [
        ("guidance:attendance_month", COUNSELLOR, {"aino", "eero"}),
        ("clients:list", PROJECT_MANAGER, {"aino", "eero", "kaisa"}),
        ("dashboards:records", PROJECT_MANAGER, {"aino", "eero"}),
        ("guidance:group_detail", COUNSELLOR, {"aino", "eero"}),
        ("home_counsellor", COUNSELLOR, {"aino", "eero", "kaisa"}),
        ("reporting:download", COUNSELLOR, {"aino", "eero"}),
    ],
)
def test_the_world_names_clients_on_its_lists(world, client, name, role, at_least):  # type: ignore[no-untyped-def]
    """The coverage test checks something: the lists of the world name several clients, and
    never a client of another unit; the count of inserts sees the log's statements."""
    body, _before, inserts = render(client, world, name, role)
    shown = {c.first_name.lower() for c in clients_shown(world, body)}
    assert at_least <= shown, f"{name} as {role} shows only {shown}"
    assert "olli" not in shown
    assert inserts == 1  # the rows of a list are written in one statement
