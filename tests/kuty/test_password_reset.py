"""Password reset by e-mail: the link on the sign-in page, the e-mail and its link, the same
answer for unknown addresses, the rate limit and the access log."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from audit.models import AccessLogEntry, Action
from tests.organisations.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Uusi-Pitka-Salasana-2026"


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """The limit is counted in the cache, which outlives a test: start each one from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="alice", email="alice@example.invalid")


def _ask(client, email, address="198.51.100.7"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("password_reset"), {"email": email}, follow=True, REMOTE_ADDR=address
    )


def _link(message) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def _page(response) -> str:  # type: ignore[no-untyped-def]
    """The page without what differs on every response (CSP nonce, CSRF token)."""
    body = response.content.decode()
    body = re.sub(r'nonce="[^"]*"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def _reset_rows():  # type: ignore[no-untyped-def]
    return AccessLogEntry.objects.filter(
        action=Action.CHANGE, object_type="accounts.user"
    ).order_by("id")


def test_login_page_links_to_password_reset_in_finnish(client):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in body
    assert "Unohditko salasanan?" in body


def test_reset_sends_a_finnish_mail_whose_link_sets_a_new_password(client, alice):
    response = _ask(client, "Alice@Example.invalid")
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.invalid"]
    assert message.subject == "KUTY: valitse uusi salasana"
    assert "Jos et pyytänyt tätä" in message.body
    assert "Käyttäjätunnuksesi: alice" in message.body

    page = client.get(_link(message), follow=True)
    assert page.context["validlink"]
    set_password_url = page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not alice.check_password(PASSWORD)
    # The link works once.
    assert not client.get(_link(message), follow=True).context["validlink"]
    # And the new password signs in.
    client.logout()
    signed_in = client.post(
        reverse("login"), {"username": "alice", "password": NEW_PASSWORD}, follow=True
    )
    assert signed_in.context["user"] == alice


def test_a_short_new_password_is_refused(client, alice):
    _ask(client, "alice@example.invalid")
    page = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Lyhyt-123", "new_password2": "Lyhyt-123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_unknown_address_gets_the_same_page_and_no_mail(client, alice):
    known = _ask(client, "alice@example.invalid")
    unknown = _ask(client, "nobody@example.invalid")
    assert unknown.redirect_chain == known.redirect_chain
    assert _page(unknown) == _page(known)
    assert len(mail.outbox) == 1  # alice's only


def test_at_most_five_mails_an_hour_per_address(client, alice, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT + 2):
        response = _ask(client, "alice@example.invalid", address=f"198.51.100.{n + 1}")
        assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT


def test_at_most_five_requests_an_hour_per_client_address(client, settings):
    users = [
        UserFactory(username=f"user{n}", email=f"user{n}@example.invalid")
        for n in range(settings.PASSWORD_RESET_LIMIT + 2)
    ]
    for user in users:
        response = _ask(client, user.email, address="203.0.113.9")
        assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT
    # Another client address still gets its mail.
    _ask(client, users[-1].email, address="203.0.113.10")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT + 1


def test_a_cache_failure_does_not_break_the_page(client, alice, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "incr", broken)
    response = _ask(client, "alice@example.invalid")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1


def test_asking_and_using_a_reset_are_logged(client, alice):
    _ask(client, "alice@example.invalid")
    _ask(client, "nobody@example.invalid")
    page = client.get(_link(mail.outbox[0]), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    asked_known, asked_unknown, used = _reset_rows()
    assert (asked_known.detail, asked_known.username, asked_known.object_id) == (
        "password reset asked",
        "alice",
        str(alice.uuid),
    )
    assert asked_known.ip_address == "198.51.100.7"
    # The unknown address is kept in no form.
    assert asked_unknown.detail == "password reset asked"
    assert (asked_unknown.username, asked_unknown.object_id, asked_unknown.user) == ("", "", None)
    stored = [str(value) for row in AccessLogEntry.objects.values_list() for value in row]
    assert not any("nobody" in value for value in stored)
    assert (used.detail, used.user, used.object_id) == (
        "password reset used",
        alice,
        str(alice.uuid),
    )


def test_requests_past_the_limit_are_logged_as_such(client, alice, settings):
    for _ in range(settings.PASSWORD_RESET_LIMIT + 1):
        _ask(client, "alice@example.invalid")
    details = list(_reset_rows().values_list("detail", flat=True))
    assert details.count("password reset asked") == settings.PASSWORD_RESET_LIMIT
    assert details[-1] == "password reset asked, limit reached, nothing sent"
