"""Who gets what from every page of the URLconf, as each role, by GET and by an empty POST.

The URL patterns are walked from the project's URLconf, so a page added without an entry in
``MATRIX`` fails here by name: its author has to say who may see it. Expected answers
follow organisations/access.py and STYLE.md: a login redirect for the anonymous, 404 for
anyone who may not see the client (the same answer as for a record that does not exist),
403 only for a visible record the user may not change, 405 for a method the page does not
take. No answer is ever a server error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisations.models import Project
from tests.kuty.world import (
    ADMINISTRATOR,
    ANONYMOUS,
    COUNSELLOR,
    OFFICIAL,
    OTHER_COUNSELLOR,
    OTHER_PROJECT_MANAGER,
    PROJECT_MANAGER,
    ROLES,
    UNIT_MANAGER,
    World,
    world_for_module,
)

pytestmark = pytest.mark.django_db

# Included URLconfs left out, each with its reason.
SKIPPED = {
    "admin/": "Django's admin has its own permission system (staff accounts only)",
    "i18n/": "Django's set_language view: it changes the session's language, no records",
}

LOGIN = "login"  # a redirect to the sign-in page
REDIRECT = "redirect"  # a redirect anywhere (302)
OK, BAD, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 400, 403, 404, 405
Expect = int | str


def by_role(default: Expect, *, anonymous: Expect = LOGIN, **roles: Expect) -> dict[str, Expect]:
    """``default`` for every signed-in role, ``anonymous`` for the anonymous, then ``roles``."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    answers = dict.fromkeys(ROLES, default)
    answers[ANONYMOUS] = anonymous
    answers.update(roles)
    return answers


def readers(ok: Expect) -> dict[str, Expect]:
    """A page of the unit's client: its staff and its project manager see it, nobody else."""
    return by_role(NOT_FOUND, **{COUNSELLOR: ok, UNIT_MANAGER: ok, PROJECT_MANAGER: ok})


def writers(ok: Expect) -> dict[str, Expect]:
    """A change to the unit's client: its staff make it; the project manager sees the client
    but may not change it (403); anyone else does not see it (404)."""
    return by_role(NOT_FOUND, **{COUNSELLOR: ok, UNIT_MANAGER: ok, PROJECT_MANAGER: FORBIDDEN})


def staff_of_units(ok: Expect) -> dict[str, Expect]:
    """A page over the user's own units' clients: counsellors and unit managers anywhere."""
    return by_role(NOT_FOUND, **{COUNSELLOR: ok, OTHER_COUNSELLOR: ok, UNIT_MANAGER: ok})


def client_seers(ok: Expect) -> dict[str, Expect]:
    """A page over the clients of the user's units, read-only roles included; municipal
    officials and administrators see no client records."""
    return by_role(ok, **{OFFICIAL: NOT_FOUND, ADMINISTRATOR: NOT_FOUND})


POST_ONLY = by_role(NOT_ALLOWED)  # GET of a page that only takes POST (after the sign-in)
GET_ONLY = by_role(NOT_ALLOWED)  # an empty POST to a page that only shows


@dataclass(frozen=True)
class Page:
    get: dict[str, Expect]
    post: dict[str, Expect]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    query: Callable[[World], dict[str, Any]] = lambda w: {}


def _client(w: World) -> dict[str, Any]:
    return {"client": w.aino.uuid}


def _plan(w: World) -> dict[str, Any]:
    return {"code": w.plan.uuid}


def _group(w: World) -> dict[str, Any]:
    return {"code": w.group.uuid}


def _month(w: World) -> dict[str, Any]:
    return {"unit": w.unit.uuid, "year": w.today.year, "month": w.today.month}


def _run(w: World) -> dict[str, Any]:
    return {"code": w.run.uuid}


