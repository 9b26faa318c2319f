"""Feed-forward blocks: a two-matrix MLP, a gated three-matrix one (SwiGLU, GeGLU), and a
mixture of experts (a router and E expert MLPs, k of them used per token).

Example:
    >>> import sympy
    >>> from explorer.blocks._site import Site
    >>> d, f = sympy.symbols("d f", positive=True)
    >>> names = MlpNames(up="up_proj", down="down_proj", gate="gate_proj")
    >>> sum(t.expr for t in mlp(Site("", "layers"), names, d_model=d, d_ff=f, bias=False))
    3*d*f
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the families import the names below: no sympy at their import
    import sympy

    from explorer.algebra._term import Term
    from explorer.blocks._site import Site

__all__ = ["ExpertNames", "MlpNames", "experts", "mlp"]


@dataclass(frozen=True, slots=True)
class MlpNames:
    """Local names of an MLP's matrices; ``gate`` set means gated (three matrices)."""

    up: str
    down: str
    gate: str = ""


@dataclass(frozen=True, slots=True)
class ExpertNames:
    """Local names of a mixture of experts with fused expert tensors (Mixtral):
    the router, ``gate_up`` [E, 2 d_ff, d_model] and ``down`` [E, d_model, d_ff]."""

    router: str
    gate_up: str
    down: str


def mlp(
    site: Site,
    names: MlpNames,
    *,
    d_model: sympy.Expr,
    d_ff: sympy.Expr,
    bias: bool,
    transposed: bool = False,
    extras: tuple[tuple[str, str], ...] = (),
) -> list[Term]:
    """``up`` (and ``gate``) d_model -> d_ff, ``down`` d_ff -> d_model. Each role says
    which matrix it is (``("projection", "gate")``: ``gate``, ``up`` or ``down``) and
    whether the MLP is gated; ``extras``: the family's facts (how d_ff was chosen)."""
    from explorer.blocks.linear import linear

    extras = (*extras, ("gated", "yes" if names.gate else "no"))
    projections = [("gate", names.gate, d_ff, d_model, "MLP gate")] if names.gate else []
    projections += [
        ("up", names.up, d_ff, d_model, "MLP up-projection"),
        # The down-projection's bias is d_model wide: GPT-2 and BERT always have it.
        ("down", names.down, d_model, d_ff, "MLP down-projection"),
    ]
    terms: list[Term] = []
    for role, name, out, inputs, title in projections:
        terms += linear(
            site,
            name,
            out=out,
            inputs=inputs,
            bias=bias,
            title=title,
            block="mlp",
            transposed=transposed,
            extras=(*extras, ("projection", role)),
        )
    return terms


def experts(
    site: Site,
    names: ExpertNames,
    *,
    d_model: sympy.Expr,
    d_ff: sympy.Expr,
    count: sympy.Expr,
    per_token: sympy.Expr,
    extras: tuple[tuple[str, str], ...] = (),
) -> list[Term]:
    """A router [E, d_model] and E gated expert MLPs in two fused tensors; a token uses
    the router and ``per_token`` experts (Shazeer et al. 2017; Jiang et al. 2024). Each
    role says which it is (``("projection", "router")``: ``router``, ``gate_up``,
    ``down``); ``extras``: the family's facts."""
    import sympy

    from explorer.algebra._term import Term

    router = Term(
        site.name(names.router + ".weight"),
        "weight",
        (count, d_model),
        "router: one score per expert from the token's d_model features",
        site.group,
        site.copies,
        site.role(
            names.router,
            "router",
            block="experts",
            feeds=True,
            extras=(*extras, ("projection", "router")),
        ),
    )
    fused = [
        Term(
            site.name(name),
            "weight",
            shape,
            meaning,
            site.group,
            site.copies,
            site.role(name, title, block="experts", extras=(*extras, ("projection", code))),
            active=site.copies * per_token * sympy.Mul(*shape[1:]),
        )
        for name, shape, title, meaning, code in (
            (
                names.gate_up,
                (count, 2 * d_ff, d_model),
                "expert gate and up-projections",
                "every expert's gate and up-projection, d_model -> 2 d_ff",
                "gate_up",
            ),
            (
                names.down,
                (count, d_model, d_ff),
                "expert down-projections",
                "every expert's down-projection, d_ff -> d_model",
                "down",
            ),
        )
    ]
    return [router, *fused]
