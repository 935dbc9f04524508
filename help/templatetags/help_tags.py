"""The page header's "?" link to the page's help topic, and the page title.

The topic is chosen, first found: the view's ``help_topic`` context variable, the template's
``{% block help_topic %}``, the page's URL name (:func:`help.topics.topic_for_view`), general.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from help.topics import GENERAL, TOPICS, topic_for_view

register = template.Library()


def _block_text(context: template.Context, name: str) -> str:
    """The text of the page's block ``name`` as the most derived template defines it."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    return " ".join(str(block.render(context)).split())


def help_topic(context: template.Context) -> str:
    """The page's help topic (a name in :data:`help.topics.TOPICS`)."""
    named = context.get("help_topic") or _block_text(context, "help_topic")
    if named in TOPICS:
        return named
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return topic_for_view(match.view_name if match else None) if match else GENERAL


@register.simple_tag(takes_context=True)
def page_title(context: template.Context) -> str:
    """The page's title block, its whitespace collapsed (escaped as the page rendered it)."""
    return _block_text(context, "title")


@register.simple_tag(takes_context=True)
def help_link(context: template.Context) -> SafeString:
    """The "?" of the page header: a link to the page's help, named "Help: <page>"."""
    topic = help_topic(context)
    url = reverse("help:topic", kwargs={"topic": topic})
    page = _block_text(context, "title") or "KUTY"  # already escaped by its template
    label = mark_safe(conditional_escape(_("Help: %(page)s")) % {"page": page})  # noqa: S308
    return format_html(
        '<a class="btn btn-sm btn-light rounded-circle fw-bold kuty-help-link" href="{}" '
        'aria-label="{}" title="{}" data-help-topic="{}">?</a>',
        url,
        label,
        _("Help"),
        topic,
    )


@register.filter(is_safe=True)
def kuty_title(value: Any) -> str:
    """``<title>``: "Asiakkaat – KUTY", or "KUTY" for a page without a title."""
    text = " ".join(str(value).split())
    return f"{text} – KUTY" if text else "KUTY"
