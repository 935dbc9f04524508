"""Writes of plans (STYLE.md): validate first, save in one transaction, audit row inside it.

Every input a person can get wrong is checked with the message the form shows (``validation``),
so a service never reaches a database constraint with bad input: the constraints on
``clients.Period`` are the last line, not the first.
"""

from .follow_ups import follow_up_meeting_create
from .plans import activation_plan_create, activation_plan_update, snapshot_changes
from .validation import (
    AGREEMENT_DATE_FIELDS,
    AGREEMENT_FIELDS,
    CONTENT_FIELDS,
    GoalInput,
    Placement,
    agreement_errors,
    eligibility_warning,
    goal_errors,
    overlap_message,
    placement_errors,
)
from .workflow import (
    activation_plan_activate_if_due,
    activation_plan_agree,
    activation_plan_record_agreements,
    plan_activate_due,
)

__all__ = [
    "AGREEMENT_DATE_FIELDS",
    "AGREEMENT_FIELDS",
    "CONTENT_FIELDS",
    "GoalInput",
    "Placement",
    "activation_plan_activate_if_due",
    "activation_plan_agree",
    "activation_plan_create",
    "activation_plan_record_agreements",
    "activation_plan_update",
    "agreement_errors",
    "eligibility_warning",
    "follow_up_meeting_create",
    "goal_errors",
    "overlap_message",
    "placement_errors",
    "plan_activate_due",
    "snapshot_changes",
]
