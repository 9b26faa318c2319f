"""LFM2's gated short convolution (Liquid AI 2025; Hyena-style gating, Poli et al. 2023): in a
layer of its own in place of attention, ``in_proj`` makes three d_model-wide streams (B, C
and x), a depthwise causal convolution of K taps runs over B x, C gates its output, and
``out_proj`` returns to the residual stream; its matrix products, the state it caches (the
last K inputs of the convolution) and its words.

What ``FlopCounterMode`` counts for it (on the meta device, the cache on, as
``transformers`` 5 runs it without the ``causal_conv1d`` kernel): the two projections over
every position, and the convolution as ``aten.convolution``: d channels of K taps over
max(T, K) + K - 1 outputs per sequence (a prefill shorter than the kernel is padded to K,
then the convolution pads K - 1 more and keeps the first T), 2 B d K (max(T, K) + K - 1)
FLOPs per layer; max(T, K) is a size that follows (``T_k``). The bias and the gates are
elementwise.

Example:
    >>> import explorer
    >>> c = explorer.count("lfm2", d_model=64, layers=3, attention_layers=1, heads=4,
    ...                    kv_heads=2, vocab=100, d_ff=96, ffn_adjust=False)
    >>> c.shapes["model.layers.*.conv.conv.weight"], c.breakdown["model.layers.*.conv.conv.weight"]
    ((64, 1, 3), 384)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Slot, Term, symbol
from explorer.blocks import DimensionLike, Network, linear, projection, words
from explorer.transformer.blocks._words import Matrix, copies

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["ShortConv", "at_least"]


def at_least(value: Any, floor: Any) -> Any:
    """``max(value, floor)`` for ints or numpy arrays."""
    if isinstance(value, int) and isinstance(floor, int):
        return max(value, floor)
    return floor + (value - floor).clip(min=0)


class ShortConv(NamedTuple):
    """A gated short convolution (LFM2's ``Lfm2ShortConv``).

    Attributes:
        module: its module's local name (``conv``: ``conv.in_proj``, ``conv.conv``,
            ``conv.out_proj``).
        kernel: the keyword of its kernel width K (``conv_L_cache``).
        bias: the flag keyword of its biases (``conv_bias``).
    """

    module: str = "conv"
    kernel: str = "kernel"
    bias: str = "conv_bias"
    norm_title: str = "convolution norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """``in_proj`` [3 d, d], the depthwise ``conv`` [d, 1, K], ``out_proj`` [d, d];
        biases with ``conv_bias``."""
        bias = bool(s.option(self.bias))
        m, d = self.module, z.d
        terms = linear(at, f"{m}.in_proj", out=3 * d, inputs=d, bias=bias,
                       title="convolution in-projection (B, C, x)", block="short convolution",
                       extras=(("projection", "in"),))  # fmt: skip
        terms.append(
            Term(
                at.name(f"{m}.conv.weight"),
                "weight",
                (d, 1, z[self.kernel]),
                "depthwise convolution: K taps per channel",
                at.group,
                at.copies,
                at.role(f"{m}.conv", "short convolution", block="short convolution",
                        extras=(("projection", "conv"),)),
            )
        )  # fmt: skip
        if bias:
            terms.append(
                Term(
                    at.name(f"{m}.conv.bias"),
                    "bias",
                    (d,),
                    "depthwise convolution: one bias per channel",
                    at.group,
                    at.copies,
                    at.role(f"{m}.conv.bias", "short convolution bias",
                            block="short convolution", extras=(("projection", "conv"),)),
                )
            )  # fmt: skip
        terms += linear(at, f"{m}.out_proj", out=d, inputs=d, bias=bias,
                        title="convolution out-projection", block="short convolution",
                        extras=(("projection", "out"),))  # fmt: skip
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The projections over every position; the convolution over max(T, K) + K - 1
        outputs of each sequence (``T_k`` = max(T, K))."""
        m, d, kernel = self.module, z.d, z[self.kernel]
        outputs = run.batch * (symbol("T_k") + kernel - 1)

        def one(name: str, rows: Any, out: Any, inputs: Any, title: str) -> Term:
            return projection(
                at,
                name,
                rows=rows,
                out=out,
                inputs=inputs,
                title=title,
                block="short convolution",
            )

        return [
            one(f"{m}.in_proj", run.rows, 3 * d, d, "convolution in-projection"),
            one(f"{m}.conv", outputs, d, kernel,
                "depthwise convolution, max(T, K) + K - 1 outputs a sequence"),
            one(f"{m}.out_proj", run.rows, d, d, "convolution out-projection"),
        ]  # fmt: skip

    def measure_sizes(
        self, s: TransformerStructure, measure: str
    ) -> tuple[tuple[Slot, Callable[[Mapping[str, Any]], Any]], ...]:
        """``T_k`` = max(T, K): a prefill shorter than the kernel is padded to it."""
        if not measure.startswith("flops:"):
            return ()
        kernel = self.kernel
        return ((Slot("conv_seq", None, "T_k", True), lambda v: at_least(v["seq"], v[kernel])),)

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The convolution's state: the last K inputs of each channel, d x K a sequence."""
        return [
            Term(
                at.name(f"{self.module}.conv_state"),
                "cache",
                (run.batch, z.d, z[self.kernel]),
                "convolution state cached: sequences x channels x K",
                at.group,
                at.copies,
                Role(f"{self.module}.conv_state", "convolution state cached", at.layer, "",
                     "kv cache"),
            )
        ]  # fmt: skip


@words("short convolution")
def _conv_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    if len(numbers) == 1:
        return f"one bias per output ({numbers[0]})" + copies(role, network)
    if code == "conv":
        channels, _, kernel = numbers
        text = (
            f"a depthwise causal convolution: each of the {channels} channels mixes its last "
            f"{kernel} positions with {kernel} weights of its own"
        )
    elif code == "in":
        matrix = Matrix.of(role, numbers)
        text = (
            f"three {matrix.out // 3}-wide streams from the residual stream (B and C gate the "
            f"convolution's input and output, x is convolved): {matrix.text()}"
        )
    else:
        matrix = Matrix.of(role, numbers)
        text = f"the gated convolution's output back to the residual stream: {matrix.text()}"
    return text + copies(role, network)
