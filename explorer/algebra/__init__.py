"""The algebra: terms, integer polynomials, compiled forms and :class:`Count`.

It names no architecture and imports nothing above it: a family reaches it through the
small protocol of :mod:`explorer.algebra._protocol`. ``Term`` (sympy) is imported lazily
so that evaluating a compiled count never pays for importing sympy.
"""

from __future__ import annotations

from typing import Any

from explorer.algebra._compiled import CompiledCount, Slot, TermInfo
from explorer.algebra._count import INT64_MAX, Count
from explorer.algebra._kinds import BIAS, EMBEDDING
from explorer.algebra._poly import Polynomial
from explorer.algebra._protocol import ConventionLike, FamilyLike
from explorer.algebra._role import EVERY, GROUPED, Role

__all__ = [
    "BIAS",
    "EMBEDDING",
    "EVERY",
    "GROUPED",
    "INT64_MAX",
    "CompiledCount",
    "ConventionLike",
    "Count",
    "FamilyLike",
    "Polynomial",
    "Role",
    "Slot",
    "Term",
    "TermInfo",
    "symbol",
]


def __getattr__(name: str) -> Any:
    if name == "Term":
        from explorer.algebra._term import Term

        return Term
    if name == "symbol":
        from explorer.algebra._symbols import symbol

        return symbol
    raise AttributeError(f"module 'explorer.algebra' has no attribute {name!r}")