def _half_month(w: World) -> dict[str, Any]:
    """The first half of last month: ended, so its absence notices are due."""
    last_month = (w.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return {"unit": w.unit.uuid, "year": last_month.year, "month": last_month.month, "half": 1}


def unit_staff(ok: Expect) -> dict[str, Expect]:
    """The unit's own counsellors and unit managers; nobody else sees it (404)."""
    return by_role(NOT_FOUND, **{COUNSELLOR: ok, UNIT_MANAGER: ok})


def _alice(w: World) -> dict[str, Any]:
    return {"code": w.users[COUNSELLOR].uuid}


def _unit(w: World) -> dict[str, Any]:
    return {"code": w.unit.uuid}


def _project(w: World) -> dict[str, Any]:
    return {"code": Project.objects.get(code="HANKE").uuid}


def _people_managers(ok: Expect) -> dict[str, Expect]:
    """People pages: the administrator (everyone) and the unit's manager (its people)."""
    return by_role(NOT_FOUND, **{UNIT_MANAGER: ok, ADMINISTRATOR: ok})


def _administrator(ok: Expect) -> dict[str, Expect]:
    return by_role(NOT_FOUND, **{ADMINISTRATOR: ok})


MATRIX: dict[str, Page] = {
    # --- kuty: entry pages and accounts ---------------------------------------------------
    "root": Page(get=by_role(REDIRECT), post=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "healthz": Page(
        get=by_role(OK, anonymous=OK), post=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED)
    ),
    "access_log_search": Page(
        get=by_role(NOT_FOUND, **{ADMINISTRATOR: OK}),
        post=by_role(NOT_FOUND, **{ADMINISTRATOR: REDIRECT}),
    ),
    "keep_alive": Page(get=by_role(204), post=GET_ONLY),
    "readyz": Page(get=by_role(OK, anonymous=OK), post=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "home": Page(get=by_role(REDIRECT), post=GET_ONLY),
    "home_counsellor": Page(
        get=by_role(NOT_FOUND, **{COUNSELLOR: OK, OTHER_COUNSELLOR: OK}), post=GET_ONLY
    ),
    "home_unit_manager": Page(get=by_role(NOT_FOUND, **{UNIT_MANAGER: OK}), post=GET_ONLY),
    "home_project_manager": Page(
        get=by_role(NOT_FOUND, **{PROJECT_MANAGER: OK, OTHER_PROJECT_MANAGER: OK}),
        post=GET_ONLY,
    ),
    "home_municipal_official": Page(get=by_role(NOT_FOUND, **{OFFICIAL: OK}), post=GET_ONLY),
    "home_administrator": Page(get=by_role(NOT_FOUND, **{ADMINISTRATOR: OK}), post=GET_ONLY),
    "home_no_role": Page(get=by_role(OK), post=GET_ONLY),
    # --- help: Markdown pages of the repository, no client data; every signed-in user ------
    "help:index": Page(get=by_role(REDIRECT), post=GET_ONLY),
    "help:topic": Page(get=by_role(OK), post=GET_ONLY, kwargs=lambda w: {"topic": "month-sheet"}),
    "login": Page(get=by_role(REDIRECT, anonymous=OK), post=by_role(REDIRECT, anonymous=OK)),
    "logout": Page(
        get=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=by_role(LOGIN, anonymous=LOGIN)
    ),
    "password_change": Page(get=by_role(OK), post=by_role(OK)),
    "password_change_done": Page(get=by_role(OK), post=GET_ONLY),
    # Password reset by e-mail: open to anyone, signed in or not (an empty POST shows the form
    # again; a link that does not work shows its page, whatever the method).
    "password_reset": Page(get=by_role(OK, anonymous=OK), post=by_role(OK, anonymous=OK)),
    "password_reset_done": Page(
        get=by_role(OK, anonymous=OK), post=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED)
    ),
    "password_reset_confirm": Page(
        get=by_role(OK, anonymous=OK),
        post=by_role(OK, anonymous=OK),
        kwargs=lambda w: {"uidb64": "MA", "token": "not-a-token"},
    ),
    "password_reset_complete": Page(
        get=by_role(OK, anonymous=OK), post=by_role(NOT_ALLOWED, anonymous=NOT_ALLOWED)
    ),
    # Two-factor sign-in: anyone signed in may enrol (an empty POST shows the form again);
    # the world's users have no device, so the code page sends them on.
    "mfa_enrol": Page(get=by_role(OK), post=by_role(OK)),
    "mfa_verify": Page(get=by_role(REDIRECT), post=by_role(REDIRECT)),
    # An invitation's link (issue 14): open to anyone, like a password reset link.
    "invitation_accept": Page(
        get=by_role(OK, anonymous=OK),
        post=by_role(OK, anonymous=OK),
        kwargs=lambda w: {"uidb64": "MA", "token": "not-a-token"},
    ),
    # --- people: the administrator everyone, a unit manager the people of their units ------
    "people:list": Page(get=_people_managers(OK), post=GET_ONLY),
    "people:invite": Page(get=_people_managers(OK), post=_people_managers(OK)),
    "people:detail": Page(get=_people_managers(OK), post=GET_ONLY, kwargs=_alice),
    "people:role_add": Page(get=_people_managers(OK), post=_people_managers(OK), kwargs=_alice),
    "people:role_remove": Page(get=POST_ONLY, post=_people_managers(REDIRECT), kwargs=_alice),
    "people:deactivate": Page(
        get=_people_managers(OK), post=_people_managers(REDIRECT), kwargs=_alice
    ),
    "people:reactivate": Page(get=POST_ONLY, post=_people_managers(REDIRECT), kwargs=_alice),
    # --- the structure: the administrator only ----------------------------------------------
    "structure:index": Page(get=_administrator(OK), post=GET_ONLY),
    "structure:unit_create": Page(get=_administrator(OK), post=_administrator(OK)),
    "structure:unit_edit": Page(get=_administrator(OK), post=_administrator(OK), kwargs=_unit),
    "structure:group_create": Page(get=_administrator(OK), post=_administrator(OK), kwargs=_unit),
    "structure:group_edit": Page(get=_administrator(OK), post=_administrator(OK), kwargs=_group),
    "structure:closure_days": Page(get=_administrator(OK), post=_administrator(OK), kwargs=_unit),
    "structure:closure_day_remove": Page(
        get=POST_ONLY, post=_administrator(REDIRECT), kwargs=_unit
    ),
    "structure:project_create": Page(get=_administrator(OK), post=_administrator(OK)),
    "structure:project_edit": Page(
        get=_administrator(OK), post=_administrator(OK), kwargs=_project
    ),
    # --- clients ----------------------------------------------------------------------------
    "clients:list": Page(get=client_seers(OK), post=client_seers(REDIRECT)),
    "clients:create": Page(
        get=by_role(
            NOT_FOUND,
            **{
                COUNSELLOR: OK,
                OTHER_COUNSELLOR: OK,
                UNIT_MANAGER: OK,
                PROJECT_MANAGER: FORBIDDEN,
                OTHER_PROJECT_MANAGER: FORBIDDEN,
            },
        ),
        post=by_role(
            NOT_FOUND,
            **{
                COUNSELLOR: OK,
                OTHER_COUNSELLOR: OK,
                UNIT_MANAGER: OK,
                PROJECT_MANAGER: FORBIDDEN,
                OTHER_PROJECT_MANAGER: FORBIDDEN,
            },
        ),
    ),
    "clients:detail": Page(get=readers(OK), post=GET_ONLY, kwargs=lambda w: {"code": w.aino.uuid}),
    "clients:edit": Page(get=writers(OK), post=writers(OK), kwargs=lambda w: {"code": w.aino.uuid}),
    "clients:reveal_hetu": Page(
        get=POST_ONLY, post=readers(OK), kwargs=lambda w: {"code": w.aino.uuid}
    ),
    # The log of who processed the client's data: the unit's managers and the client's
    # responsible counsellor (alice is Aino's); others who see the client get 403.
    "clients:access_log": Page(
        get=by_role(NOT_FOUND, **{UNIT_MANAGER: OK, COUNSELLOR: OK, PROJECT_MANAGER: FORBIDDEN}),
        post=GET_ONLY,
        kwargs=lambda w: {"code": w.aino.uuid},
    ),
    "clients:access_log_pdf": Page(
        get=by_role(NOT_FOUND, **{UNIT_MANAGER: OK, COUNSELLOR: OK, PROJECT_MANAGER: FORBIDDEN}),
        post=GET_ONLY,
        kwargs=lambda w: {"code": w.aino.uuid},
    ),
    # --- activation plans -------------------------------------------------------------------
    "activation_plans:create": Page(get=writers(OK), post=writers(OK), kwargs=_client),
    "activation_plans:detail": Page(get=readers(OK), post=GET_ONLY, kwargs=_plan),
    "activation_plans:edit": Page(get=writers(OK), post=writers(OK), kwargs=_plan),
    # The plan is already agreed: staff are sent back to it.
    "activation_plans:agree": Page(get=POST_ONLY, post=writers(REDIRECT), kwargs=_plan),
    "activation_plans:versions": Page(get=readers(OK), post=GET_ONLY, kwargs=_plan),
    "activation_plans:version_detail": Page(
        get=readers(OK), post=GET_ONLY, kwargs=lambda w: {**_plan(w), "version": 1}
    ),
    "activation_plans:follow_up_create": Page(get=writers(OK), post=writers(OK), kwargs=_plan),
    "activation_plans:pdf": Page(get=readers(OK), post=GET_ONLY, kwargs=_plan),
    # --- guidance: attendance ---------------------------------------------------------------
    "guidance:attendance_index": Page(get=client_seers(REDIRECT), post=GET_ONLY),
    "guidance:attendance_month": Page(
        get=readers(OK),
        post=writers(REDIRECT),  # an empty save saves nothing and shows the sheet again
        kwargs=_month,
    ),
    # GET asks the unit manager to confirm; an empty POST (no confirmation) is sent back there.
    "guidance:attendance_lock": Page(
        get=by_role(
            NOT_FOUND, **{UNIT_MANAGER: OK, COUNSELLOR: FORBIDDEN, PROJECT_MANAGER: FORBIDDEN}
        ),
        post=by_role(
            NOT_FOUND,
            **{UNIT_MANAGER: REDIRECT, COUNSELLOR: FORBIDDEN, PROJECT_MANAGER: FORBIDDEN},
        ),
        kwargs=_month,
    ),
    "guidance:attendance_unlock": Page(
        get=POST_ONLY,
        post=by_role(
            NOT_FOUND,
            **{UNIT_MANAGER: REDIRECT, COUNSELLOR: FORBIDDEN, PROJECT_MANAGER: FORBIDDEN},
        ),
        kwargs=_month,
    ),
    # --- guidance: sessions, groups, transitions --------------------------------------------
    "guidance:sessions_individual_create": Page(get=writers(OK), post=writers(OK), kwargs=_client),
    "guidance:sessions_individual_detail": Page(
        get=readers(OK),
        post=GET_ONLY,
        kwargs=lambda w: {**_client(w), "code": w.session.uuid},
    ),
    "guidance:sessions_individual_edit": Page(
        get=writers(OK),
        post=writers(OK),
        kwargs=lambda w: {**_client(w), "code": w.session.uuid},
    ),
    "guidance:client_timeline": Page(get=readers(OK), post=GET_ONLY, kwargs=_client),
    "guidance:groups_list": Page(get=client_seers(OK), post=GET_ONLY),
    "guidance:group_detail": Page(get=readers(OK), post=GET_ONLY, kwargs=_group),
    "guidance:group_members": Page(get=readers(OK), post=writers(OK), kwargs=_group),
    "guidance:group_member_end": Page(get=POST_ONLY, post=writers(REDIRECT), kwargs=_group),
    "guidance:group_session_create": Page(get=writers(OK), post=writers(OK), kwargs=_group),
    "guidance:group_session_detail": Page(
        get=readers(OK), post=GET_ONLY, kwargs=lambda w: {"code": w.group_session.uuid}
    ),
    "guidance:group_session_edit": Page(
        get=writers(OK), post=writers(OK), kwargs=lambda w: {"code": w.group_session.uuid}
    ),
    "guidance:period_end": Page(
        get=writers(OK), post=writers(OK), kwargs=lambda w: {"code": w.period.uuid}
    ),
    "guidance:period_follow_up": Page(
        get=writers(OK),
        post=writers(OK),
        kwargs=lambda w: {"code": w.ended_period.uuid, "months": 3},
    ),
    "guidance:follow_ups": Page(get=staff_of_units(OK), post=GET_ONLY),
    # --- reporting --------------------------------------------------------------------------
    "reporting:index": Page(get=by_role(OK), post=by_role(OK)),
    "reporting:run_lists": Page(get=by_role(OK), post=GET_ONLY),
    # A scheduled run with personal data: those who see the unit's clients, not the
    # administrator (no unit role) nor the official.
    "reporting:run": Page(get=readers(OK), post=GET_ONLY, kwargs=_run),
    "reporting:run_status": Page(get=readers(OK), post=GET_ONLY, kwargs=_run),
    "reporting:run_again": Page(get=POST_ONLY, post=readers(REDIRECT), kwargs=_run),
    "reporting:download": Page(
        get=readers(OK), post=GET_ONLY, kwargs=lambda w: {**_run(w), "fmt": "json"}
    ),
    # --- absence notices: the unit's counsellors and unit managers only ----------------------
    "absence_notices:index": Page(get=staff_of_units(REDIRECT), post=GET_ONLY),
    "absence_notices:list": Page(
        get=unit_staff(OK), post=GET_ONLY, kwargs=lambda w: {"unit": w.unit.uuid}
    ),
    "absence_notices:unit_pdf": Page(get=unit_staff(OK), post=GET_ONLY, kwargs=_half_month),
    "absence_notices:client_pdf": Page(
        get=unit_staff(OK),
        post=GET_ONLY,
        kwargs=lambda w: {**_half_month(w), "client": w.aino.uuid},
    ),
    "absence_notices:mark_sent": Page(get=POST_ONLY, post=unit_staff(REDIRECT), kwargs=_half_month),
    # --- dashboards -------------------------------------------------------------------------
    "dashboards:project": Page(
        get=by_role(
            NOT_FOUND, **{PROJECT_MANAGER: OK, OTHER_PROJECT_MANAGER: OK, ADMINISTRATOR: OK}
        ),
        post=GET_ONLY,
    ),
    "dashboards:municipality": Page(get=by_role(NOT_FOUND, **{OFFICIAL: OK}), post=GET_ONLY),
    # Everyone who sees clients gets the records of their own units.
    "dashboards:records": Page(
        get=client_seers(OK),
        post=GET_ONLY,
        query=lambda w: {
            "figure": "active",
            "from": w.today.replace(month=1, day=1).isoformat(),
            "to": w.today.isoformat(),
        },
    ),
}


def walk_patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str | None, str]]:
    """(namespace:name, route) of every pattern, leaving out ``SKIPPED``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in SKIPPED:
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(p for p in (namespace, pattern.name) if p)
            yield name, route


PATTERNS = list(walk_patterns(get_resolver().url_patterns))
URL_NAMES = sorted({name or f"<unnamed {route}>" for name, route in PATTERNS})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    with world_for_module(django_db_blocker, tmp_path_factory.mktemp("media")) as built:
        yield built


def page_url(name: str, world: World) -> str:
    page = MATRIX[name]
    url = reverse(name, kwargs=page.kwargs(world))
    query = page.query(world)
    return f"{url}?{urlencode(query)}" if query else url


def check_answer(response: Any, expected: Expect, what: str) -> None:
    status = response.status_code
    assert status < 500, f"{what}: server error {status}"
    if expected == LOGIN:
        assert status == 302, f"{what}: {status}, expected a redirect to sign in"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif expected == REDIRECT:
        assert status == 302, f"{what}: {status}, expected a redirect"
    else:
        assert status == expected, f"{what}: {status}, expected {expected}"


def test_the_walk_finds_the_project_pages() -> None:
    """The walk itself works: it reaches pages of every app, and skips only ``SKIPPED``."""
    names = set(URL_NAMES)
    assert {"root", "clients:detail", "guidance:attendance_month", "dashboards:records"} <= names
    assert not [route for _name, route in PATTERNS if route.startswith(tuple(SKIPPED))]


def test_every_page_has_a_name() -> None:
    unnamed = [route for name, route in PATTERNS if not name]
    assert not unnamed, f"URL patterns without a name cannot be in MATRIX: {unnamed}"


def test_the_matrix_has_no_page_that_is_gone() -> None:
    gone = sorted(set(MATRIX) - set(URL_NAMES))
    assert not gone, f"MATRIX lists pages the URLconf no longer has: {gone}"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", URL_NAMES)
def test_access(world, client, name, role, method):  # type: ignore[no-untyped-def]
    if name not in MATRIX:
        pytest.fail(
            f"The page {name!r} has no entry in MATRIX (tests/kuty/test_permission_matrix.py): "
            "say who may see and change it."
        )
    page = MATRIX[name]
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    url = page_url(name, world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = (page.get if method == "GET" else page.post)[role]
    check_answer(response, expected, f"{method} {url} as {role}")
