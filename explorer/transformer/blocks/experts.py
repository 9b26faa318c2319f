"""A mixture of experts (Shazeer et al. 2017; Jiang et al. 2024): a router [E, d_model]
and E gated expert MLPs in two fused tensors (Mixtral: ``gate_up_proj`` [E, 2 d_ff,
d_model], ``down_proj`` [E, d_model, d_ff]); a token uses the router and ``k`` experts
(its active parameters), and runs through them one by one (its matrix products).

Example:
    >>> import explorer
    >>> c = explorer.count("mixtral", d_model=64, layers=1, heads=4, kv_heads=4, vocab=10,
    ...                    d_ff=96, experts=4, experts_per_token=2)
    >>> c.total - c.active  # two of the four experts idle for each token
    36864
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, product, words
from explorer.transformer.blocks._words import copies, size, times
from explorer.transformer.blocks.mlp import ffn_facts

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["ExpertNames", "Experts"]


class ExpertNames(NamedTuple):
    """Local names of a mixture of experts with fused expert tensors (Mixtral): the
    router, ``gate_up`` [E, 2 d_ff, d_model] and ``down`` [E, d_model, d_ff]."""

    router: str
    gate_up: str
    down: str


class Experts(NamedTuple):
    """The mixture of experts that takes the MLP's place."""

    names: ExpertNames
    norm_title: str = "MLP norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The router, then the fused expert tensors; each expert tensor's active part is
        ``k`` of its ``E`` experts. Each role says which it is (``("projection",
        "router")``: ``router``, ``gate_up``, ``down``)."""
        import sympy

        names, extras = self.names, ffn_facts(s)
        router = Term(
            at.name(names.router + ".weight"),
            "weight",
            (z.experts, z.d),
            "router: one score per expert from the token's d_model features",
            at.group,
            at.copies,
            at.role(
                names.router,
                "router",
                block="experts",
                feeds=True,
                extras=(*extras, ("projection", "router")),
            ),
        )
        fused = [
            Term(
                at.name(name),
                "weight",
                shape,
                meaning,
                at.group,
                at.copies,
                at.role(name, title, block="experts", extras=(*extras, ("projection", code))),
                active=at.copies * z.per_token * sympy.Mul(*shape[1:]),
            )
            for name, shape, title, meaning, code in (
                (
                    names.gate_up,
                    (z.experts, 2 * z.d_ff, z.d),
                    "expert gate and up-projections",
                    "every expert's gate and up-projection, d_model -> 2 d_ff",
                    "gate_up",
                ),
                (
                    names.down,
                    (z.experts, z.d, z.d_ff),
                    "expert down-projections",
                    "every expert's down-projection, d_ff -> d_model",
                    "down",
                ),
            )
        ]
        return [router, *fused]

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The router over all E experts for every token; each token through its k
        experts (batched_mm's pairs)."""
        names = self.names
        routed = run.rows * z.per_token
        return [
            product(
                at.name(name),
                rows=rows,
                out=out,
                inputs=inputs,
                meaning=f"{title}: rows x outputs x inputs",
                group=at.group,
                copies=at.copies,
                role=at.role(name, title, block="experts"),
            )
            for name, rows, out, inputs, title in (
                (names.router, run.rows, z.experts, z.d, "router"),
                (names.gate_up, routed, 2 * z.d_ff, z.d,
                 "routed experts' gate and up (k per token)"),
                (names.down, routed, z.d, z.d_ff, "routed experts' down (k per token)"),
            )
        ]  # fmt: skip

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


# -- words ------------------------------------------------------------------------------------
@words("experts")
def _experts_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    per_token = size(network, "experts_per_token")
    experts = numbers[0]

    def uses(*each: int) -> str:
        if not per_token:
            return ""
        return f"; a token uses {per_token} of them (active: {times(per_token, *each)})"

    if code == "router":
        routed = (
            f": each token goes to the {per_token} best-scored of the {experts} experts"
            if per_token
            else ""
        )
        text = f"one router score per expert, {experts} rows of {numbers[1]}{routed}"
    elif code == "gate_up":
        _, both, d_model = numbers
        text = (
            f"each of the {experts} experts is a gated MLP of its own, its gate and "
            f"up-projection fused: {experts} x 2 x {both // 2} rows of {d_model} "
            f"(d_ff per expert){uses(2, both // 2, d_model)}"
        )
    else:
        _, d_model, d_ff = numbers
        text = (
            f"each of the {experts} experts takes its {d_ff} hidden features back to the "
            f"{d_model}-wide residual stream: {experts} x {d_model} rows of {d_ff}"
            f"{uses(d_model, d_ff)}"
        )
    return text + copies(role, network)
