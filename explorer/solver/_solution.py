"""The :class:`Solution` a solve returns: the answer, its neighbours and how it was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["Neighbour", "Solution"]


class Neighbour(NamedTuple):
    """The nearest allowed value of the free size on one side of the budget."""

    value: int
    total: int


@dataclass(frozen=True)
class Solution:
    """An integer design that meets a budget, provably the best allowed one for its mode.

    Attributes:
        sizes: every size of the design by keyword (``explorer.count(family,
            convention=..., **sizes)`` gives ``total`` back; see :meth:`count_kwargs`).
        free: the size that was solved for.
        relative_error: ``(total - budget) / budget``; off-budget is data, not an error.
        below, above: the best allowed designs at or under, and over, the budget.
        method: how the continuous root was found before the exact integer check.
        evaluations: exact counts evaluated to prove the answer.
        assumptions: defaults the solver filled in, each saying how to change it (and,
            from a config.json, the fields held as the file gives them).
        notes: what else the answer's reader should know (a file written, a field of the
            config read with a caveat).
        alternatives: for several free choices, every solved design, best first.
        unit, measure: what ``total`` and ``budget`` count (parameters by default; FLOPs
            or bytes under a measure).
        parameters: the design's parameter count.

    Example:
        >>> import explorer
        >>> s = explorer.solve("lstm", budget="21M", convention="weights", input=39,
        ...                    output=34, layers=3)
        >>> s.sizes["cells"], s.total, round(s.relative_error, 5)
        (1020, 21001800, 9e-05)
        >>> s  # doctest: +ELLIPSIS
        Solution(family='lstm', free='cells', sizes={...}, total=21001800, budget=21000000)
    """

    family: str
    convention: str
    overrides: dict[str, Any]
    free: str
    sizes: dict[str, Any]
    total: int
    budget: int
    relative_error: float
    mode: str
    below: Neighbour | None
    above: Neighbour | None
    method: str
    evaluations: int
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rule: str = ""
    alternatives: tuple[Solution, ...] = field(default=(), repr=False)
    #: What ``total`` and ``budget`` count: ``parameters``, ``FLOPs`` or ``bytes``.
    unit: str = "parameters"
    #: The measure in words (``forward FLOPs of one 2048-token sequence (torch)``).
    measure: str = "parameters"
    #: The design's parameters (``total`` when the budget is in parameters).
    parameters: int | None = None

    @classmethod
    def of(cls, **fields: Any) -> Solution:
        """The same as ``Solution(**fields)`` in a fraction of the time, for the solver's
        hot path: a frozen dataclass's ``__init__`` sets each of its 16 fields through
        ``object.__setattr__``, and a warm solve takes a few microseconds in all. Fields
        left out keep their defaults.

        Example:
            >>> s = Solution.of(family="rnn", convention="weights", overrides={}, free="cells",
            ...                 sizes={"cells": 2}, total=10, budget=10, relative_error=0.0,
            ...                 mode="nearest", below=None, above=None, method="m", evaluations=2)
            >>> s.value, s.assumptions, s == Solution(**vars(s))
            (2, (), True)
        """
        return cls.of_fields(fields)

    @classmethod
    def of_fields(cls, fields: dict[str, Any]) -> Solution:
        """:meth:`of` with the fields as one dictionary (taken, not copied: it becomes the
        solution's ``__dict__``; fields left out keep their defaults, class attributes).

        Example:
            >>> Solution.of_fields({"free": "cells", "sizes": {"cells": 7}}).value
            7
        """
        solution = _NEW(cls)
        _SET_FIELDS(solution, fields)
        return solution

    def __repr__(self) -> str:
        """Short: the answer (the neighbours, method and alternatives are attributes)."""
        more = f", alternatives={len(self.alternatives)}" if self.alternatives else ""
        return (
            f"Solution(family={self.family!r}, free={self.free!r}, sizes={self.sizes!r}, "
            f"total={self.total}, budget={self.budget}{more})"
        )

    def _repr_html_(self) -> str:
        """Jupyter's table of the design(s), the budget and the neighbours."""
        from explorer.solver._notebook import solution_html

        return solution_html(self)

    def _repr_latex_(self) -> str:
        """Jupyter's answer as a formula."""
        from explorer.solver._notebook import solution_latex

        return solution_latex(self)

    def to_pandas(self) -> Any:
        """The design (or every design, best first) as a :class:`pandas.DataFrame`, one
        row per design (needs pandas)."""
        from explorer.solver._notebook import solution_frame

        return solution_frame(self)

    @property
    def value(self) -> int:
        """The solved value of the free size."""
        return int(self.sizes[self.free])

    def count_kwargs(self) -> dict[str, Any]:
        """Keyword arguments with which ``explorer.count(family, **kwargs)`` gives ``total``."""
        return {"convention": self.convention, **self.overrides, **self.sizes}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (alternatives included, without their own alternatives)."""
        data: dict[str, Any] = {
            "family": self.family,
            "convention": self.convention,
            "overrides": self.overrides,
            "free": self.free,
            "sizes": self.sizes,
            "total": self.total,
            "budget": self.budget,
            "relative_error": self.relative_error,
            "mode": self.mode,
            "below": None
            if self.below is None
            else {"value": self.below.value, "total": self.below.total},
            "above": None
            if self.above is None
            else {"value": self.above.value, "total": self.above.total},
            "method": self.method,
            "evaluations": self.evaluations,
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "unit": self.unit,
            "measure": self.measure,
            "parameters": self.total if self.parameters is None else self.parameters,
        }
        if self.alternatives:
            data["rule"] = self.rule
            data["designs"] = [
                {k: v for k, v in a.to_json().items() if k != "designs"} for a in self.alternatives
            ]
        return data


_NEW = object.__new__
#: Sets an instance's ``__dict__`` whole (the dictionary taken, not copied).
_SET_FIELDS = Solution.__dict__["__dict__"].__set__
