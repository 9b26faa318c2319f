"""Terms, counts and their exact evaluation.

``Term`` (sympy) is imported lazily so that evaluating a compiled count never pays for
importing sympy.
"""

from __future__ import annotations

from typing import Any

from explorer.algebra._compiled import CompiledCount, Slot, TermInfo
from explorer.algebra._count import INT64_MAX, Count
from explorer.algebra._poly import Polynomial

__all__ = ["INT64_MAX", "KINDS", "CompiledCount", "Count", "Polynomial", "Slot", "Term", "TermInfo"]


def __getattr__(name: str) -> Any:
    if name in ("Term", "KINDS"):
        from explorer.algebra import _term

        return getattr(_term, name)
    raise AttributeError(f"module 'explorer.algebra' has no attribute {name!r}")
