"""Reading budgets: ``6500000``, ``6.5e6``, ``6.5M``, ``21M``, ``1.3B``, ``350k``.

Example:
    >>> [parse_budget(b) for b in ("6.5e6", "6.5M", "21M", "1.3B", "350k", 6500000)]
    [6500000, 6500000, 21000000, 1300000000, 350000, 6500000]
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from explorer.errors import BudgetError

__all__ = ["parse_budget"]

_SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}


def parse_budget(value: object) -> int:
    """A positive whole number of parameters, exactly (no float rounding)."""
    if isinstance(value, bool):
        raise BudgetError(f"budget must be a number of parameters, got {value!r}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise BudgetError(f"budget must be finite, got {value!r}")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("_", "").replace(",", "")
        scale = 1
        if text and text[-1].lower() in _SUFFIXES:
            scale = _SUFFIXES[text[-1].lower()]
            text = text[:-1]
        try:
            number = Decimal(text) * scale
        except InvalidOperation:
            raise BudgetError(
                f"budget {value!r} is not a number; write it like 6500000, 6.5e6, 6.5M, 350k, 1.3B"
            ) from None
        if not number.is_finite():
            raise BudgetError(f"budget must be finite, got {value!r}")
    else:
        raise BudgetError(f"budget must be a number or text like 6.5M, got {type(value).__name__}")
    if number <= 0:
        raise BudgetError(f"budget must be positive, got {value!r}")
    if number != number.to_integral_value():
        raise BudgetError(f"budget must be a whole number of parameters, got {value!r} = {number}")
    return int(number)
