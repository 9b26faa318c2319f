"""Compute-optimal sizing: a training compute, a published fit, and the exact designs.

:func:`plan` reads the fit's optimum (parameters N_opt and tokens D_opt for a compute C,
or the compute for which a given N is optimal), then solves a family's free width for
N_opt at every depth asked (each an exact integer design, heads dividing d_model as the
family requires) and ranks the designs by :data:`RULE`.

Example:
    >>> p = plan(compute=1e21, fit="hoffmann2022-1", family="llama", layers=range(16, 33, 4))
    >>> round(p.params / 1e9, 2), round(p.tokens / 1e9, 1)  # the paper's 2.86B (appendix D.4)
    (2.86, 58.3)
    >>> best = p.designs[0]
    >>> best.sizes["layers"], best.sizes["d_model"], abs(best.relative_error) < 0.01
    (24, 3008, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from explorer.errors import (
    BudgetError,
    ConflictError,
    ExplorerError,
    UsageError,
    named,
    shown,
    typed,
)
from explorer.scaling._fits import Optimum, ParametricFit, TableFit
from explorer.scaling._fits import fit as find_fit
from explorer.solver import Solution

__all__ = ["DEFAULT_FIT", "RULE", "Plan", "plan"]

DEFAULT_FIT = "hoffmann2022-1"
RULE = (
    "designs within {tolerance:.1%} of N_opt first, the width-to-depth ratio closest to "
    "{aspect:g} (in log) first; then the others, closest to N_opt first"
)
#: Depths tried when none is given (width solved at each).
DEPTHS = range(2, 129)


@dataclass(frozen=True, slots=True)
class Plan:
    """A compute-optimal plan: the fit's optimum and the exact designs nearest to it.

    Attributes:
        fit: the fit used (``name``, ``title``, ``citation``).
        optimum: its flops, params and tokens (reals, as the fit gives them).
        designs: exact designs, best first by ``rule`` (empty without a family).
        rule: how the designs are ranked.
    """

    fit: TableFit | ParametricFit
    optimum: Optimum
    designs: tuple[Solution, ...] = ()
    rule: str = ""
    asked: str = "compute"
    seq: int | None = None
    training_flops: tuple[int, ...] = field(default=(), repr=False)

    @property
    def params(self) -> float:
        """N_opt."""
        return self.optimum.params

    @property
    def tokens(self) -> float:
        """D_opt."""
        return self.optimum.tokens

    @property
    def flops(self) -> float:
        """The training compute C."""
        return self.optimum.flops

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "fit": {"name": self.fit.name, "title": self.fit.title, "citation": self.fit.citation},
            "asked": self.asked,
            "flops": self.flops,
            "params": self.params,
            "tokens": self.tokens,
            "rule": self.rule,
            "seq": self.seq,
            "designs": [
                {
                    "family": s.family,
                    "sizes": s.sizes,
                    "params": s.total,
                    "relative_error": s.relative_error,
                    "tokens_at_6nd": self.flops / (6 * s.total),
                    **(
                        {"training_flops_per_token": t / self.seq}
                        if self.seq is not None and t
                        else {}
                    ),
                }
                for s, t in zip(self.designs, self.training_flops or (0,) * len(self.designs))
            ],
        }


def plan(
    *,
    compute: float | None = None,
    params: float | None = None,
    fit: str | TableFit | ParametricFit = DEFAULT_FIT,
    family: str | None = None,
    convention: str | None = None,
    top: int = 10,
    aspect: float = 128.0,
    tolerance: float = 0.01,
    seq: int | None = None,
    **fixed: Any,
) -> Plan:
    """The compute-optimal parameters and tokens under a published fit, and the exact
    designs of ``family`` nearest to them.

    Args:
        compute: training FLOPs C (``1e21``); or give ``params`` (the compute for which
            that many parameters are optimal: how Hoffmann et al.'s Table 3 reads).
        fit: ``hoffmann2022-1`` (default), ``hoffmann2022-2``, ``hoffmann2022-3``,
            ``besiroglu2024`` (``explorer.scaling.FITS()``).
        family: a family to size; its free width is solved for N_opt at each depth
            (``layers``: an int, a range or a set; default 2..128), the other sizes as
            given or the family's defaults.
        top: designs kept, best first.
        aspect, tolerance: the ranking rule's target width / depth and its band around
            N_opt (:data:`RULE`).
        seq: with it, each design's exact training FLOPs per token of a ``seq``-token
            sequence (3 x its forward pass; FlopCounterMode's products).
        **fixed: sizes of the family (``heads=32``, ``vocab=32000`` ...).
    """
    chosen = find_fit(fit)
    if (compute is None) == (params is None):
        raise UsageError("give the training compute (compute=1e21) or a parameter count")
    _check_ranking(aspect, seq)
    optimum = chosen.at_compute(compute) if compute is not None else chosen.at_params(params)  # type: ignore[arg-type]
    if optimum.params < 1:
        least = chosen.at_params(1.0).flops
        raise BudgetError(
            f"{optimum.flops:.3g} FLOPs train nothing: {chosen.name} gives N_opt = "
            f"{optimum.params:.2g} parameters; give {typed('compute', placeholder='C')} of "
            f"at least {least:.3g}"
        )
    asked = "compute" if compute is not None else "params"
    if family is None:
        if fixed:
            raise UsageError(f"sizes ({', '.join(fixed)}) need a family to size: give family=")
        return Plan(chosen, optimum, asked=asked)
    if not (0 < tolerance < 1) or aspect <= 0 or top < 1:
        raise UsageError("tolerance must lie in (0, 1), aspect be positive and top at least 1")
    rule = RULE.format(tolerance=tolerance, aspect=aspect)
    designs = _designs(optimum, family, convention, fixed)
    ranked = sorted(designs, key=lambda s: _rank(s, aspect, tolerance))[:top]
    per_token: tuple[int, ...] = ()
    if seq is not None:
        per_token = tuple(_training_flops(s, seq) for s in ranked)
    return Plan(chosen, optimum, tuple(ranked), rule, asked, seq, per_token)


def _check_ranking(aspect: float, seq: int | None) -> None:
    """``aspect`` a positive finite number, ``seq`` a positive integer (or none)."""
    if (
        isinstance(aspect, bool)
        or not isinstance(aspect, int | float)
        or not math.isfinite(aspect)
        or aspect <= 0
    ):
        raise UsageError(
            f"{named('aspect')} is the width / depth the ranking prefers: give a positive "
            f"number such as 128, got {shown(aspect)}"
        )
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or seq < 1):
        raise UsageError(
            f"{named('seq')} is the tokens of one training sequence: give a positive integer "
            f"such as 2048, got {shown(seq)}"
        )


def _designs(
    optimum: Optimum, family_name: str, convention: str | None, fixed: dict[str, Any]
) -> list[Solution]:
    from explorer.families import get_family
    from explorer.solver import solve_all

    family = get_family(family_name)
    sizes = dict(fixed)
    depth = sizes.get(family.depth, DEPTHS)
    sizes[family.depth] = set(depth) if isinstance(depth, list | tuple) else depth
    budget = max(1, round(optimum.params))
    try:
        return solve_all(family.name, budget=budget, convention=convention, **sizes)
    except ExplorerError as error:
        raise ConflictError(
            f"no {family.name} design near {budget:,} parameters with these sizes: {error}"
        ) from None


def _rank(solution: Solution, aspect: float, tolerance: float) -> tuple[int, float, float]:
    """Within the band: closest width / depth to ``aspect``; else closest to N_opt."""
    from explorer.families import get_family

    family = get_family(solution.family)
    width, depth = solution.sizes.get(family.width), solution.sizes.get(family.depth)
    error = abs(solution.relative_error)
    if error <= tolerance and isinstance(width, int) and isinstance(depth, int):
        return 0, abs(math.log(width / depth / aspect)), error
    return 1, error, 0.0


def _training_flops(solution: Solution, seq: int) -> int:
    """3 x the forward FLOPs of one ``seq``-token sequence of the design (0: none declared)."""
    from explorer._api import count

    try:
        return count(solution.family, seq=seq, **solution.count_kwargs()).training_flops
    except ExplorerError:
        return 0
