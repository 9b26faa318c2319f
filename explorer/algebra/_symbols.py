"""The size symbols as sympy objects, named by us (never by user text).

Example:
    >>> SYMBOLS["cells"], layer_symbol("cells", 1)
    (n_c, n_c1)
"""

from __future__ import annotations

import sympy

from explorer.algebra._names import SYMBOL_NAMES, layer_symbol_name

__all__ = ["SYMBOLS", "layer_symbol", "symbol"]

# Only positive, never integer=True: sympy's solve() then drops irrational roots
# (TECH_NOTES). Integrality is enforced at the door and by the solver's integer check.
SYMBOLS: dict[str, sympy.Symbol] = {
    keyword: sympy.Symbol(name, positive=True) for keyword, name in SYMBOL_NAMES.items()
}


def layer_symbol(keyword: str, layer: int) -> sympy.Symbol:
    """The symbol of a per-layer size."""
    return sympy.Symbol(layer_symbol_name(keyword, layer), positive=True)


def symbol(name: str) -> sympy.Symbol:
    """The symbol with a slot's name (sympy caches symbols by name and assumptions)."""
    return sympy.Symbol(name, positive=True)
