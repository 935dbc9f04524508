"""The help topics and which one each page links to.

A topic is a Markdown file per language, ``help/<language>/<topic>.md``, whose first line is
its heading (``# ...``). A page's "?" in the header links to the topic its template names in
``{% block help_topic %}``, else the topic of its URL name (:data:`VIEW_TOPICS`, by the
longest matching prefix), else :data:`GENERAL`.
"""

from __future__ import annotations

from pathlib import Path

HELP_DIR = Path(__file__).resolve().parent
LANGUAGES = ("fi", "sv", "en")
FALLBACK_LANGUAGE = "fi"
GENERAL = "general"

# In the order the help index lists them.
TOPICS = (
    GENERAL,
    "client-list",
    "client-page",
    "plan",
    "month-sheet",
    "groups",
    "follow-ups",
    "reports",
    "dashboards",
)

# URL name (or a prefix of it: "namespace:" or "namespace:name_start") -> topic.
VIEW_TOPICS: dict[str, str] = {
    "clients:list": "client-list",
    "clients:create": "client-list",
    "clients:": "client-page",
    "guidance:client_timeline": "client-page",
    "guidance:sessions_individual": "client-page",
    "activation_plans:": "plan",
    "guidance:attendance": "month-sheet",
    "absence_notices:": "month-sheet",
    "guidance:group": "groups",
    "guidance:period_end": "follow-ups",
    "guidance:period_follow_up": "follow-ups",
    "guidance:follow_ups": "follow-ups",
    "reporting:": "reports",
    "dashboards:": "dashboards",
    "home_project_manager": "dashboards",
    "home_municipal_official": "dashboards",
    "help:": GENERAL,
}


def topic_for_view(view_name: str | None) -> str:
    """The topic of a URL name: the longest prefix in :data:`VIEW_TOPICS`, else general."""
    if not view_name:
        return GENERAL
    matches = [prefix for prefix in VIEW_TOPICS if view_name.startswith(prefix)]
    if not matches:
        return GENERAL
    return VIEW_TOPICS[max(matches, key=len)]


def topic_path(topic: str, language: str) -> Path:
    return HELP_DIR / language / f"{topic}.md"
