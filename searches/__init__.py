"""Budget-constrained Optuna searches and design sweeps (one module per search or sweep).

They use :mod:`explorer`'s public API only: Optuna samples the structural choices
(family, depth, directions, projection ratio) and :func:`explorer.solve` fills in the
width, so every design is on budget by construction.

- :func:`search`: the budget-constrained study (:mod:`searches.budget_search`);
- :func:`baseline`: plain Optuna over raw sizes, the budget a soft constraint
  (:mod:`searches.baseline_search`), to measure the difference;
- :func:`sweep`: every point of a grid solved exactly, streamed (:mod:`searches.design_sweep`);
- :func:`sweep_study`: the same grid as an Optuna GridSampler study, resumable and shared
  by many workers on one storage (:mod:`searches.grid_study`);
- :func:`dashboard`: optuna-dashboard on a stored study (:mod:`searches.dashboard_server`).

Everything the command line uses is here, at the package's face; each name is imported
on first use (PEP 562), so ``import searches`` costs nothing until a search runs, and
optuna and matplotlib are imported only inside the paths that need them.

Example:
    >>> from searches import make_space, sweep
    >>> space = make_space(families=("lstm", "gru"), layers=(1, 2))
    >>> rows = sweep(space, budgets=(1_000_000,))
    >>> [(r.family, r.sizes["layers"], r.sizes["cells"]) for r in rows]
    [('lstm', 1, 476), ('lstm', 2, 280), ('gru', 1, 552), ('gru', 2, 324)]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from searches._engine import SAMPLERS, check_seed
    from searches._notes import ASSUMED_SOURCES, space_notes
    from searches._optional import require
    from searches.baseline_search import baseline
    from searches.budget_search import search
    from searches.dashboard_server import dashboard
    from searches.design import Design
    from searches.design_sweep import ENGINES, Sweep, SweepRow, grid_size, sweep
    from searches.errors import (
        MissingExtraError,
        ObjectiveError,
        ObjectiveValueError,
        OutputError,
        SearchInterruptedError,
        StorageError,
    )
    from searches.grid_study import sweep_study
    from searches.objectives import BUILTIN, ObjectivePlan, load_objective, resolve_objectives
    from searches.options import (
        TOGGLES,
        budget_choices,
        byte_choices,
        flop_choices,
        int_choices,
        name_list,
        toggle,
    )
    from searches.outputs import Outputs
    from searches.plots import PLOT_AXES, SweepPoints, draw_compute, draw_search, draw_sweep
    from searches.render import search_text, sweep_header, sweep_table
    from searches.results import SearchResult, TrialRecord
    from searches.space import MIN_HEAD_DIM, SIZE_LIMIT, Choice, Space, make_space
    from searches.storage import GRACE_PERIOD, StorageSpec, parse_storage
    from searches.workers import check_workers

_WHERE = {
    "SAMPLERS": "searches._engine",
    "check_seed": "searches._engine",
    "require": "searches._optional",
    "ASSUMED_SOURCES": "searches._notes",
    "space_notes": "searches._notes",
    "baseline": "searches.baseline_search",
    "search": "searches.budget_search",
    "dashboard": "searches.dashboard_server",
    "Design": "searches.design",
    "MissingExtraError": "searches.errors",
    "ObjectiveError": "searches.errors",
    "ObjectiveValueError": "searches.errors",
    "OutputError": "searches.errors",
    "SearchInterruptedError": "searches.errors",
    "StorageError": "searches.errors",
    "sweep_study": "searches.grid_study",
    "BUILTIN": "searches.objectives",
    "ObjectivePlan": "searches.objectives",
    "load_objective": "searches.objectives",
    "resolve_objectives": "searches.objectives",
    "TOGGLES": "searches.options",
    "budget_choices": "searches.options",
    "byte_choices": "searches.options",
    "flop_choices": "searches.options",
    "int_choices": "searches.options",
    "name_list": "searches.options",
    "toggle": "searches.options",
    "Outputs": "searches.outputs",
    "PLOT_AXES": "searches.plots",
    "SweepPoints": "searches.plots",
    "draw_compute": "searches.plots",
    "draw_search": "searches.plots",
    "draw_sweep": "searches.plots",
    "search_text": "searches.render",
    "sweep_header": "searches.render",
    "sweep_table": "searches.render",
    "SearchResult": "searches.results",
    "TrialRecord": "searches.results",
    "MIN_HEAD_DIM": "searches.space",
    "SIZE_LIMIT": "searches.space",
    "Choice": "searches.space",
    "Space": "searches.space",
    "make_space": "searches.space",
    "GRACE_PERIOD": "searches.storage",
    "StorageSpec": "searches.storage",
    "parse_storage": "searches.storage",
    "ENGINES": "searches.design_sweep",
    "Sweep": "searches.design_sweep",
    "SweepRow": "searches.design_sweep",
    "grid_size": "searches.design_sweep",
    "sweep": "searches.design_sweep",
    "check_workers": "searches.workers",
}

__all__ = [
    "ASSUMED_SOURCES",
    "BUILTIN",
    "ENGINES",
    "GRACE_PERIOD",
    "MIN_HEAD_DIM",
    "PLOT_AXES",
    "SAMPLERS",
    "SIZE_LIMIT",
    "TOGGLES",
    "Choice",
    "Design",
    "MissingExtraError",
    "ObjectiveError",
    "ObjectivePlan",
    "ObjectiveValueError",
    "OutputError",
    "Outputs",
    "SearchInterruptedError",
    "SearchResult",
    "Space",
    "StorageError",
    "StorageSpec",
    "Sweep",
    "SweepPoints",
    "SweepRow",
    "TrialRecord",
    "baseline",
    "budget_choices",
    "byte_choices",
    "check_seed",
    "check_workers",
    "dashboard",
    "draw_compute",
    "draw_search",
    "draw_sweep",
    "flop_choices",
    "grid_size",
    "int_choices",
    "load_objective",
    "make_space",
    "name_list",
    "parse_storage",
    "require",
    "resolve_objectives",
    "search",
    "search_text",
    "space_notes",
    "sweep",
    "sweep_header",
    "sweep_study",
    "sweep_table",
    "toggle",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'searches' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
