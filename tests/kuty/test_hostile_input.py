"""Hostile input gets a clear answer, never a 500, and nothing half-saved (issue: faults and
hostile input). Like the permission matrix, this walks every URL pattern of the URLconf, so a
new page is covered the day it is added:

- every page a role may open is asked with hostile query values in every parameter the pages
  read (dates far out of range, impossible months, negative pages, NUL and control characters,
  HTML, SQL fragments, very long text);
- every path with a number in it is asked with impossible numbers (404);
- every form a role may post is posted with each field filled with a hostile value, and the
  rows of every table are counted before and after: an answer that is not a success (a
  redirect) must leave every count as it was.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.urls import reverse

from tests.kuty.test_permission_matrix import MATRIX, OK, PATTERNS, URL_NAMES, page_url
from tests.kuty.world import ANONYMOUS, ROLES, world_for_module

pytestmark = pytest.mark.django_db

HOSTILE = {
    "far-future": "9999-12-31",
    "far-past": "0001-01-01",
    "month-13": "2026-13",
    "negative": "-1",
    "huge-number": "9" * 30,
    "nul": "a\x00b",
    "control": "\x1b[31m\x07\x08",
    "html": '<script>alert("x")</script>',
    "sql": "' OR 1=1; DROP TABLE clients_client; --",
    "long": "å" * 5000,
    "percent": "%",
    "list": "[[[[[[[[[[",
}
# The query parameters the pages read, whatever their page (a page ignores the others).
PARAMETERS = (
    "from", "to", "month", "year", "page", "unit", "units", "figure", "search", "q", "sort",
    "show", "status", "date", "group", "lang", "kind", "counsellor", "range", "project",
    "municipality", "action", "user", "client", "next",
)  # fmt: skip


def _first_role(name: str, method: str) -> str | None:
    page = MATRIX[name]
    answers = page.get if method == "GET" else page.post
    return next((role for role in ROLES if role != ANONYMOUS and answers[role] == OK), None)


GET_PAGES = [name for name in URL_NAMES if name in MATRIX and _first_role(name, "GET")]
# Pages that show a form on GET (its fields are read from the page) and take a POST.
FORM_PAGES = [
    name
    for name in GET_PAGES
    if MATRIX[name].post[_first_role(name, "POST") or _first_role(name, "GET")] != 405
]
# Pages with a number in their path.
INT_PAGES = sorted({name for name, route in PATTERNS if name in MATRIX and "<int:" in route})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("media")) as built:
        yield built


def _as(client: Any, world: Any, name: str, method: str) -> None:
    client.force_login(world.users[_first_role(name, method)])


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.parametrize("value", list(HOSTILE), ids=list(HOSTILE))
@pytest.mark.parametrize("name", GET_PAGES)
def test_hostile_query_values_never_break_a_page(world, client, name, value):
    _as(client, world, name, "GET")
    base = page_url(name, world)
    query = urlencode(dict.fromkeys(PARAMETERS, HOSTILE[value]))
    response = client.get(f"{base}{'&' if '?' in base else '?'}{query}")
    assert response.status_code < 500, f"GET {name} with {value}: {response.status_code}"


def _int_kwargs(name: str, world: Any) -> list[dict[str, Any]]:
    kwargs = MATRIX[name].kwargs(world)
    numbers = [key for key, value in kwargs.items() if isinstance(value, int)]
    return [
        {**kwargs, key: impossible}
        for key in numbers
        for impossible in (0, 13 if key == "month" else 99999, 2**31)
    ]


@pytest.mark.parametrize("name", INT_PAGES)
def test_impossible_path_numbers_are_not_found(world, client, name):
    cases = _int_kwargs(name, world)
    assert cases, "the route has a number but the matrix's kwargs give none"
    if _first_role(name, "GET"):
        _as(client, world, name, "GET")
    for kwargs in cases:
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code in (302, 404, 405), f"GET {url}: {response.status_code}"


# Rows that a refused request writes on purpose: the access log and the session.
BOOKKEEPING = {"audit.AccessLogEntry", "audit.AccessLogSeal", "sessions.Session"}
_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.IGNORECASE)
_SKIP_FIELDS = {"csrfmiddlewaretoken", "next", "language"}


@pytest.mark.parametrize("value", ["nul", "long", "html", "sql", "far-past", "negative"])
@pytest.mark.parametrize("name", FORM_PAGES)
def test_hostile_forms_are_refused_without_half_saved_rows(world, client, name, value):
    role = _first_role(name, "POST") or _first_role(name, "GET")
    client.force_login(world.users[role])
    url = page_url(name, world)
    shown = client.get(url) if _first_role(name, "GET") else None
    fields = sorted(set(_FIELD.findall(shown.content.decode()))) if shown is not None else []
    fields = [field for field in fields if field not in _SKIP_FIELDS]
    if not fields:
        pytest.skip("no form fields on the page")
    before = _row_counts()
    response = client.post(url, dict.fromkeys(fields, HOSTILE[value]))
    assert response.status_code < 500, f"POST {name} with {value}: {response.status_code}"
    if response.status_code != 302:
        after = _row_counts()
        changed = {
            label: (before[label], after[label])
            for label in before
            if before[label] != after[label] and label not in BOOKKEEPING
        }
        assert not changed, f"POST {name} with {value} was refused but changed rows: {changed}"
