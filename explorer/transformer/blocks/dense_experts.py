"""LLaMA 4's mixture of experts (Meta 2025): a router [E, d_model] and E gated expert MLPs in
two fused tensors stored input-first (``gate_up_proj`` [E, d_model, 2 d_ff], ``down_proj``
[E, d_ff, d_model]), dispatched densely: every token goes through every expert, scaled by its
router score (the sigmoid of the top-k scores, zero for the others); beside it a shared
expert (a gated MLP every token uses: its own block, :class:`~explorer.transformer.Mlp`).

Active parameters per token (the definition of :mod:`explorer.transformer.blocks.experts`):
the router and ``k`` of the E experts. What ``FlopCounterMode`` counts is all E: the dense
dispatch runs ``bmm`` over E x (B T) rows (transformers 5's ``Llama4TextExperts``).

Example:
    >>> import explorer
    >>> c = explorer.count("llama4_text", d_model=64, layers=2, heads=4, kv_heads=2,
    ...                    head_dim=16, vocab=100, d_ff=48, dense_width=96, experts=4,
    ...                    experts_per_token=1, moe_every=2)
    >>> c.shapes["model.layers.*.feed_forward.experts.gate_up_proj"], c.total - c.active
    ((4, 64, 96), 27648)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, projection, words
from explorer.transformer.blocks._words import copies, size, times

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["DenseExperts"]


class DenseExperts(NamedTuple):
    """The router and the fused experts of LLaMA 4's mixture of experts, by local name."""

    router: str = "feed_forward.router"
    gate_up: str = "feed_forward.experts.gate_up_proj"
    down: str = "feed_forward.experts.down_proj"
    norm_title: str = "MLP norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The router, then the experts; a token uses ``k`` of the E experts (active)."""
        import sympy

        block = "dense experts"
        router = Term(
            at.name(self.router + ".weight"),
            "weight",
            (z.experts, z.d),
            "router: one score per expert from the token's d_model features",
            at.group,
            at.copies,
            at.role(self.router, "router", block=block, feeds=True,
                    extras=(("projection", "router"),)),
        )  # fmt: skip
        fused = [
            Term(
                at.name(name),
                "weight",
                shape,
                meaning,
                at.group,
                at.copies,
                at.role(name, title, block=block, extras=(("projection", code),)),
                active=at.copies * z.per_token * sympy.Mul(*shape[1:]),
            )
            for name, shape, title, meaning, code in (
                (self.gate_up, (z.experts, z.d, 2 * z.d_ff), "expert gate and up-projections",
                 "every expert's gate and up-projection, d_model -> 2 d_ff", "gate_up"),
                (self.down, (z.experts, z.d_ff, z.d), "expert down-projections",
                 "every expert's down-projection, d_ff -> d_model", "down"),
            )
        ]  # fmt: skip
        return [router, *fused]

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The router over every token; every token through all E experts (dense
        dispatch, as ``bmm``)."""
        every = run.rows * z.experts
        return [
            projection(
                at,
                name,
                rows=rows,
                out=out,
                inputs=inputs,
                title=title,
                block="dense experts",
            )
            for name, rows, out, inputs, title in (
                (self.router, run.rows, z.experts, z.d, "router"),
                (self.gate_up, every, 2 * z.d_ff, z.d, "every expert's gate and up, every token"),
                (self.down, every, z.d, z.d_ff, "every expert's down, every token"),
            )
        ]

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


@words("dense experts")
def _words(
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
        text = (
            f"one router score per expert, {experts} rows of {numbers[1]}: each token's "
            f"top {per_token or 'k'} scores weight the experts, the others count zero"
        )
    elif code == "gate_up":
        _, d_model, both = numbers
        text = (
            f"each of the {experts} experts is a gated MLP of its own, its gate and "
            f"up-projection fused, stored input-first: {experts} x {d_model} rows of "
            f"2 x {both // 2}{uses(d_model, both)}"
        )
    else:
        _, d_ff, d_model = numbers
        text = (
            f"each of the {experts} experts takes its {d_ff} hidden features back to the "
            f"{d_model}-wide residual stream: {experts} x {d_ff} rows of {d_model}"
            f"{uses(d_ff, d_model)}"
        )
    return text + copies(role, network)
