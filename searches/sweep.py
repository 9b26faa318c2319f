"""Design sweeps: every point of a grid (families x budgets x depths x directions x
projection ratios) solved exactly, streamed row by row.

Two engines give the same rows: ``vectorised`` (default) solves all budgets and depths of
one structure at once on numpy arrays (:mod:`searches._grid`); ``solve`` calls
:func:`explorer.solve` point by point (the reference, and for comparison). Rows come in
order (family, directions, ratio, budget, depth); points without a design at their
budget (too deep for it) are counted in :attr:`Sweep.skipped`, not yielded.

Example:
    >>> space = make_space(families=("lstm",), layers=(1, 2))
    >>> rows = list(sweep(space, budgets=(1_000_000, 6_500_000)))
    >>> for r in rows:
    ...     print(r.budget, r.sizes["layers"], r.sizes["cells"], r.total)
    1000000 1 476 1000586
    1000000 2 280 998514
    6500000 1 1250 6497534
    6500000 2 727 6492144
    >>> import explorer
    >>> all(explorer.count(r.family, **r.sizes).total == r.total for r in rows)
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import explorer
from explorer.errors import BudgetError, ConflictError, InvalidSizeError, UnknownNameError
from explorer.solver import parse_budget
from searches._progress import bar as progress_bar
from searches.space import Space, make_space

__all__ = [
    "ENGINES",
    "Engine",
    "Structure",
    "Sweep",
    "SweepRow",
    "grid_size",
    "make_space",
    "structures",
    "sweep",
]

Engine = Literal["vectorised", "solve"]
ENGINES: tuple[str, ...] = get_args(Engine)
CHUNK = 65_536  # points solved together: bounded memory, whatever the grid


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One solved grid point: ``explorer.count(family, **sizes).total == total``."""

    family: str
    budget: int
    total: int
    sizes: dict[str, Any]
    step: int | None

    @property
    def relative_error(self) -> float:
        """``(total - budget) / budget``."""
        return (self.total - self.budget) / self.budget

    def to_json(self) -> dict[str, Any]:
        """``family``, ``sizes``, ``total``, ``budget``, ``relative_error``, ``step``."""
        return {
            "family": self.family,
            "budget": self.budget,
            "total": self.total,
            "relative_error": self.relative_error,
            "sizes": self.sizes,
            "step": self.step,
        }


@dataclass(frozen=True, slots=True)
class Structure:
    """What one compiled count covers: everything but the budget, depth and cells."""

    family: str
    bidirectional: bool
    ratio: int | None


def structures(space: Space) -> Iterator[Structure]:
    """One per family, directions and ratio, in row order."""
    for family in space.families:
        for bidirectional in space.bidirectional:
            for ratio in space.ratios(family):
                yield Structure(family, bidirectional, ratio)


def grid_size(space: Space, budgets: Sequence[object]) -> int:
    """Points in the grid.

    Example:
        >>> grid_size(make_space(families=("lstm", "lstmp"), layers=range(1, 7)), ["1M", "6.5M"])
        24
    """
    return space.size * len(budgets)


