"""Finnish personal identity codes (henkilötunnus), DOMAIN.md §6.

Validated with ``stdnum.fi.hetu``; the messages say what is wrong in words a counsellor
understands. The century sign is part of the identity and is never normalised away:
``010190-123X`` and ``010190Y123X`` are different people.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fi import hetu as stdnum_hetu

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900}
CENTURIES.update(dict.fromkeys("ABCDEF", 2000))
_SHAPE = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FYXWVU])(\d{3})([0-9A-Y])$")


def clean_hetu(value: str) -> str:
    """Strip spaces and upper-case letters; the century sign itself is kept as written."""
    return "".join(value.split()).upper()


def expected_check_character(code: str) -> str:
    day_month_year, number = code[:6], code[7:10]
    return CHECK_CHARACTERS[int(day_month_year + number) % 31]


def birth_date(code: str) -> datetime.date:
    match = _SHAPE.match(code)
    if not match:
        raise ValueError(code)
    day, month, year, sign = match.group(1), match.group(2), match.group(3), match.group(4)
    return datetime.date(CENTURIES[sign] + int(year), int(month), int(day))


def is_temporary(code: str) -> bool:
    return 900 <= int(code[7:10]) <= 999


def validate_hetu(value: str, *, allow_temporary: bool = False) -> str:
    """Return the cleaned code or raise ValidationError with a message that says what to fix."""
    code = clean_hetu(value)
    match = _SHAPE.match(code)
    if not match:
        raise ValidationError(
            _(
                "A personal identity code has the form DDMMYYCNNNT, for example 131052-308T: "
                "birth date, century sign (+, -, Y, X, W, V, U or A–F), three digits and a "
                "check character."
            ),
            code="format",
        )
    try:
        born = birth_date(code)
    except ValueError:
        raise ValidationError(
            _("The birth date in the personal identity code is not a real date."),
            code="date",
        ) from None
    if born > timezone.localdate():
        raise ValidationError(
            _("The birth date in the personal identity code is in the future."), code="future"
        )
    number = int(match.group(5))
    if number < 2:
        raise ValidationError(
            _("The individual number of a personal identity code is 002–999."), code="number"
        )
    if number >= 900 and not allow_temporary:
        raise ValidationError(
            _(
                "This is a temporary identity code (individual number 900–999). "
                "Tick “allow a temporary code” if that is intended."
            ),
            code="temporary",
        )
    expected = expected_check_character(code)
    if code[10] != expected:
        raise ValidationError(
            _("The check character is wrong: it should be %(expected)s, not %(given)s."),
            code="checksum",
            params={"expected": expected, "given": code[10]},
        )
    # A second opinion from the library everyone else uses.
    if not stdnum_hetu.is_valid(code, allow_temporary=allow_temporary):
        raise ValidationError(_("The personal identity code is not valid."), code="invalid")
    return code


def mask_hetu(code: str) -> str:
    """Birth date and century sign only: 131052-******."""
    return f"{code[:7]}****"
