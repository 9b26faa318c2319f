"""Multi-head latent attention (DeepSeek-AI 2024, DeepSeek-V2 §2.1): the queries come
through a low-rank bottleneck (``q_a_proj`` d_model -> q_rank, an RMSNorm, ``q_b_proj``
q_rank -> heads x (nope_dim + rope_dim)), or straight from d_model when there is no query
rank (``q_proj``: DeepSeek-V2-Lite); keys and values come from one latent of kv_rank
features per token plus a rope_dim-wide rotary key shared by every head
(``kv_a_proj_with_mqa`` d_model -> kv_rank + rope_dim, an RMSNorm on the latent,
``kv_b_proj`` kv_rank -> heads x (nope_dim + v_dim)); ``o_proj`` heads x v_dim -> d_model.

A query-key score reads nope_dim + rope_dim features of a head, a weighted value v_dim.
transformers 5 caches the compressed latent and the rotary key (kv_rank + rope_dim numbers
per token and layer), and expands them through ``kv_b_proj`` at every pass (its product
runs over every cached position).

Example:
    >>> import explorer
    >>> c = explorer.count("deepseek", d_model=64, layers=1, heads=4, vocab=10, d_ff=16,
    ...                    experts=4, experts_per_token=2, shared_experts=1, q_rank=32,
    ...                    kv_rank=16, nope_dim=8, rope_dim=4, v_dim=8)
    >>> c.breakdown["model.layers.*.self_attn.kv_b_proj.weight"]  # 4 x (8 + 8) rows of 16
    1024
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.algebra import Role, Term
from explorer.blocks import (
    DimensionLike,
    Network,
    linear,
    projection,
    words,
)
from explorer.transformer.blocks._words import Matrix, copies, is_bias, size
from explorer.transformer.blocks.attention import score_products

if TYPE_CHECKING:
    from explorer.blocks import Site
    from explorer.transformer._sizes import Sizes
    from explorer.transformer._structure import TransformerStructure
    from explorer.transformer.blocks._block import Pass

__all__ = ["LatentAttention", "LatentNames"]


class LatentNames(NamedTuple):
    """Local names of a multi-head latent attention (transformers' DeepSeek names)."""

    q: str = "self_attn.q_proj"
    q_a: str = "self_attn.q_a_proj"
    q_norm: str = "self_attn.q_a_layernorm"
    q_b: str = "self_attn.q_b_proj"
    kv_a: str = "self_attn.kv_a_proj_with_mqa"
    kv_norm: str = "self_attn.kv_a_layernorm"
    kv_b: str = "self_attn.kv_b_proj"
    o: str = "self_attn.o_proj"

    @property
    def module(self) -> str:
        """The attention module's own name (``self_attn``)."""
        return self.o.rsplit(".", 1)[0]


class LatentAttention(NamedTuple):
    """A multi-head latent attention; its sizes are the keywords ``heads``, ``q_rank``
    (optional: absent, the queries are full rank), ``kv_rank``, ``nope_dim``,
    ``rope_dim`` and ``v_dim``. ``attention_bias`` puts biases on the two down-projections
    (``q_a_proj``, ``kv_a_proj_with_mqa``) and the output."""

    names: LatentNames = LatentNames()
    norm_title: str = "attention norm"

    def params(self, at: Site, z: Sizes, s: TransformerStructure) -> list[Term]:
        names = self.names
        heads, nope, rope, v = z.heads, z["nope_dim"], z["rope_dim"], z["v_dim"]

        def project(
            name: str, out: Any, inputs: Any, *, code: str, title: str, bias: bool
        ) -> list[Term]:
            return linear(
                at,
                name,
                out=out,
                inputs=inputs,
                bias=bias,
                title=title,
                block="latent attention",
                extras=(("projection", code),),
            )

        def rms(name: str, width: Any, code: str, title: str) -> list[Term]:
            extras = (("norm", "RMSNorm"), ("projection", code))
            return [
                Term(
                    at.name(name + ".weight"),
                    "norm",
                    (width,),
                    f"{title}: one scale per feature",
                    at.group,
                    at.copies,
                    at.role(name, title, block="latent attention", extras=extras),
                )
            ]

        terms: list[Term] = []
        if s.option("q_rank"):
            rank = z["q_rank"]
            terms += project(
                names.q_a, rank, z.d, code="q_a", title="query down-projection", bias=s.qkv_bias
            )
            terms += rms(names.q_norm, rank, "q_norm", "query latent norm")
            terms += project(
                names.q_b,
                heads * (nope + rope),
                rank,
                code="q_b",
                title="query up-projection",
                bias=False,
            )
        else:
            terms += project(
                names.q, heads * (nope + rope), z.d, code="q", title="query projection", bias=False
            )
        kv = z["kv_rank"]
        terms += project(
            names.kv_a,
            kv + rope,
            z.d,
            code="kv_a",
            title="key/value down-projection and rotary key",
            bias=s.qkv_bias,
        )
        terms += rms(names.kv_norm, kv, "kv_norm", "key/value latent norm")
        terms += project(
            names.kv_b,
            heads * (nope + v),
            kv,
            code="kv_b",
            title="key and value up-projection",
            bias=False,
        )
        terms += project(
            names.o, z.d, heads * v, code="o", title="output projection", bias=s.o_bias
        )
        return terms

    def products(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The projections over every position (``kv_b_proj`` over every cached one), the
        scores (nope_dim + rope_dim per head) and weighted values (v_dim per head) of every
        head; causal: query i meets keys 0..i, T (T + 1) / 2 pairs."""
        names = self.names
        heads, nope, rope, v = z.heads, z["nope_dim"], z["rope_dim"], z["v_dim"]
        rows, kv = run.rows, z["kv_rank"]

        def project(name: str, out: Any, inputs: Any, title: str) -> Term:
            return projection(
                at,
                name,
                rows=rows,
                out=out,
                inputs=inputs,
                title=title,
                block="latent attention",
            )

        terms: list[Term] = []
        if s.option("q_rank"):
            terms.append(project(names.q_a, z["q_rank"], z.d, "query down-projection"))
            terms.append(
                project(names.q_b, heads * (nope + rope), z["q_rank"], "query up-projection")
            )
        else:
            terms.append(project(names.q, heads * (nope + rope), z.d, "query projection"))
        terms.append(project(names.kv_a, kv + rope, z.d, "key/value down-projection"))
        terms.append(project(names.kv_b, heads * (nope + v), kv, "key and value up-projection"))
        terms += score_products(
            at,
            names.module,
            "latent attention",
            "latent attention",
            run,
            keys=run.length,
            widths=(heads * (nope + rope), heads * v),
            causal=run.causal,
        )
        terms.append(project(names.o, z.d, heads * v, "output projection"))
        return terms

    def cache(self, at: Site, z: Sizes, s: TransformerStructure, run: Pass) -> list[Term]:
        """The latent (kv_rank) and the rotary key (rope_dim) of every position."""
        module = self.names.module
        return [
            Term(
                at.name(f"{module}.{part}"),
                "cache",
                (run.batch, run.length, width),
                f"{title} cached: sequences x tokens x {what}",
                at.group,
                at.copies,
                Role(f"{module}.{part}", f"{title} cached", at.layer, "", "kv cache"),
            )
            for part, width, title, what in (
                ("latent", z["kv_rank"], "key/value latent", "kv_rank"),
                ("rope_keys", z["rope_dim"], "rotary key", "rope_dim"),
            )
        ]


# -- words ------------------------------------------------------------------------------------
@words("latent attention")
def _latent_words(
    role: Role, numbers: tuple[int, ...], dims: Sequence[DimensionLike], network: Network
) -> str:
    code = role.extra("projection")
    heads = size(network, "heads")
    nope, rope, v = (size(network, n) for n in ("nope_dim", "rope_dim", "v_dim"))
    of_heads = f"{heads} heads" if heads else "the heads"
    if is_bias(numbers) and code not in ("q_norm", "kv_norm"):
        return f"one bias per output ({numbers[0]})" + copies(role, network)
    if code in ("q_norm", "kv_norm"):
        what = "query" if code == "q_norm" else "key/value"
        text = f"an RMSNorm on the {numbers[0]}-wide {what} latent: {numbers[0]} scales"
        return text + copies(role, network)
    matrix = Matrix.of(role, numbers)
    qk = f" ({nope} + {rope} each)" if nope and rope else ""
    if code == "q":
        text = (
            f"the queries of the {of_heads}{qk} straight from the {matrix.inputs}-wide "
            f"residual stream (no query latent): {matrix.text()}"
        )
    elif code == "q_a":
        text = (
            f"the query latent: the {matrix.inputs}-wide residual stream down to "
            f"{matrix.out} features: {matrix.text()}"
        )
    elif code == "q_b":
        text = f"the queries of the {of_heads}{qk} from the query latent: {matrix.text()}"
    elif code == "kv_a":
        latent = f"{matrix.out - rope} + {rope}" if rope else str(matrix.out)
        text = (
            f"one key/value latent per token and a rotary key shared by every head "
            f"({latent}) from the {matrix.inputs}-wide residual stream: {matrix.text()}; "
            "what the cache keeps"
        )
    elif code == "kv_b":
        kv = f" ({nope} key + {v} value each)" if nope and v else ""
        text = (
            f"the keys and values of the {of_heads}{kv}, expanded from the "
            f"{matrix.inputs}-wide latent: {matrix.text()}"
        )
    else:
        text = (
            f"the {matrix.inputs} outputs of the {of_heads} ({v} each) back to the "
            f"{matrix.out}-wide residual stream: {matrix.text()}"
            if v
            else f"the outputs of the {of_heads} back to the residual stream: {matrix.text()}"
        )
    return text + copies(role, network)
