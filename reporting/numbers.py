"""Numbers as Finnish readers write them, whatever the interface language, for every place
that shows figures (the dashboards, the PDF and spreadsheet reports): a decimal comma, a
no-break space between thousands, a real minus sign, "9,00 €" and "87 %" (SFS 4175 style).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NBSP = "\xa0"
DASH = "–"


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(parts)


def fi_number(value: Any, places: int = 0) -> str:
    """1234567 → "1 234 567"; "1234.5", 2 → "1 234,50"; −3 with a real minus sign."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    sign = "−" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    text = _group(whole)
    return f"{sign}{text},{fraction}" if places else f"{sign}{text}"


def fi_money(euros: Any) -> str:
    """Euros: "9.00" → "9,00 €"."""
    return f"{fi_number(euros, 2)}{NBSP}€"


def fi_euros(cents: int) -> str:
    """Whole cents as euros: 900 → "9,00 €"."""
    return fi_money(Decimal(cents).scaleb(-2))


def fi_percent(rate: Any) -> str:
    """A ratio as a percentage: "0.87" → "87 %"; None → "–"."""
    if rate is None:
        return DASH
    return f"{fi_number(Decimal(str(rate)) * 100)}{NBSP}%"
