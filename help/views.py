"""Help pages: one per screen, in the user's language. They show no client data, so they
write no access-log rows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .rendering import help_page
from .topics import GENERAL, TOPICS


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The general page, which lists every topic."""
    return redirect("help:topic", topic=GENERAL)


@login_required
@require_GET
def topic(request: HttpRequest, topic: str) -> HttpResponse:
    if topic not in TOPICS:
        raise Http404
    language = (get_language() or "fi").split("-")[0]
    page = help_page(topic, language)
    others = [help_page(name, language) for name in TOPICS if name != topic]
    return render(request, "help/page.html", {"page": page, "others": others})
