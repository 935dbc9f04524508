"""Writes of guidance sessions and group memberships (STYLE.md): validate, save in one
transaction, access-log rows inside it.

- :mod:`.individual` — individual sessions (incl. home visits);
- :mod:`.memberships` — a client's membership of a group;
- :mod:`.group` — group sessions: the session, every roster line (bulk) and, when asked,
  the day's attendance of those who took part (bulk). Each roster client gets its own
  access-log row, so the session shows up in that client's "who has processed my data" list;
- :mod:`.checks` — the edit-rights and counsellor checks they share.
"""

from .group import (
    GroupSessionResult,
    RosterLine,
    attendance_mark_present,
    group_session_create,
    group_session_update,
)
from .individual import individual_session_create, individual_session_update
from .memberships import group_membership_add, group_membership_end

__all__ = [
    "GroupSessionResult",
    "RosterLine",
    "attendance_mark_present",
    "group_membership_add",
    "group_membership_end",
    "group_session_create",
    "group_session_update",
    "individual_session_create",
    "individual_session_update",
]
