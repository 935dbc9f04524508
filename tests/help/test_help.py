"""Help pages (issue 14): a page per screen in Finnish, Swedish and English, from the
repository's Markdown files, linked from the "?" of every page header; and the page titles
("Asiakkaat – KUTY") and favicon of the same header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from guidance.attendance_selectors import STATUS_KEYS
from help.rendering import _converter, help_page
from help.topics import GENERAL, HELP_DIR, LANGUAGES, TOPICS, topic_for_view
from tests.kuty.test_permission_matrix import URL_NAMES

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _get(client, url: str, language: str = "en"):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def _help_link(body: str) -> tuple[str, str]:
    """The header's "?" link: its address and its accessible name."""
    match = re.search(r'<a class="[^"]*kuty-help-link" href="([^"]+)" aria-label="([^"]+)"', body)
    assert match, "the page header has no help link"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_renders_in_every_language_with_its_heading(
    client, counsellor, topic, language
):
    client.force_login(counsellor)
    response = _get(client, reverse("help:topic", kwargs={"topic": topic}), language)
    assert response.status_code == 200
    page = help_page(topic, language)
    assert page.language == language  # a file of its own, not the Finnish fallback
    body = response.content.decode()
    assert f'<h1 class="h3">{page.heading}</h1>' in body
    assert f"<title>{page.heading} – KUTY</title>" in body
    assert f'lang="{language}" data-testid="help-body"' in body
    # Every other topic is listed, by its heading in the same language.
    for other in TOPICS:
        if other != topic:
            assert reverse("help:topic", kwargs={"topic": other}) in body


def test_every_topic_file_starts_with_its_heading_and_links_only_to_topics() -> None:
    for language in LANGUAGES:
        files = sorted(p.stem for p in (HELP_DIR / language).glob("*.md"))
        assert files == sorted(TOPICS), f"{language}: {files}"
        for topic in TOPICS:
            text = (HELP_DIR / language / f"{topic}.md").read_text(encoding="utf-8")
            assert re.match(r"# \S", text), f"{language}/{topic}.md has no heading"
            for target in re.findall(r"\]\(([^)]*)\)", text):
                assert re.fullmatch(r"\.\./([a-z-]+)/", target), f"{language}/{topic}: {target}"
                assert target[3:-1] in TOPICS, f"{language}/{topic}: {target}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_sheet_help_names_every_key_of_the_sheet(language):
    text = (HELP_DIR / language / "month-sheet.md").read_text(encoding="utf-8")
    for key in STATUS_KEYS.values():
        assert f"| `{key}` |" in text, f"{language}: key {key} missing"
    for key in ("Tab", "Enter", "Home", "End", "Delete", "Esc"):
        assert key in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_help_names_the_three_parties(language):
    body = str(help_page("plan", language).body)
    assert body.count("<li><strong>") >= 3  # client, organiser, employment authority


def test_raw_html_in_markdown_is_shown_as_text_not_run() -> None:
    html = _converter().convert('# T\n\n<script>alert("x")</script>\n\nA <b>b</b> <img src=x>')
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<b>" not in html
    assert "<img" not in html


def test_tables_get_the_page_style() -> None:
    body = str(help_page("month-sheet", "fi").body)
    assert '<table class="table table-sm w-auto">' in body
    assert "<h1" not in body  # the template writes the heading


def test_help_needs_signing_in_and_an_unknown_topic_is_not_found(client, counsellor):
    url = reverse("help:topic", kwargs={"topic": "month-sheet"})
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(counsellor)
    assert client.get(reverse("help:topic", kwargs={"topic": "nothing"})).status_code == 404
    index = client.get(reverse("help:index"))
    assert index["Location"] == reverse("help:topic", kwargs={"topic": GENERAL})


