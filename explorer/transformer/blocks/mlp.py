"""Feed-forward blocks: a two-matrix MLP (up, down) or a gated three-matrix one (gate, up,
down: SwiGLU, GeGLU), their matrix products, and the words that say where d_ff comes from.

Example:
    >>> import explorer
    >>> c = explorer.count("llama", d_model=64, layers=1, heads=4, vocab=10, d_ff=96)
    >>> c.breakdown["model.layers.*.mlp.gate_proj.weight"]
    6144
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import DimensionLike, Network, linear, projection, words
from explorer.transformer.blocks._words import Matrix, copies, is_bias

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["Mlp", "MlpNames", "ffn_facts"]


class MlpNames(NamedTuple):
    """Local names of an MLP's matrices; ``gate`` set means gated (three matrices)."""

    up: str
    down: str
    gate: str = ""


class Mlp(NamedTuple):
    """The MLP of a layer: gated or not as the structure says.

    Attributes:
        names: its names when gated (or when it cannot be gated: no ``gate``).
        plain: its names when not gated, where they differ (T5's ``wi`` against ``wi_0``
            and ``wi_1``); by default the gated names without the gate.
        transposed: weights stored [in, out] (GPT-2's ``Conv1D``).
        width: the keyword of its hidden width where it is not ``d_ff``: the dense layers
            of a model whose experts are ``d_ff`` wide (``d_dense``; LLaMA 4's, a width
            that follows a rounding rule), BART's decoder (``decoder_d_ff``).
        width_optional: ``width`` is an optional part: read where the design gives it,
            ``d_ff`` otherwise (BART's decoder).
    """

    names: MlpNames
    plain: MlpNames | None = None
    transposed: bool = False
    norm_title: str = "MLP norm"
    width: str = ""
    width_optional: bool = False

    def _width(self, z: Sizes, s: TransformerStructure) -> Any:
        """Its hidden width: ``width`` where the design has it, else ``d_ff``."""
        return z[self.width] if self._own_width(s) else z.d_ff

    def _own_width(self, s: TransformerStructure) -> bool:
        if not self.width:
            return False
        return not self.width_optional or s.option(self.width) in ("given", "rule")

    def _names(self, s: TransformerStructure) -> MlpNames:
        if s.gated:
            return self.names
        return self.plain or MlpNames(up=self.names.up, down=self.names.down)

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """``up`` (and ``gate``) d_model -> d_ff, ``down`` d_ff -> d_model. Each role says
        which matrix it is (``("projection", "gate")``) and whether the MLP is gated, and
        how d_ff was chosen (for the words)."""
        names, d_ff = self._names(s), self._width(z, s)
        own = self._own_width(s)
        facts = (("d_ff", "given"), ("width", self.width)) if own else ffn_facts(s)
        extras = (*facts, ("gated", "yes" if names.gate else "no"))
        projections = [("gate", names.gate, d_ff, z.d, "MLP gate")] if names.gate else []
        projections += [
            ("up", names.up, d_ff, z.d, "MLP up-projection"),
            # The down-projection's bias is d_model wide: GPT-2 and BERT always have it.
            ("down", names.down, z.d, d_ff, "MLP down-projection"),
        ]
        terms: list[Term] = []
        for role, name, out, inputs, title in projections:
            terms += linear(
                at,
                name,
                out=out,
                inputs=inputs,
                bias=s.mlp_bias,
                title=title,
                block="mlp",
                transposed=self.transposed,
                extras=(*extras, ("projection", role)),
            )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """Every position through the gate and up (d_model -> d_ff), then down."""
        names, d_ff = self._names(s), self._width(z, s)
        found = [(names.gate, d_ff, z.d, "MLP gate")] if names.gate else []
        found += [(names.up, d_ff, z.d, "MLP up"), (names.down, z.d, d_ff, "MLP down")]
        return [
            projection(
                at,
                name,
                rows=run.rows,
                out=out,
                inputs=inputs,
                title=title,
                block="mlp",
            )
            for name, out, inputs, title in found
        ]

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        return []


def ffn_facts(s: TransformerStructure) -> tuple[tuple[str, str], ...]:
    """How d_ff was chosen, for the words: ``("d_ff", "llama")`` and LLaMA's rounding."""
    facts: tuple[tuple[str, str], ...] = (("d_ff", s.ffn),)
    if s.ffn == "llama":
        facts += (("ffn_multiple_of", str(s.rule[0])), ("ffn_dim_multiplier", s.rule[1]))
    return facts


# -- words ------------------------------------------------------------------------------------
def _rule(role: Role, d_ff: int, d_model: int) -> str:
    """Where d_ff comes from: LLaMA's rounding rule, 4 d_model, or the design."""
    if role.extra("width"):
        return f"{role.extra('width')}, the design's width for this MLP"
    rule = role.extra("d_ff")
    if rule == "llama":
        multiple = int(role.extra("ffn_multiple_of", "256") or 256)
        multiplier = role.extra("ffn_dim_multiplier")
        inner = f"8 x {d_model} / 3"
        if multiplier:
            inner = f"{multiplier} x ({inner})"
        return f"d_ff from LLaMA's rule {multiple} x ceil({inner} / {multiple})"
    if rule == "times4" and d_ff == 4 * d_model:
        return f"d_ff = 4 x {d_model}"
    if rule == "width":
        return "the width of this MLP as the design gives it"
    return "d_ff as given"


@words("mlp")
def _mlp_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    gated = role.extra("gated") == "yes"
    if is_bias(numbers):
        (width,) = numbers
        if code == "down":
            text = f"one bias per feature of the {width}-wide residual stream"
        else:
            text = f"one bias per hidden feature ({width})"
        return text + copies(role, network)
    matrix = Matrix.of(role, numbers)
    if code == "down":
        text = (
            f"it takes the {matrix.inputs} hidden features back to the {matrix.out}-wide "
            f"residual stream: {matrix.text()}"
        )
    elif code == "gate":
        text = (
            f"the {matrix.out}-wide gate of the gated (GLU) MLP, "
            f"{_rule(role, matrix.out, matrix.inputs)}: {matrix.text()}"
        )
    elif gated:
        text = (
            f"the up-projection beside the gate, as wide ({matrix.out}), multiplied by the "
            f"gate's activation feature by feature: {matrix.text()}"
        )
    else:
        text = (
            f"the {matrix.out}-wide hidden layer ({_rule(role, matrix.out, matrix.inputs)}) "
            f"reads the {matrix.inputs}-wide residual stream: {matrix.text()}"
        )
    return text + copies(role, network)
