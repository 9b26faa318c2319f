"""A mixture of experts (Shazeer et al. 2017; Jiang et al. 2024): a router [E, d_model]
and E gated expert MLPs in two fused tensors, as transformers 5 stores them (Mixtral,
Qwen-MoE, OLMoE, DeepSeek, GLM-4.5: ``gate_up_proj`` [E, 2 d_ff, d_model] and ``down_proj``
[E, d_model, d_ff]; gpt-oss: transposed, [E, d_model, 2 d_ff] and [E, d_ff, d_model], with
a bias per expert output and a router bias); a token runs through its ``k`` experts one by
one (its matrix products).

**Active parameters per token** (``Count.active``), the one definition every mixture of
experts here uses: every parameter of the model as transformers builds it that one
token's forward pass reads — the embeddings (counted whole), the attention, the norms, the
router (scores for all E experts), the shared experts and any dense layers (every token
runs through them), the head — and, in each layer with a mixture, ``k`` of its ``E``
routed experts (their weights and biases). That is the total less ``E - k`` routed experts
per mixture layer. Model cards round it, and some leave parts out (gpt-oss's card leaves
the token embedding out); the zoo's tests and the papers registry say which convention
each card uses.

Example:
    >>> import explorer
    >>> c = explorer.count("mixtral", d_model=64, layers=1, heads=4, kv_heads=4, vocab=10,
    ...                    d_ff=96, experts=4, experts_per_token=2)
    >>> c.total - c.active  # two of the four experts idle for each token
    36864
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, projection, words
from explorer.transformer.blocks._words import copies, size, times
from explorer.transformer.blocks.mlp import ffn_facts

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["ExpertNames", "Experts"]


class ExpertNames(NamedTuple):
    """Local names of a mixture of experts with fused expert tensors: the router,
    ``gate_up`` (every expert's gate and up-projection) and ``down``."""

    router: str
    gate_up: str
    down: str


class Experts(NamedTuple):
    """The mixture of experts that takes the MLP's place.

    Attributes:
        names: its local names.
        transposed: expert tensors stored [E, in, out] (gpt-oss), else [E, out, in].
        biases: a bias per expert output (``gate_up_proj_bias`` [E, 2 d_ff],
            ``down_proj_bias`` [E, d_model]: gpt-oss).
        router_bias: the router has a bias [E] (gpt-oss).
        correction: the router keeps a score-correction bias [E] as a buffer, not a
            parameter (DeepSeek-V3, GLM-4.5: ``e_score_correction_bias``); told in its words.
    """

    names: ExpertNames
    norm_title: str = "MLP norm"
    transposed: bool = False
    biases: bool = False
    router_bias: bool = False
    correction: bool = False

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The router (and its bias), then the fused expert tensors (and their biases);
        each expert term's active part is ``k`` of its ``E`` experts. Each role says which
        it is (``("projection", "router")``: ``router``, ``gate_up``, ``down``, and
        ``router_bias``, ``gate_up_bias``, ``down_bias``)."""
        import sympy

        names, extras = self.names, ffn_facts(s)
        facts = (*extras, ("storage", "transposed")) if self.transposed else extras
        if self.correction:
            facts += (("correction", "buffer"),)

        def term(
            local: str,
            kind: str,
            shape: tuple[Any, ...],
            title: str,
            meaning: str,
            *,
            code: str,
            routed: bool,
        ) -> Term:
            return Term(
                at.name(local),
                kind,
                shape,
                meaning,
                at.group,
                at.copies,
                at.role(
                    local.removesuffix(".weight"),
                    title,
                    block="experts",
                    feeds=code == "router",
                    extras=(*facts, ("projection", code)),
                ),
                active=at.copies * z.per_token * sympy.Mul(*shape[1:]) if routed else None,
            )

        both, d = 2 * z.d_ff, z.d
        terms = [
            term(
                names.router + ".weight",
                "weight",
                (z.experts, d),
                "router",
                "router: one score per expert from the token's d_model features",
                code="router",
                routed=False,
            ),
        ]
        if self.router_bias:
            terms.append(
                term(
                    names.router + ".bias",
                    "bias",
                    (z.experts,),
                    "router bias",
                    "router bias: one per expert",
                    code="router_bias",
                    routed=False,
                )
            )
        gate_up = (z.experts, d, both) if self.transposed else (z.experts, both, d)
        down = (z.experts, z.d_ff, d) if self.transposed else (z.experts, d, z.d_ff)
        terms.append(
            term(
                names.gate_up,
                "weight",
                gate_up,
                "expert gate and up-projections",
                "every expert's gate and up-projection, d_model -> 2 d_ff",
                code="gate_up",
                routed=True,
            )
        )
        if self.biases:
            terms.append(
                term(
                    names.gate_up + "_bias",
                    "bias",
                    (z.experts, both),
                    "expert gate and up-projection biases",
                    "every expert's gate and up-projection biases",
                    code="gate_up_bias",
                    routed=True,
                )
            )
        terms.append(
            term(
                names.down,
                "weight",
                down,
                "expert down-projections",
                "every expert's down-projection, d_ff -> d_model",
                code="down",
                routed=True,
            )
        )
        if self.biases:
            terms.append(
                term(
                    names.down + "_bias",
                    "bias",
                    (z.experts, d),
                    "expert down-projection biases",
                    "every expert's down-projection biases",
                    code="down_bias",
                    routed=True,
                )
            )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The router over all E experts for every token; each token through its k
        experts (batched_mm's pairs)."""
        names = self.names
        routed = run.rows * z.per_token
        return [
            projection(
                at,
                name,
                rows=rows,
                out=out,
                inputs=inputs,
                title=title,
                block="experts",
            )
            for name, rows, out, inputs, title in (
                (names.router, run.rows, z.experts, z.d, "router"),
                (
                    names.gate_up,
                    routed,
                    2 * z.d_ff,
                    z.d,
                    "routed experts' gate and up (k per token)",
                ),
                (names.down, routed, z.d, z.d_ff, "routed experts' down (k per token)"),
            )
        ]

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
    transposed = role.extra("storage") == "transposed"

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
        if role.extra("correction"):
            text += (
                f"; a score-correction bias of {experts} values steers the choice (kept as a "
                "buffer, not a parameter: not counted)"
            )
    elif code == "router_bias":
        text = f"one router bias per expert ({experts}), added to its score"
    elif code == "gate_up":
        both, d_model = (numbers[2], numbers[1]) if transposed else (numbers[1], numbers[2])
        stored = (
            f"{experts} x {d_model} rows of 2 x {both // 2} (stored [in, out])"
            if transposed
            else f"{experts} x 2 x {both // 2} rows of {d_model}"
        )
        text = (
            f"each of the {experts} experts is a gated MLP of its own, its gate and "
            f"up-projection fused: {stored} (d_ff per expert){uses(2, both // 2, d_model)}"
        )
    elif code == "down":
        d_ff, d_model = (numbers[1], numbers[2]) if transposed else (numbers[2], numbers[1])
        stored = (
            f"{experts} x {d_ff} rows of {d_model} (stored [in, out])"
            if transposed
            else f"{experts} x {d_model} rows of {d_ff}"
        )
        text = (
            f"each of the {experts} experts takes its {d_ff} hidden features back to the "
            f"{d_model}-wide residual stream: {stored}{uses(d_model, d_ff)}"
        )
    else:  # an expert bias
        width = numbers[1]
        what = "gate and up-projection outputs" if code == "gate_up_bias" else "outputs"
        text = f"each of the {experts} experts has a bias per {what}: {experts} x {width}"
        text += uses(width)
    return text + copies(role, network)
