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
from explorer.conventions import resolve_convention
from explorer.errors import BudgetError, ConflictError, InvalidSizeError, UnknownNameError
from explorer.solver import parse_budget
from searches._progress import bar as progress_bar
from searches.space import Choice, Space, make_space

__all__ = [
    "ENGINES",
    "Engine",
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
    """One solved grid point: ``explorer.count(family, **sizes).total == total``;
    ``label`` names its structure (the family and its choices but the depth)."""

    family: str
    budget: int
    total: int
    sizes: dict[str, Any]
    step: int | None
    label: str = ""

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


def structures(space: Space) -> list[Choice]:
    """What one compiled count covers: every choice but the depth, in row order."""
    return list(dict.fromkeys(choice.without_depth() for choice in space.choices()))


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

    def structures(self) -> list[Choice]:
        """Every choice but the depth, in row order."""
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

    def _depthless_sizes(self, structure: Choice, free: str) -> dict[str, Any]:
        """The sizes of ``structure`` but its free size and depth, the family's defaults
        filled in as a count takes them, tied sizes present (symbols in the formula)."""
        family = explorer.FAMILIES[structure.family]
        given, ties = self.space.design(self.space.with_depth(structure, 1))
        given.pop(family.depth, None)
        for keyword in family.keywords:
            name = keyword.name
            unset = name not in (*given, free, family.depth, *ties)
            if keyword.is_size and keyword.default is not None and unset:
                given[name] = keyword.default
        for name in ties:
            given[name] = True if getattr(family.keyword(name), "kind", "") == "part" else None
        return {k: v for k, v in given.items() if v is not None}

    def _depths_in_range(self, structure: Choice, bounds: tuple[int, int | None]) -> Any:
        """The space's depths the family allows (a derived formula's verified range); the
        others skipped, with the reason."""
        import numpy as np

        depths = np.array(self.space.depths(), dtype=np.int64)
        low, high = bounds
        inside = (depths >= low) & (depths <= (depths.max() if high is None else high))
        depth_name = explorer.FAMILIES[structure.family].depth
        for depth in depths[~inside]:
            reason = f"{depth_name} {depth} lies outside {structure.family}'s range {low}..{high}"
            for budget in self.budgets:
                self._skip(structure, int(budget), int(depth), reason)
        return depths[inside]

    def _skip(self, structure: Choice, budget: int, depth: int, reason: str) -> None:
        self.skipped += 1
        if len(self.examples) < 5:
            name = explorer.FAMILIES[structure.family].depth
            self.examples.append(f"{structure.label} {name}={depth} at {budget:,}: {reason}")

    def _row(
        self, choice: Choice, budget: int, total: int, free: int, step: int | None
    ) -> SweepRow:
        sizes = self.space.concrete(choice, free)
        return SweepRow(choice.family, budget, total, sizes, step, choice.without_depth().label)

    def _pointwise(self, structure: Choice, bar: Any) -> Iterator[SweepRow]:
        for budget in self.budgets:
            for depth in self.space.depths():
                choice = self.space.with_depth(structure, depth)
                try:
                    solution = self.space.solve(choice, budget=budget)
                except (BudgetError, ConflictError, InvalidSizeError) as error:
                    self._skip(structure, budget, depth, str(error))
                    continue
                finally:
                    if bar is not None:
                        bar.update(1)
                below, above = solution.below, solution.above
                step = None if below is None or above is None else above.total - below.total
                yield self._row(choice, budget, solution.total, solution.value, step)

    def _vectorised(self, structure: Choice, bar: Any) -> Iterator[SweepRow]:
        import math

        import numpy as np

        from searches._grid import solve_block

        space = self.space
        family = explorer.FAMILIES[structure.family]
        free, depth_name = space.free(structure.family), family.depth
        given = self._depthless_sizes(structure, free)
        template = explorer.formula(structure.family, convention=space.convention, **given)
        ratios = [d for d in space.declared(structure.family) if d.kind == "ratio"]
        step = math.lcm(space.multiple_of, family.multiple(free, given))
        rules = resolve_convention(space.convention or family.default_convention, kind=family.kind)
        own_low, own_high = family.domain(free, given, rules)  # the family's own range
        low = max(space.minimum or 1, own_low)
        highs = [h for h in (space.maximum, own_high) if h is not None]
        for declared in ratios:  # every tied size at least 1
            value = structure.get(declared.name)
            low = max(low, -(-100 // value) if declared.percent else value)
        lo_k = -(-low // step)
        hi_k = min(highs) // step if highs else None
        capped = own_high is not None and (space.maximum is None or own_high < space.maximum)
        depths = self._depths_in_range(structure, family.domain(depth_name, given, rules))
        if not depths.size:
            return
        bases = {int(d): space.concrete(space.with_depth(structure, int(d)), 1) for d in depths}
        label = structure.label
        per_chunk = max(1, CHUNK // len(depths))
        for first in range(0, len(self.budgets), per_chunk):
            chunk = np.array(self.budgets[first : first + per_chunk], dtype=object)
            budgets = np.repeat(chunk, len(depths))
            layers = np.tile(depths, len(chunk))
            numeric = budgets.astype(np.int64) if chunk.max() < 2**62 else budgets

            def count_at(k: Any, index: Any, layers: Any = layers) -> Any:
                width = k * step
                kwargs = {free: width, depth_name: layers[index]}
                for declared in ratios:
                    kwargs[declared.keyword] = declared.tied(width, structure.get(declared.name))
                return template.evaluate_many(**kwargs)

            block = solve_block(
                count_at,
                numeric,
                lo_k=lo_k,
                hi_k=hi_k,
                mode=space.mode,
                design_cap=capped,
                free=free,
            )
            for i in range(len(budgets)):
                budget, depth = int(budgets[i]), int(layers[i])
                if not block.feasible[i]:
                    self._skip(structure, budget, depth, str(block.reason[i]))
                    continue
                row_step = int(block.step[i])
                width = int(block.k[i]) * step
                sizes = dict(bases[depth])  # the row's keywords: its depth's, the width set
                sizes[free] = width
                for declared in ratios:
                    sizes[declared.keyword] = declared.tied(width, structure.get(declared.name))
                yield SweepRow(
                    structure.family,
                    budget,
                    int(block.total[i]),
                    sizes,
                    None if row_step < 0 else row_step,
                    label,
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
