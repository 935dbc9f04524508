"""The button that ends a group membership says what it does (issue 14: it read "Loppu",
"End", a word that also heads the end-date columns)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.guidance.sessions.factories import GroupMembershipFactory

pytestmark = pytest.mark.django_db


def test_the_end_button_is_labelled_with_its_action(client, counsellor, group, kuty_client):
    GroupMembershipFactory(group=group, client=kuty_client)
    client.force_login(counsellor)
    with translation.override("en"):
        body = client.get(
            reverse("guidance:group_members", kwargs={"code": group.uuid}),
            headers={"accept-language": "en"},
        ).content.decode()
    button = r'<button type="submit" class="btn btn-sm btn-outline-danger">([^<]*)<'
    buttons = re.findall(button, body)
    assert buttons == ["End the membership"]


def test_the_button_has_its_own_translation_context(settings) -> None:
    """A new msgid with context "button": its Finnish ("Päätä jäsenyys") never changes the
    column heading "End" ("Loppu") of the client page's periods."""
    template = settings.BASE_DIR / "templates/guidance/groups/members.html"
    text = template.read_text(encoding="utf-8")
    assert '{% translate "End the membership" context "button" %}</button>' in text
    assert '{% translate "End" %}</button>' not in text
