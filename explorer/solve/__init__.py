"""The inverse solver: budget -> integer sizes.

Example:
    >>> from explorer.solve import solve
    >>> solve("lstm", budget="21M", convention="weights", input=39, output=34, layers=3).sizes
    {'input': 39, 'cells': 1020, 'layers': 3, 'output': 34}
"""

from explorer.solve._budget import parse_budget
from explorer.solve._solution import Neighbour, Solution
from explorer.solve._solver import DEFAULTS, MODES, RANKING, SOLVABLE, Mode, solve, solve_all
from explorer.solve._spec import solve_spec

__all__ = [
    "DEFAULTS",
    "MODES",
    "RANKING",
    "SOLVABLE",
    "Mode",
    "Neighbour",
    "Solution",
    "parse_budget",
    "solve",
    "solve_all",
    "solve_spec",
]
