"""Budget-constrained Optuna searches and design sweeps (one module per search or sweep).

They use :mod:`explorer`'s public API only: Optuna samples the structural choices
(family, depth, directions, projection ratio) and :func:`explorer.solve` fills in the
cells, so every design is on budget by construction.

- :func:`search`: the budget-constrained study (:mod:`searches.budget_search`);
- :func:`baseline`: plain Optuna over raw sizes, the budget a soft constraint
  (:mod:`searches.baseline`), to measure the difference;
- :func:`sweep`: every point of a grid solved exactly, streamed (:mod:`searches.sweep`);
- :func:`sweep_study`: the same grid as an Optuna GridSampler study, resumable and shared
  by many workers on one storage (:mod:`searches.grid_study`).

Each study is a kind (:class:`searches._kind.SearchKind`: constrained, baseline, grid)
handed to one engine (:mod:`searches._engine`) that creates, resumes, shares and collects
it; a new kind is one module.

optuna and matplotlib are imported only inside the paths that need them.

Example:
    >>> space = make_space(families=("lstm", "gru"), layers=(1, 2))
    >>> rows = sweep(space, budgets=(1_000_000,))
    >>> [(r.family, r.sizes["layers"], r.sizes["cells"]) for r in rows]
    [('lstm', 1, 476), ('lstm', 2, 280), ('gru', 1, 552), ('gru', 2, 324)]
"""

from searches.baseline import baseline
from searches.budget_search import search
from searches.design import Design
from searches.errors import (
    MissingExtraError,
    ObjectiveError,
    OutputError,
    SearchInterruptedError,
    StorageError,
)
from searches.grid_study import sweep_study
from searches.objectives import BUILTIN, ObjectivePlan, load_objective, resolve_objectives
from searches.results import SearchResult, TrialRecord
from searches.space import Choice, Space, make_space
from searches.storage import StorageSpec, parse_storage
from searches.sweep import SweepRow, grid_size, sweep

__all__ = [
    "BUILTIN",
    "Choice",
    "Design",
    "MissingExtraError",
    "ObjectiveError",
    "ObjectivePlan",
    "OutputError",
    "SearchInterruptedError",
    "SearchResult",
    "Space",
    "StorageError",
    "StorageSpec",
    "SweepRow",
    "TrialRecord",
    "baseline",
    "grid_size",
    "load_objective",
    "make_space",
    "parse_storage",
    "resolve_objectives",
    "search",
    "sweep",
    "sweep_study",
]
