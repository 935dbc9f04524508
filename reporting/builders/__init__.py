"""Report builders: ``build_<kind>(params, *, include_personal=True) -> dict``.

Each is a pure function of the database and its parameters and returns the JSON contract of
interfaces.md §3. The management command, the Celery task and the web download all go through
:func:`build_report`. ``include_personal=False`` (municipal officials, funders) leaves out
every row that names a client: no identity code, no name anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kuty.routers import report_reads
from reporting.params import ReportParams

from .allowance import build_allowance
from .attendance import build_attendance
from .common import ReportError
from .outcome import build_outcome
from .state_compensation import build_state_compensation

Builder = Callable[..., dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "outcome": build_outcome,
    "allowance": build_allowance,
    "attendance": build_attendance,
    "state-compensation": build_state_compensation,
}


def build_report(params: ReportParams, *, include_personal: bool = True) -> dict[str, Any]:
    # Every read of the build goes to the read-only replica when there is one (kuty/routers.py).
    with report_reads():
        return BUILDERS[params.kind](params, include_personal=include_personal)


__all__ = [
    "BUILDERS",
    "ReportError",
    "build_allowance",
    "build_attendance",
    "build_outcome",
    "build_report",
    "build_state_compensation",
]
