"""What an access-log row says was processed, in a few words for the client (Act 703/2023).

The log's rows name the record by its model (``object_type``) and a detail written in English
by the code that logged it. ``describe_entry`` turns them into a short text in the active
language: the model's name, and the detail's known words translated with its values kept.
An identity code never appears in the text, even if a detail carried one by mistake; ids and
file digests, which mean nothing to a reader, are left out.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

# The rows written for a reading of a client's access log (clients/access_log_report.py).
LOG_OBJECT_TYPE = "clients.access_log"
SHOWN = "access log shown"
PRINTED = "access log printed as PDF"
EXPORTED = "access log exported as JSON"
WHAT_MAX_LENGTH = 200

# Texts carry the context "access log what": the same words may read otherwise elsewhere.
# Object types that are not a model, and models whose own name would mislead.
_OBJECT_LABELS = {
    "": pgettext_lazy("access log what", "Client data"),
    LOG_OBJECT_TYPE: pgettext_lazy("access log what", "Access log"),
    "clients.client_list": pgettext_lazy("access log what", "Client list"),
    "clients.access_log_search": pgettext_lazy("access log what", "Access log search"),
    "guidance.follow_ups": pgettext_lazy("access log what", "Follow-ups due"),
    "kuty.home": pgettext_lazy("access log what", "Home page"),
    "reporting.dashboard_records": pgettext_lazy("access log what", "List on a dashboard"),
}
# Lists and searches: the filters in their detail mean nothing to the client.
_LABEL_ONLY = {
    "clients.client_list",
    "clients.access_log_search",
    "guidance.follow_ups",
    "reporting.dashboard_records",
}
# Details written as fixed texts across the code, in words for the client.
_FIXED = {
    "page": pgettext_lazy("access log what", "page opened"),
    "edit form": pgettext_lazy("access log what", "edit form opened"),
    "identity code shown": pgettext_lazy("access log what", "identity code shown"),
    SHOWN: pgettext_lazy("access log what", "opened"),
    PRINTED: pgettext_lazy("access log what", "printed as PDF"),
    EXPORTED: pgettext_lazy("access log what", "handed out as a file"),
    "client registered": pgettext_lazy("access log what", "client registered"),
    "plan PDF": pgettext_lazy("access log what", "plan printed as PDF"),
    "versions": pgettext_lazy("access log what", "version history opened"),
    "new activation plan form": pgettext_lazy("access log what", "form for a new plan opened"),
    "follow-up form": pgettext_lazy("access log what", "follow-up meeting form opened"),
    "activation plan (draft)": pgettext_lazy("access log what", "plan drafted"),
    "agreements recorded": pgettext_lazy("access log what", "agreements recorded"),
    "agreed by all three parties": pgettext_lazy("access log what", "agreed by all three parties"),
    "period activated: start date reached": pgettext_lazy("access log what", "period started"),
    "individual session changed": pgettext_lazy(
        "access log what", "individual guidance session changed"
    ),
    "marked present from a group session": pgettext_lazy(
        "access log what", "marked present in a group session"
    ),
    "existing client named in a duplicate identity code check": pgettext_lazy(
        "access log what", "named in a check for a duplicate registration"
    ),
    "registering unit named in a duplicate identity code check": pgettext_lazy(
        "access log what", "named in a check for a duplicate registration"
    ),
    "follow-up meeting": pgettext_lazy("access log what", "follow-up meeting"),
    "follow-up meeting (24-month review)": pgettext_lazy(
        "access log what", "follow-up meeting (24-month review)"
    ),
}
# Details with values in them: the values are kept, the words translated. A group named
# ``fields`` lists field names (translated by the model's field names), ``month`` and ``date``
# are written as people write them (1/2026, 12.1.2026), ``format`` in capitals.
_PATTERNS = [
    (
        re.compile(r"^" + re.escape(PRINTED) + r" \((?P<language>[a-z]{2})\)$"),
        pgettext_lazy("access log what", "printed as PDF (%(language)s)"),
    ),
    (
        re.compile(r"^changed: (?P<fields>.+)$"),
        pgettext_lazy("access log what", "changed: %(fields)s"),
    ),
    (
        re.compile(r"^version (?P<version>\d+): (?P<fields>.+)$"),
        pgettext_lazy("access log what", "version %(version)s, changed: %(fields)s"),
    ),
    (
        re.compile(r"^version (?P<version>\d+)$"),
        pgettext_lazy("access log what", "version %(version)s opened"),
    ),
    (
        re.compile(r"^attendance (?P<year>\d{4})-(?P<month>\d{2}) locked$"),
        pgettext_lazy("access log what", "attendance %(month)s/%(year)s locked"),
    ),
    (
        re.compile(r"^attendance (?P<year>\d{4})-(?P<month>\d{2}) unlocked$"),
        pgettext_lazy("access log what", "attendance %(month)s/%(year)s unlocked"),
    ),
    (
        re.compile(r"^attendance (?P<year>\d{4})-(?P<month>\d{2})\b.*$"),
        pgettext_lazy("access log what", "attendance %(month)s/%(year)s"),
    ),
    (
        re.compile(r"^individual session\b.*$"),
        pgettext_lazy("access log what", "individual guidance session"),
    ),
    (
        re.compile(r"^added to group from (?P<date>\d{4}-\d{2}-\d{2})$"),
        pgettext_lazy("access log what", "added to a group from %(date)s"),
    ),
    (
        re.compile(r"^group membership ends (?P<date>\d{4}-\d{2}-\d{2})$"),
        pgettext_lazy("access log what", "group membership ends %(date)s"),
    ),
    (
        re.compile(r"^period ended (?P<date>\d{4}-\d{2}-\d{2})\b.*$"),
        pgettext_lazy("access log what", "period ended %(date)s"),
    ),
    (
        re.compile(r"^(?P<months>\d+)-month follow-up\b.*$"),
        pgettext_lazy("access log what", "destination followed up after %(months)s months"),
    ),
    (
        re.compile(r"^report run requested: (?P<rest>.+)$"),
        pgettext_lazy("access log what", "report ordered: %(rest)s"),
    ),
    (
        re.compile(r"^report run downloaded as (?P<format>\w+): (?P<rest>.+)$"),
        pgettext_lazy("access log what", "report downloaded (%(format)s): %(rest)s"),
    ),
    (
        re.compile(r"^report command: (?P<rest>.+)$"),
        pgettext_lazy("access log what", "report made by a command: %(rest)s"),
    ),
    (
        re.compile(r"^import_participants\b.*$"),
        pgettext_lazy("access log what", "participants imported from a file"),
    ),
    (
        re.compile(r"^import_attendance\b.*$"),
        pgettext_lazy("access log what", "attendance imported from a file"),
    ),
]
_HETU = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_DIGEST = re.compile(r"\(?\bsha256 [0-9a-f]+\)?", re.IGNORECASE)


def _clean(text: str) -> str:
    """No identity code, and none of the ids and digests that mean nothing to a reader."""
    text = _HETU.sub("***", text)
    text = _DIGEST.sub("", _UUID.sub("", text))
    text = re.sub(r"\s+([:;,)])", r"\1", text)
    return " ".join(text.split())


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _object_label(object_type: str) -> str:
    if object_type in _OBJECT_LABELS:
        return str(_OBJECT_LABELS[object_type])
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def _field_names(object_type: str, names: str) -> str:
    model = _model(object_type)
    labels = []
    for name in (part.strip() for part in names.split(",")):
        try:
            labels.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except FieldDoesNotExist:
            labels.append(name)
    return ", ".join(labels)


def _phrase(head: str, object_type: str) -> str:
    if head in _FIXED:
        return str(_FIXED[head])
    for pattern, template in _PATTERNS:
        match = pattern.match(head)
        if match is None:
            continue
        values = match.groupdict()
        if "fields" in values:
            values["fields"] = _field_names(object_type, values["fields"])
        if "month" in values:
            values["month"] = str(int(values["month"]))
        if "date" in values:
            day = datetime.date.fromisoformat(values["date"])
            values["date"] = f"{day.day}.{day.month}.{day.year}"
        if "format" in values:
            values["format"] = values["format"].upper()
        return str(template) % values
    return head


def describe_entry(object_type: str, detail: str) -> str:
    """What a log row says was processed, in a few words of the active language."""
    label = _object_label(object_type)
    detail = _clean(detail)
    if object_type in _LABEL_ONLY or not detail:
        return label[:WHAT_MAX_LENGTH]
    head, _sep, rest = detail.partition("; ")
    text = f"{label}: {_phrase(head, object_type)}" + (f"; {rest}" if rest else "")
    return text[:WHAT_MAX_LENGTH]
