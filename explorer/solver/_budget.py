"""Reading budgets: ``6500000``, ``6.5e6``, ``6.5M``, ``21M``, ``1.3B``, ``350k``.

Example:
    >>> [parse_budget(b) for b in ("6.5e6", "6.5M", "21M", "1.3B", "350k", 6500000)]
    [6500000, 6500000, 21000000, 1300000000, 350000, 6500000]
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal, InvalidOperation, localcontext

from explorer.errors import BudgetError, shown

__all__ = ["MAX_BUDGET", "parse_budget"]

_SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}

#: The largest budget accepted: far beyond any network, and a number every count and
#: answer can print.
MAX_BUDGET = 10**30
_MAX_TEXT = "10**30"
_MAX_TEXT_LENGTH = 100


def parse_budget(value: object) -> int:
    """A positive whole number of parameters, exactly (no float rounding)."""
    if isinstance(value, bool):
        raise BudgetError(f"budget must be a number of parameters, got {shown(value)}")
    if isinstance(value, numbers.Integral):  # numpy's integers too
        whole = int(value)
        if whole > MAX_BUDGET:
            raise BudgetError(_too_large(value))
        number = Decimal(whole)
    elif isinstance(value, numbers.Real):  # numpy's floats too (their repr is not a number)
        real = float(value)
        if not math.isfinite(real):
            raise BudgetError(f"budget must be finite, got {shown(value)}")
        number = Decimal(repr(real))
    elif isinstance(value, str):
        text = value.strip().replace("_", "").replace(",", "")
        if len(text) > _MAX_TEXT_LENGTH:
            raise BudgetError(
                f"budget {shown(value)} is too long to be a budget; write it like 6.5M or 6.5e6"
            )
        scale = 1
        if text and text[-1].lower() in _SUFFIXES:
            scale = _SUFFIXES[text[-1].lower()]
            text = text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise BudgetError(
                f"budget {shown(value)} is not a number; write it like 6500000, 6.5e6, 6.5M, "
                "350k, 1.3B"
            ) from None
        if not number.is_finite():
            raise BudgetError(f"budget must be finite, got {shown(value)}")
        if number.adjusted() > 40:  # before any arithmetic: 1e1000000 would overflow it
            raise BudgetError(_too_large(value))
        with localcontext() as exact:  # the text is short: this precision never rounds
            exact.prec = 4 * _MAX_TEXT_LENGTH
            number *= scale
    else:
        raise BudgetError(f"budget must be a number or text like 6.5M, got {type(value).__name__}")
    if number <= 0:
        raise BudgetError(f"budget must be positive, got {shown(value)}")
    if number > MAX_BUDGET:
        raise BudgetError(_too_large(value))
    if number != number.to_integral_value():
        raise BudgetError(f"budget must be a whole number of parameters, got {shown(value)}")
    return int(number)


def _too_large(value: object) -> str:
    return f"budget must be at most {_MAX_TEXT} parameters (beyond any network), got {shown(value)}"