@dataclass
class Sweep:
    """An iterable over the rows of a sweep (each iteration solves the grid again).

    After an iteration, ``skipped`` counts the points without a design and ``examples``
    holds a few of their reasons.
    """

    space: Space
    budgets: tuple[int, ...]
    engine: str = "vectorised"
    progress: bool = False
    skipped: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Points in the grid."""
        return grid_size(self.space, self.budgets)

    def structures(self) -> Iterator[Structure]:
        """One per family, directions and ratio, in row order."""
        return structures(self.space)

    def __iter__(self) -> Iterator[SweepRow]:
        self.skipped, self.examples = 0, []
        bar = progress_bar(self.size, unit="design", desc="sweep", enabled=self.progress)
        try:
            solve = self._vectorised if self.engine == "vectorised" else self._pointwise
            for structure in self.structures():
                yield from solve(structure, bar)
        finally:
            if bar is not None:
                bar.close()

    def _skip(self, structure: Structure, budget: int, layers: int, reason: str) -> None:
        self.skipped += 1
        if len(self.examples) < 5:
            self.examples.append(f"{structure.family} L={layers} at {budget:,}: {reason}")

    def _sizes(self, structure: Structure, cells: int, layers: int) -> dict[str, Any]:
        """The design's keywords in :meth:`explorer.Solution.count_kwargs`'s order."""
        space = self.space
        sizes: dict[str, Any] = {
            "convention": space.convention or "pytorch",
            "input": space.input if space.input is not None else 39,
            "cells": cells,
            "layers": layers,
            "output": space.output if space.output is not None else 34,
        }
        if structure.ratio is not None:
            sizes["proj"] = cells // structure.ratio
        if structure.bidirectional:
            sizes["bidirectional"] = True
        return sizes

    def _pointwise(self, structure: Structure, bar: Any) -> Iterator[SweepRow]:
        for budget in self.budgets:
            for layers in self.space.layers:
                try:
                    solution = self.space.solve(
                        structure.family,
                        budget=budget,
                        layers=layers,
                        bidirectional=structure.bidirectional,
                        ratio=structure.ratio,
                    )
                except (BudgetError, ConflictError, InvalidSizeError) as error:
                    self._skip(structure, budget, layers, str(error))
                    continue
                finally:
                    if bar is not None:
                        bar.update(1)
                below, above = solution.below, solution.above
                step = None if below is None or above is None else above.total - below.total
                yield SweepRow(
                    solution.family, budget, solution.total, solution.count_kwargs(), step
                )

    def _vectorised(self, structure: Structure, bar: Any) -> Iterator[SweepRow]:
        import numpy as np

        from searches._grid import solve_block

        space, ratio = self.space, structure.ratio
        given: dict[str, Any] = {
            k: v
            for k, v in self._sizes(structure, 1, 1).items()
            if k not in ("cells", "layers", "proj")
        }
        if ratio is not None:
            given["proj"] = True
        template = explorer.formula(structure.family, **given)
        step = space.multiple_of
        low = max(space.min_cells or 1, ratio or 1)
        lo_k = -(-low // step)
        hi_k = None if space.max_cells is None else space.max_cells // step
        depths = np.array(space.layers, dtype=np.int64)
        per_chunk = max(1, CHUNK // len(depths))
        for first in range(0, len(self.budgets), per_chunk):
            chunk = np.array(self.budgets[first : first + per_chunk], dtype=object)
            budgets = np.repeat(chunk, len(depths))
            layers = np.tile(depths, len(chunk))
            numeric = budgets.astype(np.int64) if chunk.max() < 2**62 else budgets

            def count_at(k: Any, index: Any, layers: Any = layers) -> Any:
                cells = k * step
                kwargs = {"cells": cells, "layers": layers[index]}
                if ratio is not None:
                    kwargs["proj"] = cells // ratio
                return template.evaluate_many(**kwargs)

            block = solve_block(count_at, numeric, lo_k=lo_k, hi_k=hi_k, mode=space.mode)
            for i in range(len(budgets)):
                budget, depth = int(budgets[i]), int(layers[i])
                if not block.feasible[i]:
                    self._skip(structure, budget, depth, str(block.reason[i]))
                    continue
                row_step = int(block.step[i])
                yield SweepRow(
                    structure.family,
                    budget,
                    int(block.total[i]),
                    self._sizes(structure, int(block.k[i]) * step, depth),
                    None if row_step < 0 else row_step,
                )
            if bar is not None:
                bar.update(len(budgets))


def sweep(
    space: Space,
    *,
    budgets: Sequence[object],
    engine: str = "vectorised",
    progress: bool = False,
) -> Sweep:
    """The rows of the grid ``space`` x ``budgets``, each point solved exactly (iterate it).

    Args:
        space: families, depths, directions, ratios and fixed sizes (:func:`make_space`).
        budgets: one or more budgets (``6.5M``, 6500000 ...).
        engine: ``vectorised`` (numpy, default) or ``solve`` (:func:`explorer.solve`
            per point).
        progress: a progress bar on stderr (tqdm, when installed).
    """
    if engine not in ENGINES:
        raise UnknownNameError.for_name("engine", engine, ENGINES)
    parsed = tuple(dict.fromkeys(parse_budget(b) for b in budgets))
    if not parsed:
        raise BudgetError("give at least one budget")
    return Sweep(space, parsed, engine, progress)
