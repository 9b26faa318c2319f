"""The algebra: terms, integer polynomials, compiled forms and :class:`Count`.

It names no architecture and imports nothing above it: a family reaches it through the
small protocol of :mod:`explorer.algebra._protocol`. ``Term``, ``symbol`` and ``integer``
are imported lazily, and sympy only where a term is built with it, so that evaluating a
compiled count never pays for importing sympy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from explorer.algebra._build import slots_of
from explorer.algebra._cache import cache_dir, load_text, store_text
from explorer.algebra._codegen import compile_functions
from explorer.algebra._compiled import CompiledCount, Slot, TermInfo
from explorer.algebra._count import INT64_MAX, Count, count_of, make_count, measure_count
from explorer.algebra._kinds import BIAS, EMBEDDING
from explorer.algebra._measure import measures_of
from explorer.algebra._poly import Polynomial
from explorer.algebra._protocol import ConventionLike, FamilyLike, complete, extent
from explorer.algebra._role import EVERY, GROUPED, Role

if TYPE_CHECKING:
    from explorer.algebra._symbols import integer, symbol
    from explorer.algebra._term import Term

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
    "cache_dir",
    "compile_functions",
    "complete",
    "count_of",
    "extent",
    "integer",
    "load_text",
    "make_count",
    "measure_count",
    "measures_of",
    "slots_of",
    "store_text",
    "symbol",
]


def __getattr__(name: str) -> Any:
    value: Any
    if name == "Term":
        from explorer.algebra import _term

        value = _term.Term
    elif name in ("symbol", "integer"):
        from explorer.algebra import _symbols

        value = getattr(_symbols, name)
    else:
        raise AttributeError(f"module 'explorer.algebra' has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value
