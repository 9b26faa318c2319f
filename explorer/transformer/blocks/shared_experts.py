"""Shared experts (Dai et al. 2024, DeepSeekMoE; Qwen1.5-MoE): a gated MLP beside the
routed experts of a mixture, which every token runs through (all of it active). DeepSeek
and GLM-4.5 size it as ``n_shared_experts`` experts of the routed width fused into one MLP
(``shared_experts``: n_s x d_ff wide); Qwen2-MoE gives it a width of its own
(``shared_expert``: d_shared wide) and scales its output by a sigmoid gate
(``shared_expert_gate``: one weight per feature of d_model, no bias).

Example:
    >>> import explorer
    >>> c = explorer.count("deepseek", d_model=64, layers=2, heads=4, vocab=10, d_ff=16,
    ...                    d_dense=96, experts=4, experts_per_token=2, shared_experts=2,
    ...                    first_dense=1, kv_rank=16, nope_dim=8, rope_dim=4, v_dim=8)
    >>> c.breakdown["model.layers.*.mlp.shared_experts.up_proj.weight"]  # 2 x 16 rows of 64
    2048
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, projection, words
from explorer.transformer.blocks._words import Matrix, copies, is_bias, size
from explorer.transformer.blocks.mlp import MlpNames

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["SharedExperts"]


@dataclass(frozen=True, slots=True)
class SharedExperts:
    """The shared experts of a mixture.

    Attributes:
        names: the gated MLP's local names.
        count: the keyword of how many routed-width experts it fuses (width = count x
            d_ff: DeepSeek's ``n_shared_experts``), or ``""``.
        width: the keyword of its own width (Qwen2-MoE's ``d_shared``), when not ``count``.
        gate: the local name of its sigmoid gate [1, d_model] (``""``: none).
    """

    names: MlpNames
    count: str = ""
    width: str = ""
    gate: str = ""
    norm_title: str = "MLP norm"

    def _width(self, z: Sizes) -> Any:
        return z[self.count] * z.d_ff if self.count else z[self.width]

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """Gate, up and down (biases where the design has MLP biases), then the gate of
        its output. Each role says which (``("projection", "gate")`` ... ``"shared_gate"``)
        and how its width is made (``("shared", "count")`` or ``"width"``)."""
        width, names = self._width(z), self.names
        extras = (("shared", "count" if self.count else "width"),)
        terms: list[Term] = []
        for code, name, out, inputs, title in (
            ("gate", names.gate, width, z.d, "shared expert gate"),
            ("up", names.up, width, z.d, "shared expert up-projection"),
            ("down", names.down, z.d, width, "shared expert down-projection"),
        ):
            terms += linear(
                at,
                name,
                out=out,
                inputs=inputs,
                bias=s.mlp_bias,
                title=title,
                block="shared experts",
                extras=(*extras, ("projection", code)),
            )
        if self.gate:
            terms += linear(
                at,
                self.gate,
                out=1,
                inputs=z.d,
                bias=False,
                title="shared expert output gate",
                block="shared experts",
                extras=(*extras, ("projection", "shared_gate")),
            )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Every position through the shared MLP (and its output gate)."""
        width, names = self._width(z), self.names
        found = [
            (names.gate, width, z.d, "shared expert gate"),
            (names.up, width, z.d, "shared expert up"),
            (names.down, z.d, width, "shared expert down"),
        ]
        if self.gate:
            found.append((self.gate, 1, z.d, "shared expert output gate"))
        return [
            projection(
                at,
                name,
                rows=run.rows,
                out=out,
                inputs=inputs,
                title=title,
                block="shared experts",
            )
            for name, out, inputs, title in found
        ]

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


# -- words ------------------------------------------------------------------------------------
@words("shared experts")
def _shared_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    count = size(network, "shared_experts")
    if is_bias(numbers):
        (width,) = numbers
        return f"one bias per output of the shared expert ({width})" + copies(role, network)
    matrix = Matrix.of(role, numbers)
    if code == "shared_gate":
        text = (
            f"a sigmoid gate on the shared expert's output: one weight per feature of the "
            f"{matrix.inputs}-wide residual stream, no bias"
        )
        return text + copies(role, network)
    hidden = matrix.inputs if code == "down" else matrix.out
    made = (
        f"{count} shared experts of {hidden // count} fused into one MLP {hidden} wide"
        if role.extra("shared") == "count" and count and count > 1 and hidden % count == 0
        else f"a shared expert {hidden} wide"
    )
    every = "every token runs through it (all of it active)"
    if code == "down":
        text = f"{made} takes its features back to the residual stream: {matrix.text()}"
    elif code == "gate":
        text = f"{made}, beside the routed experts, {every}; its gate: {matrix.text()}"
    else:
        text = f"{made}: its up-projection beside the gate: {matrix.text()}"
    return text + copies(role, network)
