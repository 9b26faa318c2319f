"""Symbolic architecture explorer: exact, closed-form parameter counts.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34)
    >>> c.total
    21166080
"""

from typing import TYPE_CHECKING, Any

from explorer._api import count, formula
from explorer.algebra import Count
from explorer.conventions import CONVENTIONS, Convention
from explorer.errors import ExplorerError
from explorer.families import FAMILIES
from explorer.hf import count_hf, design_hf
from explorer.solver import Solution, solve, solve_all

if TYPE_CHECKING:
    from explorer.derivation import Derived, derive, load_derived
    from explorer.measures import Bytes, Flops, Memory, memory, memory_convention
    from explorer.scaling import plan

#: Loaded on first use: ``import explorer`` never imports the derive package (nor the
#: memory conventions or the scaling fits).
_LAZY = {
    "derive": "explorer.derivation",
    "Derived": "explorer.derivation",
    "load_derived": "explorer.derivation",
    "Bytes": "explorer.measures",
    "Flops": "explorer.measures",
    "Memory": "explorer.measures",
    "memory": "explorer.measures",
    "memory_convention": "explorer.measures",
    "plan": "explorer.scaling",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")


__all__ = [
    "CONVENTIONS",
    "FAMILIES",
    "Bytes",
    "Convention",
    "Count",
    "Derived",
    "ExplorerError",
    "Flops",
    "Memory",
    "Solution",
    "count",
    "count_hf",
    "derive",
    "design_hf",
    "formula",
    "load_derived",
    "memory",
    "memory_convention",
    "plan",
    "solve",
    "solve_all",
]
__version__ = "0.1.0"