def test_every_page_links_to_an_existing_topic() -> None:
    """Each URL name of the project maps to a topic that exists; so does every template that
    names its topic in ``{% block help_topic %}``."""
    for name in URL_NAMES:
        assert topic_for_view(name) in TOPICS, name
    for template in TEMPLATES.rglob("*.html"):
        for named in re.findall(
            r"{% block help_topic %}(.*?){% endblock", template.read_text(encoding="utf-8")
        ):
            assert named.strip() in TOPICS, f"{template}: {named}"


@pytest.mark.parametrize(
    ("url_name", "kwargs", "topic", "title"),
    [
        ("clients:list", {}, "client-list", "Clients"),
        ("guidance:groups_list", {}, "groups", "Groups"),
        ("guidance:follow_ups", {}, "follow-ups", "Follow-ups"),
        ("reporting:index", {}, "reports", "Reports"),
        ("home_counsellor", {}, GENERAL, ""),
    ],
)
def test_the_header_question_mark_opens_the_pages_help(
    client, counsellor, url_name, kwargs, topic, title
):
    client.force_login(counsellor)
    body = _get(client, reverse(url_name, kwargs=kwargs)).content.decode()
    href, label = _help_link(body)
    assert href == reverse("help:topic", kwargs={"topic": topic})
    assert label == (f"Help: {title}" if title else label)
    assert label.startswith("Help: ")
    assert ">?</a>" in body
    assert _get(client, href).status_code == 200


def test_the_client_and_month_pages_link_their_own_help(client, counsellor, unit):
    from tests.clients.factories import ClientFactory

    kuty_client = ClientFactory(registered_unit=unit, first_name="Maija", last_name="Malli")
    client.force_login(counsellor)
    body = _get(client, reverse("clients:detail", kwargs={"code": kuty_client.uuid})).content
    href, label = _help_link(body.decode())
    assert href == reverse("help:topic", kwargs={"topic": "client-page"})
    assert label == f"Help: {kuty_client.full_name}"
    month = reverse(
        "guidance:attendance_month", kwargs={"unit": unit.uuid, "year": 2026, "month": 3}
    )
    href, _label = _help_link(_get(client, month).content.decode())
    assert href == reverse("help:topic", kwargs={"topic": "month-sheet"})


def test_the_help_page_in_finnish_reads_finnish(client, counsellor):
    client.force_login(counsellor)
    body = _get(client, reverse("help:topic", kwargs={"topic": "month-sheet"}), "fi").content
    text = body.decode()
    assert '<h1 class="h3">Läsnäolojen kuukausilomake</h1>' in text
    assert "<title>Läsnäolojen kuukausilomake – KUTY</title>" in text


def test_page_titles_are_separated_from_kuty(client, counsellor):
    """Not "ClientsKUTY": "Clients – KUTY", and a page without a title is just "KUTY"."""
    client.force_login(counsellor)
    with translation.override("en"):
        body = _get(client, reverse("clients:list")).content.decode()
    assert "<title>Clients – KUTY</title>" in body
    body = _get(client, reverse("home_counsellor")).content.decode()
    assert re.search(r"<title>(.+ – )?KUTY</title>", body)
    assert "KUTY</title>" in body
    assert "–  KUTY" not in body


def test_the_sign_in_page_has_a_title_and_a_favicon_and_no_help_link(client):
    body = _get(client, reverse("login")).content.decode()
    assert "<title>Sign in – KUTY</title>" in body
    assert 'rel="icon"' in body
    assert "favicon.svg" in body
    assert "kuty-help-link" not in body
    favicon = finders.find("favicon.svg")
    assert favicon
    text = Path(favicon).read_text(encoding="utf-8")
    assert text.startswith("<svg")
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")


def test_no_template_title_runs_into_kuty() -> None:
    """Every page's title block names the page: the base adds " – KUTY" itself."""
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert "self.title" not in base
    for template in TEMPLATES.rglob("*.html"):
        for title in re.findall(r"{% block title %}(.*?){% endblock", template.read_text("utf-8")):
            assert "– KUTY" not in title, f"{template}: {title}"
