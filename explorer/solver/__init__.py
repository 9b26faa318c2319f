"""The inverse solver: budget -> integer sizes.

Example:
    >>> from explorer.solver import solve
    >>> solve("lstm", budget="21M", convention="weights", input=39, output=34, layers=3).sizes
    {'input': 39, 'cells': 1020, 'layers': 3, 'output': 34}
"""

from typing import TYPE_CHECKING, Any

from explorer.solver._budget import MAX_BUDGET, parse_budget
from explorer.solver._formula import solve_formula
from explorer.solver._integer import closed_form_guess, largest_within, quadratic_floor_root
from explorer.solver._measure import Evaluate, Measure
from explorer.solver._solution import Neighbour, Solution
from explorer.solver._solver import MODES, RANKING, Mode, rank, solve, solve_all

if TYPE_CHECKING:
    from explorer.solver._spec import solve_spec


def __getattr__(name: str) -> Any:
    # Spec files load on first use: counting and solving families need not import them.
    if name == "solve_spec":
        from explorer.solver._spec import solve_spec

        return solve_spec
    raise AttributeError(f"module 'explorer.solver' has no attribute {name!r}")


__all__ = [
    "MAX_BUDGET",
    "MODES",
    "RANKING",
    "Evaluate",
    "Measure",
    "Mode",
    "Neighbour",
    "Solution",
    "closed_form_guess",
    "largest_within",
    "parse_budget",
    "quadratic_floor_root",
    "rank",
    "solve",
    "solve_all",
    "solve_formula",
    "solve_spec",
]
