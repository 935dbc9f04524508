"""Sections that higher layers add to the client page.

The client page belongs to the registry, but it also shows guidance, attendance and
transitions, which live in apps above ``clients``. Those apps register a section here in their
``AppConfig.ready()``; the page renders every registered section in order. ``clients`` thus
never imports an app above it, and each section owns its queries and its template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Client

ContextBuilder = Callable[["HttpRequest", "Client", bool], dict[str, Any]]


@dataclass(frozen=True)
class ClientPageSection:
    name: str
    template: str
    context: ContextBuilder
    order: int = 100


_sections: dict[str, ClientPageSection] = {}


def register_client_page_section(section: ClientPageSection) -> None:
    """Add (or replace, by name) a section of the client page."""
    _sections[section.name] = section


def render_client_page_sections(
    request: HttpRequest, client: Client, *, can_edit: bool
) -> list[SafeString]:
    """Every registered section rendered to HTML, in order."""
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = {"client": client, "can_edit": can_edit}
        context.update(section.context(request, client, can_edit))
        rendered.append(render_to_string(section.template, context, request=request))
    return rendered
