"""Gated DeltaNet (Yang, Kautz, Hatamizadeh 2025), the linear attention of Qwen3-Next and
Qwen3.5's linear layers: queries, keys and values from one projection (``in_proj_qkv``, the
keys and queries in n_lk heads of d_lk, the values in n_lv heads of d_lv), a depthwise causal
convolution over them (K taps), a decay (``A_log``, ``dt_bias``, ``in_proj_a``) and a
learning rate (``in_proj_b``) per value head, a recurrent state of d_lk x d_lv per value head
updated by the delta rule, a gated RMSNorm of each head's output (``norm``, gated by
``in_proj_z``) and ``out_proj`` back to the residual stream; its matrix products, its cache
and its words.

What ``FlopCounterMode`` counts for it (on the meta device, the cache on, transformers 5's
torch implementation, ``torch_chunk_gated_delta_rule``): the projections over every
position; the convolution over max(T, K) + K - 1 outputs per sequence (as LFM2's, ``T_k``);
and the chunked delta rule over the sequence padded to a multiple of 64 (``T_c`` = 64
ceil(T / 64)), queries and keys repeated to the n_lv value heads: per value head and padded
position, 2 x 64 d_lk (keys by keys and queries by keys within a chunk), 3 d_lk d_lv (the
state read by the keys and queries, and updated) and 64 d_lv (the chunk's attention by the
values) multiply-accumulates. The triangular solve, the norms, gates and decays are not
matrix products the counter counts.

It caches, per sequence, the convolution's last K inputs (2 n_lk d_lk + n_lv d_lv channels)
and the recurrent state, n_lv x d_lk x d_lv, which transformers keeps in fp32 whatever the
model's dtype (a ``state`` term: the memory counts it at 4 bytes).

Example:
    >>> import explorer
    >>> c = explorer.count("qwen3_5_text", d_model=64, layers=4, heads=4, kv_heads=2,
    ...                    head_dim=16, vocab=100, d_ff=96, linear_key_heads=2,
    ...                    linear_value_heads=4, linear_key_dim=8, linear_value_dim=12)
    >>> c.shapes["model.layers.*.linear_attn.in_proj_qkv.weight"]  # 2 x 2 x 8 + 4 x 12
    (80, 64)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Slot, Term, symbol
from explorer.blocks import DimensionLike, Network, linear, norm, projection, words
from explorer.transformer.blocks._words import Matrix, copies
from explorer.transformer.blocks.short_conv import at_least

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["CHUNK", "GatedDeltaNet"]

#: The chunk of transformers' chunked delta rule (``chunk_size``): the sequence is padded to
#: a multiple of it.
CHUNK = 64


def padded(length: Any, chunk: int = CHUNK) -> Any:
    """``length`` rounded up to a multiple of ``chunk`` (ints or numpy arrays)."""
    return -(-length // chunk) * chunk


class GatedDeltaNet(NamedTuple):
    """A Gated DeltaNet layer (Qwen3.5's ``linear_attn``), its sizes read by keyword."""

    module: str = "linear_attn"
    key_heads: str = "linear_key_heads"
    value_heads: str = "linear_value_heads"
    key_dim: str = "linear_key_dim"
    value_dim: str = "linear_value_dim"
    kernel: str = "kernel"
    norm_title: str = "linear attention norm"

    def _widths(self, z: Sizes) -> tuple[Any, Any, Any, Any]:
        """The value heads, a key head's and a value head's width, the convolved width."""
        heads, key, value = z[self.value_heads], z[self.key_dim], z[self.value_dim]
        channels = 2 * z[self.key_heads] * key + heads * value
        return heads, key, value, channels

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        """The four input projections, the convolution, the decay's two vectors, the gated
        norm and the output projection; no biases."""
        m, d = self.module, z.d
        heads, _, value, channels = self._widths(z)
        block = "gated deltanet"

        def project(name: str, out: Any, inputs: Any, title: str, code: str) -> list[Term]:
            return linear(at, f"{m}.{name}", out=out, inputs=inputs, bias=False, title=title,
                          block=block, extras=(("projection", code),))  # fmt: skip

        def vector(name: str, kind: str, title: str, code: str) -> Term:
            role = at.role(f"{m}.{name}", title, block=block, extras=(("projection", code),))
            meaning = f"{title}: one per value head"
            return Term(at.name(f"{m}.{name}"), kind, (heads,), meaning, at.group, at.copies, role)

        terms = project("in_proj_qkv", channels, d, "linear attention queries, keys, values",
                        "qkv")  # fmt: skip
        terms += project("in_proj_z", heads * value, d, "linear attention output gate", "z")
        terms += project("in_proj_b", heads, d, "linear attention learning rate", "b")
        terms += project("in_proj_a", heads, d, "linear attention decay input", "a")
        terms.append(
            Term(at.name(f"{m}.conv1d.weight"), "weight", (channels, 1, z[self.kernel]),
                 "depthwise convolution: K taps per channel", at.group, at.copies,
                 at.role(f"{m}.conv1d", "linear attention convolution", block=block,
                         extras=(("projection", "conv"),)))
        )  # fmt: skip
        terms.append(vector("dt_bias", "bias", "decay time-step bias", "dt"))
        terms.append(vector("A_log", "weight", "decay rate (log)", "A"))
        terms += norm(
            at, f"{m}.norm", width=value, bias=False, title="gated head norm", block=block
        )
        terms += project("out_proj", d, heads * value, "linear attention output", "out")
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The projections; the convolution over max(T, K) + K - 1 outputs; the chunked
        delta rule over T_c = 64 ceil(T / 64) positions of every value head."""
        m, d = self.module, z.d
        heads, key, value, channels = self._widths(z)
        chunked = run.batch * symbol("T_c")
        block = "gated deltanet"

        def one(name: str, rows: Any, out: Any, inputs: Any, title: str, *, times: int = 1) -> Term:
            return projection(at, f"{m}.{name}", rows=rows, out=out, inputs=inputs, title=title,
                              block=block, repeats=times)  # fmt: skip

        return [
            one("in_proj_qkv", run.rows, channels, d, "linear attention queries, keys, values"),
            one("in_proj_z", run.rows, heads * value, d, "linear attention output gate"),
            one("in_proj_b", run.rows, heads, d, "linear attention learning rate"),
            one("in_proj_a", run.rows, heads, d, "linear attention decay input"),
            one("conv1d", run.batch * (symbol("T_k") + z[self.kernel] - 1), channels,
                z[self.kernel], "depthwise convolution, max(T, K) + K - 1 outputs a sequence"),
            one("chunk_scores", chunked, CHUNK, heads * key,
                "keys by keys and queries by keys within each chunk of 64 (padded)", times=2),
            one("state_reads", chunked, value, heads * key,
                "the state read by keys and queries, and its update, per chunk", times=3),
            one("chunk_values", chunked, value, heads * CHUNK,
                "each chunk's attention by its values"),
            one("out_proj", run.rows, d, heads * value, "linear attention output"),
        ]  # fmt: skip

    def measure_sizes(
        self, s: TransformerStructure, measure: str
    ) -> tuple[tuple[Slot, Callable[[Mapping[str, Any]], Any]], ...]:
        """``T_k`` = max(T, K) (a prefill shorter than the kernel is padded to it) and
        ``T_c`` = 64 ceil(T / 64) (the chunked rule's padded length)."""
        if not measure.startswith("flops:"):
            return ()
        kernel = self.kernel
        return (
            (Slot("conv_seq", None, "T_k", True), lambda v: at_least(v["seq"], v[kernel])),
            (Slot("chunked_seq", None, "T_c", True), lambda v: padded(v["seq"])),
        )

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The convolution's last K inputs, and the recurrent state (kept in fp32)."""
        m = self.module
        heads, key, value, channels = self._widths(z)
        return [
            Term(at.name(f"{m}.conv_state"), "cache", (run.batch, channels, z[self.kernel]),
                 "convolution state cached: sequences x channels x K", at.group, at.copies,
                 Role(f"{m}.conv_state", "convolution state cached", at.layer, "", "kv cache")),
            Term(at.name(f"{m}.recurrent_state"), "state", (run.batch, heads, key, value),
                 "recurrent state cached (fp32): sequences x value heads x d_lk x d_lv",
                 at.group, at.copies,
                 Role(f"{m}.recurrent_state", "recurrent state cached", at.layer, "", "kv cache")),
        ]  # fmt: skip


@words("gated deltanet")
def _delta_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    shown = {
        "dt": "a learned time-step bias per value head, inside the decay's softplus",
        "A": "a learned decay rate per value head (its logarithm): how fast the state forgets",
    }
    if code in shown:
        text = f"{shown[code]} ({numbers[0]})"
    elif code == "conv":
        channels, _, kernel = numbers
        text = (
            f"a depthwise causal convolution over the {channels} query, key and value "
            f"channels: {kernel} taps each"
        )
    elif len(numbers) == 1:
        text = (
            f"an RMSNorm of each value head's output ({numbers[0]} scales, shared by the "
            "heads), gated by the output gate"
        )
    else:
        matrix = Matrix.of(role, numbers)
        what = {
            "qkv": "the queries and keys (of the key heads) and the values (of the value heads)",
            "z": "an output gate as wide as the values",
            "b": "a learning rate (beta) per value head",
            "a": "the decay's input per value head",
            "out": "the value heads' outputs back to the residual stream",
        }[code]
        text = f"{what}: {matrix.text()}"
    return text + copies(role, network)
