"""Symbolic architecture explorer: exact, closed-form parameter counts.

Example:
    >>> import explorer
    >>> c = explorer.count("lstm", convention="weights", input=39, cells=1024, layers=3, output=34)
    >>> c.total
    21166080
"""

from explorer._api import count, formula
from explorer.algebra import Count
from explorer.conventions import CONVENTIONS, Convention
from explorer.errors import ExplorerError
from explorer.families import FAMILIES
from explorer.solver import Solution, solve, solve_all

__all__ = [
    "CONVENTIONS",
    "FAMILIES",
    "Convention",
    "Count",
    "ExplorerError",
    "Solution",
    "count",
    "formula",
    "solve",
    "solve_all",
]
__version__ = "0.1.0"
