"""The design space of a search or sweep: the structural choices, and what stays fixed.

Every choice is enumerable (families, depths, directions, projection ratios); the last
size, the cells per layer, is never sampled: :func:`explorer.solve` fills it in exactly.

Example:
    >>> space = make_space(families=("lstm", "gru"), layers=(1, 2, 3))
    >>> space.size
    6
    >>> s = space.solve("gru", budget=6_500_000, layers=2, bidirectional=False, ratio=None)
    >>> s.sizes["cells"], s.total
    (841, 6502646)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import explorer
from explorer.errors import InvalidSizeError, UnknownNameError

__all__ = ["MODES", "Choice", "Space", "has_projection", "make_space"]

MODES = ("nearest", "under", "over")  # explorer.solver.MODES


@dataclass(frozen=True, slots=True)
class Choice:
    """One point of the structural grid: family, depth, directions, projection ratio.

    ``ratio`` is ``None`` for families without a projection; for those with one (lstmp),
    the projection follows the cells: ``proj = cells // ratio``.
    """

    family: str
    layers: int
    bidirectional: bool
    ratio: int | None


@dataclass(frozen=True, slots=True)
class Space:
    """What a search samples and a sweep enumerates; build it with :func:`make_space`.

    Attributes:
        families: allowed families (``lstm``, ``lstmp``, ``gru``, ``rnn``).
        layers: allowed depths.
        bidirectional: allowed directions (``(False,)``, ``(True,)`` or both).
        proj_ratios: allowed cells/projection ratios, for families with a projection.
        convention: the counting convention (``None``: the solver's default, pytorch).
        input, output: fixed sizes (``None``: the solver's defaults 39 and 34).
        mode: ``nearest``, ``under`` or ``over`` the budget.
        multiple_of, min_cells, max_cells: what cell counts are allowed.
    """

    families: tuple[str, ...] = ("lstm",)
    layers: tuple[int, ...] = (1,)
    bidirectional: tuple[bool, ...] = (False,)
    proj_ratios: tuple[int, ...] = (4,)
    convention: str | None = None
    input: int | None = None
    output: int | None = None
    mode: str = "nearest"
    multiple_of: int = 1
    min_cells: int | None = None
    max_cells: int | None = None

    def ratios(self, family: str) -> tuple[int | None, ...]:
        """The projection ratios that apply to ``family`` (``(None,)`` without one)."""
        return self.proj_ratios if has_projection(family) else (None,)

    def choices(self) -> Iterator[Choice]:
        """Every structural choice, families outermost."""
        for family in self.families:
            for bidirectional, ratio, layers in itertools.product(
                self.bidirectional, self.ratios(family), self.layers
            ):
                yield Choice(family, layers, bidirectional, ratio)

    @property
    def size(self) -> int:
        """How many structural choices there are."""
        per_family = len(self.layers) * len(self.bidirectional)
        return sum(per_family * len(self.ratios(f)) for f in self.families)

    def fixed(self) -> dict[str, Any]:
        """The sizes every design shares, as keywords for :func:`explorer.solve`."""
        return {
            "input": 39 if self.input is None else self.input,
            "output": 34 if self.output is None else self.output,
        }

    def solve(
        self,
        family: str,
        *,
        budget: int,
        layers: int,
        bidirectional: bool,
        ratio: int | None,
    ) -> explorer.Solution:
        """The exact design of one choice at ``budget`` (cells solved, projection tied).

        Raises:
            explorer.errors.BudgetError: no allowed cell count meets the budget.
        """
        extra: dict[str, Any] = {"bidirectional": True} if bidirectional else {}
        ties = {"proj": f"cells/{ratio}"} if ratio is not None else None
        return self._solve(family, budget, layers, ties, extra)

    def _solve(
        self,
        family: str,
        budget: int,
        layers: int,
        ties: dict[str, str] | None,
        extra: dict[str, Any],
    ) -> explorer.Solution:
        return explorer.solve(
            family,
            budget=budget,
            convention=self.convention,
            mode=self.mode,  # type: ignore[arg-type]
            multiple_of=self.multiple_of,
            minimum=self.min_cells,
            maximum=self.max_cells,
            ties=ties,
            layers=layers,
            **self.fixed(),
            **extra,
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (also the fingerprint of a stored study)."""
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def has_projection(family: str) -> bool:
    """Whether the family always has a recurrent projection (lstmp).

    Example:
        >>> has_projection("lstmp"), has_projection("lstm")
        (True, False)
    """
    return bool(getattr(explorer.FAMILIES[family], "requires_projection", False))


def make_space(
    *,
    families: Sequence[str] = ("lstm",),
    layers: Sequence[int] = (1,),
    bidirectional: Sequence[bool] = (False,),
    proj_ratios: Sequence[int] = (4,),
    convention: str | None = None,
    input: int | None = None,
    output: int | None = None,
    mode: str = "nearest",
    multiple_of: int = 1,
    min_cells: int | None = None,
    max_cells: int | None = None,
) -> Space:
    """A validated :class:`Space`: every name known, every number a positive integer.

    Example:
        >>> make_space(families=("lstpm",))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        explorer.errors.UnknownNameError: unknown family 'lstpm'; did you mean 'lstmp'? ...
    """
    names = tuple(dict.fromkeys(families))
    if not names:
        raise InvalidSizeError("give at least one family, e.g. --arch lstm,gru")
    for name in names:
        if name not in explorer.FAMILIES:
            raise UnknownNameError.for_name("family", name, explorer.FAMILIES)
    if convention is not None and convention not in explorer.CONVENTIONS:
        raise UnknownNameError.for_name("convention", convention, explorer.CONVENTIONS)
    if mode not in MODES:
        raise UnknownNameError.for_name("mode", mode, MODES)
    ratios = _positive_choices("projection ratio", proj_ratios)
    if min(ratios) < 2:
        raise InvalidSizeError(
            "a projection ratio must be at least 2 (proj = cells // ratio < cells), "
            f"got {min(ratios)}"
        )
    directions = tuple(sorted(set(bidirectional)))
    if not directions or not all(isinstance(b, bool) for b in directions):
        raise InvalidSizeError("bidirectional choices must be True and/or False")
    for name, value in (("input", input), ("multiple_of", multiple_of)):
        _positive(name, value)
    if output is not None and (
        isinstance(output, bool) or not isinstance(output, int) or output < 0
    ):
        raise InvalidSizeError(f"output must be a non-negative integer (0: none), got {output!r}")
    for name, value in (("min_cells", min_cells), ("max_cells", max_cells)):
        _positive(name, value)
    if min_cells is not None and max_cells is not None and min_cells > max_cells:
        raise InvalidSizeError(f"min_cells {min_cells} is above max_cells {max_cells}")
    return Space(
        families=names,
        layers=_positive_choices("layers", layers),
        bidirectional=directions,
        proj_ratios=ratios,
        convention=convention,
        input=input,
        output=output,
        mode=mode,
        multiple_of=multiple_of,
        min_cells=min_cells,
        max_cells=max_cells,
    )


def _positive(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidSizeError(f"{name} must be a positive integer, got {value!r}")


def _positive_choices(name: str, values: Sequence[int]) -> tuple[int, ...]:
    picked = tuple(sorted(set(values)))
    if not picked:
        raise InvalidSizeError(f"{name} has no choices")
    for value in picked:
        _positive(name, value)
    return picked
