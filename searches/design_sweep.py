"""Design sweeps: every point of a grid (families x budgets x depths x directions x
projection ratios) solved exactly, streamed row by row.

Two engines give the same rows: ``vectorised`` (default) solves all budgets and depths of
one structure at once on numpy arrays (:mod:`searches._grid`); ``solve`` calls
:func:`explorer.solve` point by point (the reference, and for comparison). Rows come in
order (family, directions, ratio, budget, depth); points without a design at their
budget (too deep for it) are counted in :attr:`Sweep.skipped`, not yielded.

Budgets count what the space's measure counts: parameters, FLOPs (the vectorised engine
evaluates the families' compiled compute terms) or bytes (solved point by point: the
``solve`` engine). A row's ``total`` is in that unit, ``parameters`` beside it; with the
space's ``seq`` given, each row also has ``flops``, the forward FLOPs of one sequence.

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
    >>> from explorer.measures import Flops
    >>> flops = make_space(families=("lstm",), layers=(1, 2), measure=Flops(seq=100))
    >>> for r in sweep(flops, budgets=("1G",)):
    ...     print(r.sizes["layers"], r.sizes["cells"], r.total, r.unit, r.parameters, r.flops)
    1 1095 1000830000 FLOPs 5012944 1000830000
    2 638 1001149600 FLOPs 5015990 1001149600
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import explorer
from explorer.conventions import resolve_convention
from explorer.errors import BudgetError, ConflictError, InvalidSizeError, UnknownNameError
from explorer.families import domain_of, multiple_of
from searches.design import Design
from searches.progress import Progress
from searches.space import Choice, Space, make_space

__all__ = [
    "ENGINES",
    "Engine",
    "Sweep",
    "SweepRow",
    "grid_size",
    "make_space",
    "row_of",
    "structures",
    "sweep",
]

Engine = Literal["vectorised", "solve"]
ENGINES: tuple[str, ...] = get_args(Engine)
#: Rows a notebook shows of a sweep.
HTML_ROWS = 50
CHUNK = 65_536  # points solved together: bounded memory, whatever the grid


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One solved grid point: ``total`` is what the budget counts of the design (in
    ``unit``; ``explorer.count(family, **sizes).total`` for parameters), ``parameters``
    its parameter count, ``flops`` the forward FLOPs of one sequence (``None`` unless the
    sweep's space has ``seq``, or when the family declares no compute); ``label`` names
    its structure (the family and its choices but the depth)."""

    family: str
    budget: int
    total: int
    sizes: dict[str, Any]
    step: int | None
    label: str = ""
    unit: str = "parameters"
    parameters: int = -1
    flops: int | None = None

    def __post_init__(self) -> None:
        if self.parameters < 0 and self.unit == "parameters":
            object.__setattr__(self, "parameters", self.total)

    @property
    def relative_error(self) -> float:
        """``(total - budget) / budget``."""
        return (self.total - self.budget) / self.budget

    def to_json(self) -> dict[str, Any]:
        """``family``, ``sizes``, ``total``, ``budget``, ``relative_error``, ``step``,
        ``unit``, ``parameters`` (and ``flops`` when the sweep has them)."""
        data = {
            "family": self.family,
            "budget": self.budget,
            "total": self.total,
            "unit": self.unit,
            "parameters": self.parameters,
            "relative_error": self.relative_error,
            "sizes": self.sizes,
            "step": self.step,
        }
        if self.flops is not None:
            data["flops"] = self.flops
        return data


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

    def to_pandas(self) -> Any:
        """Every row as a :class:`pandas.DataFrame` (the sizes as columns; pandas is
        optional, imported here, one line naming it when missing)."""
        from searches._optional import require

        pandas = require("pandas", feature="to_pandas()", extra="pandas")
        records = []
        for row in self:
            data = row.to_json()
            sizes = data.pop("sizes")
            records.append({**data, **{k: v for k, v in sizes.items() if k != "convention"}})
        return pandas.DataFrame(records)

    def _repr_html_(self) -> str:
        """Jupyter's view: the first rows as an HTML table."""
        from searches.render import html_table, sweep_rows

        rows = list(itertools.islice(iter(self), HTML_ROWS))
        if not rows:
            return html_table([], [], caption=f"sweep: {self.size:,} grid points, none solved")
        header, cells = sweep_rows(rows)
        caption = f"sweep: {self.size:,} grid points; the first {len(rows):,} rows"
        return html_table(header, cells, caption=caption)

    def structures(self) -> list[Choice]:
        """Every choice but the depth, in row order."""
        return structures(self.space)

    def __iter__(self) -> Iterator[SweepRow]:
        self.skipped, self.examples = 0, []
        bar = Progress(self.size, unit="design", enabled=self.progress)
        try:
            solve = self._vectorised if self.engine == "vectorised" else self._pointwise
            for structure in self.structures():
                yield from solve(structure, bar)
        finally:
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

        depths = np.array(self.space.depths(structure.family), dtype=np.int64)
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

    def _pointwise(self, structure: Choice, bar: Any) -> Iterator[SweepRow]:
        space = self.space
        for budget in self.budgets:
            for depth in space.depths(structure.family):
                choice = space.with_depth(structure, depth)
                try:
                    solution = space.solve(choice, budget=budget)
                except (BudgetError, ConflictError, InvalidSizeError) as error:
                    self._skip(structure, budget, depth, str(error))
                    continue
                finally:
                    bar.add(1)
                design = space.to_design(solution)
                sizes = space.concrete(choice, solution.value)  # as the vectorised rows
                yield row_of(space, design, structure.label, sizes=sizes)

    def _skip_all(self, structure: Choice, bar: Any, reason: str) -> None:
        """Every point of a structure skipped, for one reason."""
        for budget in self.budgets:
            for depth in self.space.depths(structure.family):
                self._skip(structure, budget, depth, reason)
        bar.add(len(self.budgets) * len(self.space.depths(structure.family)))

    def _bounds(
        self, structure: Choice, free: str, given: dict[str, Any], rules: Any
    ) -> tuple[int, int, int | None, bool]:
        """The free size's step, the range of its multiples (``lo_k``, ``hi_k``; ``None``:
        unbounded) and whether the design's own range ends it (not the user's maximum)."""
        import math

        space = self.space
        family = explorer.FAMILIES[structure.family]
        step = math.lcm(space.multiple_of, multiple_of(family, free, given))
        own_low, own_high = domain_of(family, free, given, rules)  # the family's own range
        low = max(space.minimum or 1, own_low)
        highs = [h for h in (space.maximum, own_high) if h is not None]
        for declared in space.declared(structure.family):  # every tied size at least 1
            if declared.kind == "ratio":
                value = structure.get(declared.name)
                low = max(low, -(-100 // value) if declared.percent else value)
        capped = own_high is not None and (space.maximum is None or own_high < space.maximum)
        return step, -(-low // step), min(highs) // step if highs else None, capped

    def _vectorised(self, structure: Choice, bar: Any) -> Iterator[SweepRow]:
        import numpy as np

        from searches._grid import solve_block

        space = self.space
        family = explorer.FAMILIES[structure.family]
        free, depth_name = space.free(structure.family), family.depth
        given = self._depthless_sizes(structure, free)
        template = explorer.formula(
            structure.family,
            convention=space.convention,
            seq=space.seq,
            batch=1,
            decoder_seq=space.decoder_seq,
            compute=space.compute,
            **given,
        )
        try:
            measured, flops = _compute_of(space, template)
        except ConflictError as error:  # a FLOP budget, a family without compute
            self._skip_all(structure, bar, str(error))
            return
        rules = resolve_convention(space.convention or family.default_convention, kind=family.kind)
        step, lo_k, hi_k, capped = self._bounds(structure, free, given, rules)
        depths = self._depths_in_range(structure, domain_of(family, depth_name, given, rules))
        if not depths.size:
            return
        bases = {int(d): space.concrete(space.with_depth(structure, int(d)), 1) for d in depths}
        per_chunk = max(1, CHUNK // len(depths))
        for first in range(0, len(self.budgets), per_chunk):
            chunk = np.array(self.budgets[first : first + per_chunk], dtype=object)
            budgets = np.repeat(chunk, len(depths))
            layers = np.tile(depths, len(chunk))
            numeric = budgets.astype(np.int64) if chunk.max() < 2**62 else budgets

            def sizes_at(k: Any, index: Any, layers: Any = layers) -> dict[str, Any]:
                width = k * step
                kwargs = {free: width, depth_name: layers[index]}
                kwargs.update(space.tied_sizes(structure, width))
                return kwargs

            block = solve_block(
                lambda k, index: measured(**sizes_at(k, index)),
                numeric,
                lo_k=lo_k,
                hi_k=hi_k,
                mode=space.mode,
                design_cap=capped,
                free=free,
            )
            solved = np.flatnonzero(block.feasible)
            column = {int(index): n for n, index in enumerate(solved)}
            parameters, forward = block.total[solved], None
            if solved.size and (space.measure is not None or flops is not None):
                at = sizes_at(block.k[solved], solved)
                if space.measure is not None:  # the parameters beside the measured total
                    parameters = template.evaluate_many(**at)
                if flops is not None:
                    forward = flops(**at)
            for i in range(len(budgets)):
                budget, depth = int(budgets[i]), int(layers[i])
                if not block.feasible[i]:
                    self._skip(structure, budget, depth, str(block.reason[i]))
                    continue
                width = int(block.k[i]) * step
                sizes = dict(bases[depth])  # the row's keywords: its depth's, the width set
                sizes[free] = width
                sizes.update(space.tied_sizes(structure, width))
                n, row_step = column[i], int(block.step[i])
                yield SweepRow(
                    structure.family,
                    budget,
                    int(block.total[i]),
                    sizes,
                    None if row_step < 0 else row_step,
                    structure.label,
                    space.unit,
                    int(parameters[n]),
                    None if forward is None else int(forward[n]),
                )
            bar.add(len(budgets))


def row_of(
    space: Space, design: Design, label: str, *, sizes: dict[str, Any] | None = None
) -> SweepRow:
    """The sweep row of a solved design (its forward FLOPs when the space has ``seq``),
    with ``sizes`` in place of the design's when given."""
    return SweepRow(
        design.family,
        design.budget,
        design.total,
        dict(design.sizes) if sizes is None else sizes,
        design.step,
        label,
        design.unit,
        design.parameters,
        None if space.seq is None else _flops(design),
    )


def _flops(design: Design) -> int | None:
    """Forward FLOPs of one sequence, ``None`` for a family that declares no compute."""
    try:
        return design.flops
    except ConflictError:
        return None


def _compute_of(space: Space, template: explorer.Count) -> tuple[Any, Any]:
    """The vectorised measure the budgets count (parameters, or the FLOPs of the compute
    terms, times the training factor for a training step), and the forward FLOPs for the
    rows (``None`` without ``seq``, or for a family that declares no compute)."""
    from explorer.measures import Flops

    flops = None
    if space.seq is not None:
        try:
            flops = template.compute.evaluate_many
        except ConflictError:
            flops = None
    measure = space.measure
    if measure is None:
        return template.evaluate_many, flops
    assert isinstance(measure, Flops)  # bytes are solved point by point
    forward = template.compute.evaluate_many  # ConflictError: no compute, no design
    factor = measure.convention.training_factor if measure.training else 1
    if factor == 1:
        return forward, flops

    def training(**sizes: Any) -> Any:
        return factor * forward(**sizes)

    return training, flops


def sweep(
    space: Space,
    *,
    budgets: Sequence[object],
    engine: str = "vectorised",
    progress: bool = False,
) -> Sweep:
    """The rows of the grid ``space`` x ``budgets``, each point solved exactly (iterate it).

    Args:
        space: families, depths, directions, ratios and fixed sizes (:func:`make_space`),
            and what a budget counts (its measure).
        budgets: one or more budgets in the space's unit (``6.5M``, 6500000; ``2e12``
            FLOPs; ``80GB``).
        engine: ``vectorised`` (numpy, default) or ``solve`` (:func:`explorer.solve`
            per point). Byte budgets are always solved point by point (the engine is
            then ``solve``).
        progress: a progress bar on stderr (tqdm, when installed).
    """
    if engine not in ENGINES:
        raise UnknownNameError.for_name("engine", engine, ENGINES)
    parsed = tuple(dict.fromkeys(space.parse_budget(b) for b in budgets))
    if not parsed:
        raise BudgetError("give at least one budget")
    if space.unit == "bytes":
        engine = "solve"
    return Sweep(space, parsed, engine, progress)
